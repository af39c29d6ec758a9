/**
 * Dropped connections end to end (salesforce-api.md §4.6): a connection reset or closed mid-answer reaches the plugin
 * as `TypeError: fetch failed` with the socket code in `cause`. The real sf binary with the built plugin, against the
 * org emulator, whose faults drop the socket after the request arrived. Reads are retried and the run ends as if
 * nothing happened; a write is never sent twice. Needs `npm run build` first (npm test does it).
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
  });
});
