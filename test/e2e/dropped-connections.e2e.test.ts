/**
 * Dropped connections end to end: a connection reset or closed mid-answer reaches the plugin as `TypeError: fetch
 * failed` with the socket code in `cause`; an answer cut off after its header block as `TypeError: terminated` from the
 * body stream (which jsforce 3.12 leaked as a crash: scripts/patches/jsforce-body-errors.ts). The real sf binary with
 * the built plugin, against the org emulator, whose faults drop the socket after the request arrived. Reads are
 * retried and the run ends as if nothing happened; a write is never sent twice. Also the other hostile answers and
 * interruptions: a 500 UNKNOWN_EXCEPTION, Ctrl-C, an API version the org does not serve. Needs `npm run build` first
 * (npm test does it).
 */
import { resolve } from 'node:path';
import { expect } from 'chai';
import {
  ADMIN_USERNAME,
  CANCEL_REASON_FIELD,
  type DropMoment,
  type Emulator,
  EVENT_STATUS_FIELD,
  layoutFields,
  type LayoutMetadata,
  PERMSET_NAME,
  scenarios,
} from '../../emulator/index.js';
import { REPO_ROOT, type Session, type SfResult, startSession } from './harness.js';

/** A stack frame, an unhandled error or oclif's EEXIT: none may reach a user. */
const CRASH = /\n\s+at .+:\d+:\d+|Unhandled|uncaught|EEXIT|TypeError|terminated/i;

/** Waits until `done()` holds, checking on each turn of the event loop (the emulator runs in this process). */
async function until(done: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const REST_COMPOSITE = /^\/services\/data\/v[\d.]+\/composite$/;
const TOOLING_COMPOSITE = /^\/services\/data\/v[\d.]+\/tooling\/composite$/;

const holdings = (emu: Emulator, username: string): number => {
  const permset = emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME && p.NamespacePrefix === 'ScheduleOnce');
  const userId = emu.org.requireUser(username).Id;
  return emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === permset?.Id && a.AssigneeId === userId).length;
};

