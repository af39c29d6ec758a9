/**
 * Dropped connections end to end: a connection reset or closed mid-answer reaches the plugin as `TypeError: fetch
 * failed` with the socket code in `cause`; an answer cut off after its header block as `TypeError: terminated` from the
 * body stream (which jsforce 3.12 leaked as a crash: scripts/patches/jsforce-body-errors.ts, applied by the bundle).
 * The real sf binary with the built plugin, against the org emulator, whose faults drop the socket after the request
 * arrived: each kind of drop on a read, a reset and a close on a write, cut answers to reads and writes (REST and
 * SOAP), a refused connection, Ctrl-C. The same faults command by command, through jsforce's transport in-process,
 * are test/commands/oncehub/dropped-connections.test.ts. Needs `npm run build` first (npm test does it).
 */
import { resolve } from 'node:path';
import { expect } from 'chai';
import { ADMIN_USERNAME, type Emulator, PERMSET_NAME, scenarios } from '../../emulator/index.js';
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

    type Report = { phases: Array<{ checks: Array<{ id: string; message: string }> }> };
    /** The report without the one text that changes with every run: the API requests used today. */
    const withoutApiUsageCount = (report: Report): Report => ({
      ...report,
      phases: report.phases.map((p) => ({
        ...p,
        checks: p.checks.map((c) => (c.id === 'api-usage' ? { ...c, message: c.message.replace(/\d+/g, 'N') } : c)),
      })),
    });

    // Each kind on each of the four requests, one at a time, is test/commands/oncehub/dropped-connections.test.ts.
    it('survives every kind of drop, a cut body and a 500 on its reads over real sockets: same exit code and report as without', async () => {
      const s = await open(completed());
      const clean = await s.sf(doctorArgs);
      expect(clean.json?.result, clean.stdout + clean.stderr).to.not.equal(undefined);
      s.emulator.log.clear();
      // The doctor reads with two REST and two Tooling Composites. On each path the first three requests fail (`skip`
      // counts every matching request, those hit by another fault included), one kind each; the two Composites of a
      // path share those failures, within their three retries.
      const [rest, tooling] = [{ path: REST_COMPOSITE, method: 'POST' }, { path: TOOLING_COMPOSITE, method: 'POST' }];
      s.emulator.faults.resetConnections({ ...rest, skip: 0, when: 'beforeAnswer' });
      s.emulator.faults.closeConnections({ ...rest, skip: 1, when: 'midAnswer' });
      s.emulator.faults.cutBodies({ ...rest, skip: 2 });
      s.emulator.faults.resetConnections({ ...tooling, skip: 0, when: 'midAnswer' });
      s.emulator.faults.closeConnections({ ...tooling, skip: 1, when: 'beforeAnswer' });
      s.emulator.faults.unknownException({ ...tooling, skip: 2 });

      const run: SfResult = await s.sf(doctorArgs);

      expect(run.exitCode, run.stdout + run.stderr).to.equal(clean.exitCode);
      expect(run.stderr).to.not.match(CRASH);
      expect(withoutApiUsageCount(run.json?.result as Report)).to.deep.equal(withoutApiUsageCount(clean.json?.result as Report));
      const requests = s.emulator.log.dataRequests();
      expect(requests.flatMap((r) => (r.fault ? [r.fault] : [])).sort()).to.deep.equal([
        'closeConnection',
        'closeConnection',
        'cutBody',
        'resetConnection',
        'resetConnection',
        'unknownException',
      ]);
      expect(requests.filter((r) => !r.fault)).to.have.length(4);
      expect(s.emulator.faults.active).to.have.length(0);
      expect(s.emulator.log.writes()).to.have.length(0);
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

    // The cut answer and the 500 to the insert, and each of these alone, are test/commands/oncehub/dropped-connections.test.ts.
    it('an insert reset before it was processed, then one closed after it was saved: one insert each, clear errors; a rerun finds it done', async () => {
      const s = await open(scenarios.demo());
      s.emulator.faults.resetConnections({ ...INSERT, when: 'beforeAnswer' });

      const reset = await s.sf(assign);

      expect(reset.exitCode).to.equal(1);
      expect(reset.json?.name).to.equal('ConnectionDroppedError');
      expect(reset.json?.message).to.include('(ECONNRESET)');
      expect(reset.stderr).to.not.match(CRASH);
      expect(s.emulator.log.writes()).to.have.length(1);
      expect(holdings(s.emulator, ADMIN_USERNAME)).to.equal(0);

      s.emulator.log.clear();
      s.emulator.faults.closeConnections({ ...INSERT, when: 'midAnswer' });
      const closed = await s.sf(assign);

      expect(closed.exitCode).to.equal(1);
      expect(closed.json?.name).to.equal('ConnectionDroppedError');
      expect(closed.json?.message).to.equal(
        `The connection to the org at ${s.emulator.url}/ was dropped before Salesforce's answer arrived (UND_ERR_SOCKET). ` +
          'If that request made a change, it may or may not have been saved.'
      );
      expect(closed.json?.actions?.[0]).to.match(/^Run the command again/);
      expect(closed.stderr).to.not.match(CRASH);
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