describe('e2e: dropped connections', function () {
  this.timeout(300_000);
  let session: Session | undefined;

  async function open(org = scenarios.base()): Promise<Session> {
    session = await startSession({ org: org.build() });
    await session.login(ADMIN_USERNAME, 'acme');
    return session;
  }

  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  describe('doctor', () => {
    const doctorArgs = ['oncehub', 'doctor', '-o', 'acme', '--config', resolve(REPO_ROOT, 'test', 'fixtures', 'setup', 'valid.json'), '--json'];
    const completed = (): ReturnType<typeof scenarios.base> =>
      scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().withAssignmentRules().withRequiredLeadRegion();

    /**
     * Drops each of the doctor's four requests once (two REST and two Tooling Composites of reads): the first attempt
     * of each goes down, its retry is answered. `skip` counts every matching request, so the second fault of a path
     * lets the first request and its retry through.
     */
    function dropEachRequestOnce(s: Session, drop: 'resetConnections' | 'closeConnections', when: DropMoment): void {
      for (const path of [REST_COMPOSITE, TOOLING_COMPOSITE]) {
        for (const skip of [0, 2]) s.emulator.faults[drop]({ path, method: 'POST', skip, when });
      }
    }

    type Report = { phases: Array<{ checks: Array<{ id: string; message: string }> }> };
    /** The report without the one text that changes with every run: the API requests used today. */
    const withoutApiUsageCount = (report: Report): Report => ({
      ...report,
      phases: report.phases.map((p) => ({
        ...p,
        checks: p.checks.map((c) => (c.id === 'api-usage' ? { ...c, message: c.message.replace(/\d+/g, 'N') } : c)),
      })),
    });

    const cases = [
      { drop: 'resetConnections', when: 'beforeAnswer', fault: 'resetConnection' },
      { drop: 'closeConnections', when: 'midAnswer', fault: 'closeConnection' },
      { drop: 'resetConnections', when: 'midAnswer', fault: 'resetConnection' },
      { drop: 'closeConnections', when: 'beforeAnswer', fault: 'closeConnection' },
    ] as const;

    it('survives a drop of each of its requests, every kind of drop: same exit code and report as without', async () => {
      const s = await open(completed());
      expect((await s.sf(['oncehub', 'connect', '-o', 'acme'])).exitCode).to.equal(0);
      const clean = await s.sf(doctorArgs);
      expect(clean.exitCode, clean.stderr).to.equal(0);

      for (const { drop, when, fault } of cases) {
        s.emulator.log.clear();
        dropEachRequestOnce(s, drop, when);

        const run: SfResult = await s.sf(doctorArgs);

        const what = `${drop} ${when}`;
        expect(run.exitCode, `${what}: ${run.stdout}${run.stderr}`).to.equal(clean.exitCode);
        expect(withoutApiUsageCount(run.json?.result as Report), what).to.deep.equal(withoutApiUsageCount(clean.json?.result as Report));
        const requests = s.emulator.log.dataRequests();
        expect(requests.filter((r) => r.fault).map((r) => r.fault), what).to.deep.equal([fault, fault, fault, fault]);
        expect(requests.filter((r) => !r.fault), what).to.have.length(4);
        expect(s.emulator.faults.active, what).to.have.length(0);
        expect(s.emulator.log.writes(), what).to.have.length(0);
      }
    });

    it('survives an answer cut mid-body, and a 500 UNKNOWN_EXCEPTION, on each of its requests: same report', async () => {
      const s = await open(completed());
      expect((await s.sf(['oncehub', 'connect', '-o', 'acme'])).exitCode).to.equal(0);
      const clean = await s.sf(doctorArgs);
      expect(clean.exitCode, clean.stderr).to.equal(0);

      for (const fault of ['cutBody', 'unknownException'] as const) {
        s.emulator.log.clear();
        for (const path of [REST_COMPOSITE, TOOLING_COMPOSITE]) {
          for (const skip of [0, 2]) {
            if (fault === 'cutBody') s.emulator.faults.cutBodies({ path, method: 'POST', skip });
            else s.emulator.faults.unknownException({ path, method: 'POST', skip });
          }
        }

        const run = await s.sf(doctorArgs);

        expect(run.exitCode, `${fault}: ${run.stdout}${run.stderr}`).to.equal(clean.exitCode);
        expect(run.stderr, fault).to.not.match(CRASH);
        expect(withoutApiUsageCount(run.json?.result as Report), fault).to.deep.equal(withoutApiUsageCount(clean.json?.result as Report));
        const requests = s.emulator.log.dataRequests();
        expect(requests.filter((r) => r.fault).map((r) => r.fault), fault).to.deep.equal([fault, fault, fault, fault]);
        expect(requests.filter((r) => !r.fault), fault).to.have.length(4);
        expect(s.emulator.log.writes(), fault).to.have.length(0);
      }
    });

    it('--api-version above the org\'s: an error naming the highest version the org offers, no stack', async () => {
      const s = await open();

      const run = await s.sf([...doctorArgs, '--api-version', '99.0']);
      const human = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--api-version', '99.0']);

      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('ApiVersionNotServedError');
      expect(run.json?.message).to.equal(`API version 99.0 is not served by the org at ${s.emulator.url}/: the highest version it offers is 66.0.`);
      expect(run.json?.actions).to.deep.equal(['Run the command again with --api-version 66.0, or without --api-version.']);
      expect(human.exitCode).to.equal(1);
      expect(human.stderr).to.include('the highest version it offers is 66.0').and.not.match(CRASH);
    });

    it('an unreachable org (connection refused on every try) ends in "Cannot reach the org" with an action', async () => {
      const s = await open();
      await s.emulator.stop();

      const run = await s.sf(doctorArgs);

      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('UnreachableError');
      expect(run.json?.message).to.equal(`Cannot reach the org at ${s.emulator.url}/ (ECONNREFUSED).`);
      expect(run.json?.actions).to.deep.equal(["Check your network connection and the org's instance URL: sf org display --target-org acme"]);
    });
  });

  describe('layout add-fields', () => {
    const addFields = ['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json'];
    const SOAP = { path: '/services/Soap/m/', method: 'POST' };
    const packageFieldsOf = (emu: Emulator): string[] =>
      layoutFields(emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event' && l.Name === 'Event Layout')[0].Metadata as LayoutMetadata)
        .filter((f) => f.startsWith('ScheduleOnce__'))
        .sort();

    it('survives a drop of each of its reads (Tooling query, describe, readMetadata), writes once', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.closeConnections({ path: '/tooling/query', when: 'midAnswer' });
      s.emulator.faults.resetConnections({ path: '/sobjects/Event/describe', when: 'midAnswer' });
      s.emulator.faults.closeConnections({ ...SOAP, when: 'midAnswer' });
      s.emulator.log.clear();

      const run = await s.sf(addFields);

      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.json?.result.layouts).to.deep.equal([{ layout: 'Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] }]);
      expect(s.emulator.log.dataRequests().filter((r) => r.fault)).to.have.length(3);
      expect(s.emulator.log.writes().map((w) => `${w.method} ${w.path} ${w.fault ?? ''}`)).to.deep.equal(['POST /services/Soap/m/66.0 ']);
      expect(packageFieldsOf(s.emulator)).to.deep.equal([CANCEL_REASON_FIELD, EVENT_STATUS_FIELD]);
    });

    it('an updateMetadata whose answer is dropped after it was saved is not sent again: a clear error, and a rerun finds it done', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.closeConnections({ ...SOAP, skip: 1, when: 'midAnswer' });
      s.emulator.log.clear();

      const run = await s.sf(addFields);

      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('ConnectionDroppedError');
      expect(s.emulator.log.writes().map((w) => `${w.method} ${w.path} ${w.fault ?? ''}`)).to.deep.equal(['POST /services/Soap/m/66.0 closeConnection']);
      expect(packageFieldsOf(s.emulator)).to.deep.equal([CANCEL_REASON_FIELD, EVENT_STATUS_FIELD]);

      s.emulator.log.clear();
      const rerun = await s.sf(addFields);

      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expect(rerun.json?.result.layouts[0].added).to.deep.equal([]);
      expect(s.emulator.log.writes()).to.have.length(0);
    });
  });

  describe('layout add-fields: answers cut mid-body', () => {
    const addFields = ['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json'];
    const SOAP = { path: '/services/Soap/m/', method: 'POST' };

    it('a cut on each kind of read (Tooling query, describe, readMetadata) is retried: same result, one write', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.cutBodies({ path: '/tooling/query' });
      s.emulator.faults.cutBodies({ path: '/sobjects/Event/describe' });
      s.emulator.faults.cutBodies(SOAP);
      s.emulator.log.clear();

      const run = await s.sf(addFields);

      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.stderr).to.not.match(CRASH);
      expect(run.json?.result.layouts).to.deep.equal([{ layout: 'Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] }]);
      expect(s.emulator.log.dataRequests().filter((r) => r.fault).map((r) => r.fault)).to.deep.equal(['cutBody', 'cutBody', 'cutBody']);
      expect(s.emulator.log.writes().map((w) => `${w.method} ${w.path} ${w.fault ?? ''}`)).to.deep.equal(['POST /services/Soap/m/66.0 ']);
    });

    it('a cut answer to updateMetadata (saved): a clear error, exit 1, and the rerun writes nothing', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.cutBodies({ ...SOAP, skip: 1 });
      s.emulator.log.clear();

      const run = await s.sf(addFields);
      const human = await s.sf(addFields.slice(0, -1));

      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('ConnectionDroppedError');
      expect(run.json?.message).to.match(/may or may not have been saved/);
      expect(run.stderr).to.not.match(CRASH);
      expect(s.emulator.log.writes().map((w) => `${w.method} ${w.path} ${w.fault ?? ''}`)).to.deep.equal(['POST /services/Soap/m/66.0 cutBody']);
      // The human rerun (no fault left) finds the fields there and writes nothing.
      expect(human.exitCode, human.stderr).to.equal(0);
      expect(s.emulator.log.writes()).to.have.length(1);
    });

    // Exit 20: sf-plugins-core gives every error that quotes a Salesforce ErrorId ("gack") exit code 20 (README).
    it('a 500 sf:UNKNOWN_EXCEPTION on updateMetadata: "may or may not have been saved" with the ErrorId, exit 20; the rerun writes', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.unknownException({ ...SOAP, skip: 1 });

      const run = await s.sf(addFields);

      expect(run.exitCode).to.equal(20);
      expect(run.json?.name).to.equal('WriteOutcomeUnknownError');
      expect(run.json?.message).to.equal(
        `The org at ${s.emulator.url}/ failed while handling a change (UNKNOWN_EXCEPTION, ErrorId 1234567890-12345 (-123456789)): it may or may not have been saved.`
      );
      expect(run.json?.actions?.[0]).to.match(/^Run the command again/);
      s.emulator.log.clear();
      const rerun = await s.sf(addFields);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expect(s.emulator.log.writes()).to.have.length(1);
    });
  });

  describe('setup: answers cut mid-body', () => {
    const setup = ['oncehub', 'setup', '-o', 'acme', '--no-prompt', '--json'];

    it('a cut on a read recovers; a cut on each write is a clear error, and the rerun completes with nothing written twice', async () => {
      const s = await open(scenarios.demo());
      // The plan's reads: the permission set Composite and the layouts' readMetadata.
      s.emulator.faults.cutBodies({ path: REST_COMPOSITE, skip: 1 });
      s.emulator.faults.cutBodies({ path: '/composite/sobjects' });

      const first = await s.sf(setup);

      expect(first.exitCode).to.equal(1);
      expect(first.json?.name).to.equal('ConnectionDroppedError');
      expect(first.stderr).to.not.match(CRASH);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(1);
      expect(s.emulator.log.dataRequests().filter((r) => r.fault).map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        'POST /services/data/v66.0/composite',
        'POST /services/data/v66.0/composite/sobjects',
      ]);

      s.emulator.faults.cutBodies({ path: '/services/Soap/m/', skip: 1 });
      const second = await s.sf(setup);

      expect(second.exitCode).to.equal(1);
      expect(second.json?.name).to.equal('ConnectionDroppedError');
      expect(second.stderr).to.not.match(CRASH);

      s.emulator.log.clear();
      const third = await s.sf(setup);

      expect(third.exitCode, third.stdout + third.stderr).to.equal(0);
      expect(s.emulator.log.writes()).to.have.length(0);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(1);
      expect(third.json?.result.applied.permset.alreadyAssigned.map((u: { username: string }) => u.username)).to.deep.equal([ADMIN_USERNAME]);
    });
  });

  describe('permset assign: a write is never sent twice', () => {
    const assign = ['oncehub', 'permset', 'assign', '-o', 'acme', '--json'];
    const INSERT = { path: '/composite/sobjects', method: 'POST' };

    it('an insert whose answer is dropped after it was saved: one insert, a clear error, and a rerun finds it done', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.closeConnections({ ...INSERT, when: 'midAnswer' });

      const run = await s.sf(assign);

      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('ConnectionDroppedError');
      expect(run.json?.message).to.equal(
        `The connection to the org at ${s.emulator.url}/ was dropped before Salesforce's answer arrived (UND_ERR_SOCKET). ` +
          'If that request made a change, it may or may not have been saved.'
      );
      expect(run.json?.actions?.[0]).to.match(/^Run the command again/);
      expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
      expect(s.emulator.log.writes().map((w) => `${w.method} ${w.path} ${w.fault ?? ''}`)).to.deep.equal([
        'POST /services/data/v66.0/composite/sobjects closeConnection',
      ]);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(1);

      s.emulator.log.clear();
      const rerun = await s.sf(assign);

      expect(rerun.exitCode).to.equal(0);
      expect(rerun.json?.result.alreadyAssigned.map((u: { username: string }) => u.username)).to.deep.equal([ADMIN_USERNAME]);
      expect(s.emulator.log.writes()).to.have.length(0);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(1);
    });

    it('an insert reset before it was processed: one insert, a clear error, nothing saved', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.resetConnections({ ...INSERT, when: 'beforeAnswer' });

      const run = await s.sf(assign);

      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('ConnectionDroppedError');
      expect(run.json?.message).to.include('(ECONNRESET)');
      expect(s.emulator.log.writes()).to.have.length(1);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(0);
    });

    it('a cut on its read recovers; a cut answer to its insert (saved) is a clear error, and the rerun assigns nothing twice', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.cutBodies({ path: REST_COMPOSITE });
      s.emulator.faults.cutBodies(INSERT);

      const run = await s.sf(assign);

      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('ConnectionDroppedError');
      expect(run.json?.message).to.match(/\(UND_ERR_SOCKET\)\. If that request made a change, it may or may not have been saved\.$/);
      expect(run.stderr).to.not.match(CRASH);
      expect(s.emulator.log.dataRequests().filter((r) => r.fault).map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        'POST /services/data/v66.0/composite',
        'POST /services/data/v66.0/composite/sobjects',
      ]);
      expect(s.emulator.log.writes()).to.have.length(1);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(1);

      s.emulator.log.clear();
      const rerun = await s.sf(assign);

      expect(rerun.exitCode).to.equal(0);
      expect(rerun.json?.result.alreadyAssigned.map((u: { username: string }) => u.username)).to.deep.equal([ADMIN_USERNAME]);
      expect(s.emulator.log.writes()).to.have.length(0);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(1);
    });

    it('a 500 UNKNOWN_EXCEPTION on its insert: "may or may not have been saved" with the ErrorId, exit 20, no stack; the rerun assigns once', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.unknownException(INSERT);

      const run = await s.sf(assign);
      const human = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme']);

      expect(run.exitCode).to.equal(20);
      expect(run.json?.name).to.equal('WriteOutcomeUnknownError');
      expect(run.json?.message).to.equal(
        `The org at ${s.emulator.url}/ failed while handling a change (UNKNOWN_EXCEPTION, ErrorId 1234567890-12345 (-123456789)): it may or may not have been saved.`
      );
      expect(run.json?.actions?.[0]).to.match(/^Run the command again/);
      expect(run.stderr).to.not.match(CRASH);
      // The human run is the rerun: nothing was saved by the 500, so it assigns now, once.
      expect(human.exitCode, human.stderr).to.equal(0);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(1);
    });
  });

  describe('Ctrl-C (SIGINT)', () => {
    const sigint = async (s: Session, args: string[], inFlight: (emu: Emulator) => boolean): Promise<SfResult> => {
      const { child, result } = s.spawnSf(args);
      await until(() => inFlight(s.emulator), 'the request to arrive');
      child.kill('SIGINT');
      return result;
    };

    it('while reading: exit 130, one line on stderr, no EEXIT stack, nothing written', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.latencyMs(60_000, { path: REST_COMPOSITE });

      const run = await sigint(s, ['oncehub', 'permset', 'assign', '-o', 'acme'], (emu) => emu.log.dataRequests().some((r) => REST_COMPOSITE.test(r.path)));

      expect(run.exitCode).to.equal(130);
      // The progress line shown so far, then ours.
      expect(run.stderr.trim().split('\n').slice(1)).to.deep.equal(['Interrupted: stopped before finishing (exit code 130). Nothing was being written to the org.']);
      expect(run.stderr).to.not.match(CRASH);
      expect(s.emulator.log.writes()).to.have.length(0);
    });

    it('while a write is in flight: exit 130, one line saying it may or may not have been saved', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.latencyMs(60_000, { path: '/composite/sobjects', method: 'POST' });

      const run = await sigint(s, ['oncehub', 'permset', 'assign', '-o', 'acme'], (emu) => emu.log.writes().length > 0);

      expect(run.exitCode).to.equal(130);
      expect(run.stderr).to.not.match(CRASH);
      expect(run.stderr.trim().split('\n').slice(-1)).to.deep.equal([
        'Interrupted while a change was being sent to the org: it may or may not have been saved. Run the command again: it reads the org first and only makes the changes still missing.',
      ]);
    });
  });
});
