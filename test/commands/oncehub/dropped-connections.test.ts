/**
 * Dropped connections and other hostile answers, command by command, in-process: the emulator's faults reach jsforce
 * through its transport as undici raises them (test/support/emulator-context.ts): a reset or a close as
 * `TypeError: fetch failed` with the socket code in `cause`, an answer cut mid-body as `TypeError: terminated`.
 * Reads are retried and the run ends as if nothing happened; a write is never sent twice; each error says whether a
 * change may have been saved, with sf's exit code. What only the real sf process and real sockets show (a crash
 * from jsforce's body stream, Ctrl-C, a refused connection, one run per kind of drop) is
 * test/e2e/dropped-connections.e2e.test.ts.
 */
import { resolve } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { Progress, stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import Doctor, { type DoctorReport } from '../../../src/commands/oncehub/doctor.js';
import LayoutAddFields from '../../../src/commands/oncehub/layout/add-fields.js';
import PermsetAssign from '../../../src/commands/oncehub/permset/assign.js';
import {
  ADMIN_USERNAME,
  CANCEL_REASON_FIELD,
  type DropMoment,
  EVENT_STATUS_FIELD,
  type InProcessEmulator,
  layoutFields,
  type LayoutMetadata,
  type OrgBuilder,
  PERMSET_NAME,
  scenarios,
} from '../../../emulator/index.js';
import { useRealStateFile } from '../../lib/connection/state-file.js';
import { emulatorContext, failureOf, type EmulatorContext } from '../../support/emulator-context.js';

const REST_COMPOSITE = /^\/services\/data\/v[\d.]+\/composite$/;
const TOOLING_COMPOSITE = /^\/services\/data\/v[\d.]+\/tooling\/composite$/;
const SOAP = { path: '/services/Soap/m/', method: 'POST' };
const INSERT = { path: '/composite/sobjects', method: 'POST' };
const GACK = 'UNKNOWN_EXCEPTION, ErrorId 1234567890-12345 (-123456789)';

const failure = failureOf;

const holdings = (emu: InProcessEmulator, username: string): number => {
  const permset = emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME && p.NamespacePrefix === 'ScheduleOnce');
  const userId = emu.org.requireUser(username).Id;
  return emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === permset?.Id && a.AssigneeId === userId).length;
};

const packageFieldsOf = (emu: InProcessEmulator): string[] =>
  layoutFields(emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event' && l.Name === 'Event Layout')[0].Metadata as LayoutMetadata)
    .filter((f) => f.startsWith('ScheduleOnce__'))
    .sort();

describe('dropped connections and hostile answers, per command', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let emu: InProcessEmulator;

  async function open(org: OrgBuilder): Promise<void> {
    ctx = await emulatorContext($$, org.build(), { username: ADMIN_USERNAME, alias: 'acme' });
    emu = ctx.emu;
  }

  /** Without the API version: sf asks the org for it, TestContext answers it here (42.0 instead of the emulator's 66.0). */
  const unversioned = (path: string): string => path.replace(/\/v?\d+\.\d+(?=\/|$)/, '');
  const writes = (): string[] => emu.log.writes().map((w) => `${w.method} ${unversioned(w.path)} ${w.fault ?? ''}`.trim());
  const faulted = (): string[] => emu.log.dataRequests().flatMap((r) => (r.fault ? [r.fault] : []));

  beforeEach(async () => {
    await useRealStateFile($$);
    stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    $$.SANDBOX.stub(Progress.prototype, 'start');
    $$.SANDBOX.stub(Progress.prototype, 'update');
    $$.SANDBOX.stub(Progress.prototype, 'finish');
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('doctor', () => {
    const doctorArgs = ['--target-org', 'acme', '--config', resolve('test', 'fixtures', 'setup', 'valid.json'), '--json'];
    const completed = (): OrgBuilder => scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().withAssignmentRules().withRequiredLeadRegion();

    /** The report without the one text that changes with every run: the API requests used today. */
    const withoutApiUsageCount = (report: DoctorReport): DoctorReport => ({
      ...report,
      phases: report.phases.map((p) => ({
        ...p,
        checks: p.checks.map((c) => (c.id === 'api-usage' ? { ...c, message: c.message.replace(/\d+/g, 'N') } : c)),
      })),
    });

    /**
     * Arms one fault on the first try of each of the doctor's four requests (two REST and two Tooling Composites of
     * reads). `skip` counts every matching request, so the second fault of a path lets the first request and its retry
     * through.
     */
    function onEachRequest(arm: (scope: { path: RegExp; method: string; skip: number }) => void): void {
      for (const path of [REST_COMPOSITE, TOOLING_COMPOSITE]) for (const skip of [0, 2]) arm({ path, method: 'POST', skip });
    }

    let clean: DoctorReport;
    let cleanExit: number | undefined;

    beforeEach(async () => {
      await open(completed());
      clean = await Doctor.run(doctorArgs);
      cleanExit = process.exitCode as number | undefined;
      process.exitCode = undefined;
      emu.log.clear();
    });

    const faults: Array<[string, string, () => void]> = [
      ...(['beforeAnswer', 'midAnswer'] as DropMoment[]).flatMap((when): Array<[string, string, () => void]> => [
        [`a reset ${when}`, 'resetConnection', () => onEachRequest((scope) => emu.faults.resetConnections({ ...scope, when }))],
        [`a close ${when}`, 'closeConnection', () => onEachRequest((scope) => emu.faults.closeConnections({ ...scope, when }))],
      ]),
      ['an answer cut mid-body', 'cutBody', () => onEachRequest((scope) => emu.faults.cutBodies(scope))],
      ['a 500 UNKNOWN_EXCEPTION', 'unknownException', () => onEachRequest((scope) => emu.faults.unknownException(scope))],
    ];
    for (const [what, fault, arm] of faults) {
      it(`survives ${what} on each of its four requests: same exit code and report as without, nothing written`, async () => {
        arm();

        const report = await Doctor.run(doctorArgs);

        expect(process.exitCode).to.equal(cleanExit);
        expect(withoutApiUsageCount(report)).to.deep.equal(withoutApiUsageCount(clean));
        expect(faulted()).to.deep.equal([fault, fault, fault, fault]);
        expect(emu.log.dataRequests().filter((r) => !r.fault)).to.have.length(4);
        expect(emu.faults.active).to.have.length(0);
        expect(emu.log.writes()).to.have.length(0);
      });
    }

    it("--api-version above the org's: an error naming the highest version the org offers, exit 1", async () => {
      const err = await failure(() => Doctor.run([...doctorArgs, '--api-version', '99.0']));

      expect(err.name).to.equal('ApiVersionNotServedError');
      expect(err.message).to.equal(`API version 99.0 is not served by the org at ${emu.url}: the highest version it offers is 66.0.`);
      expect(err.actions).to.deep.equal(['Run the command again with --api-version 66.0, or without --api-version.']);
      expect(err.exitCode).to.equal(1);
      expect(process.exitCode).to.equal(1);
    });
  });

  describe('layout add-fields', () => {
    const addFields = ['--target-org', 'acme', '--json'];
    const added = [{ layout: 'Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] }];

    beforeEach(() => open(scenarios.demo()));

    it('survives a drop of each of its reads (Tooling query, describe, readMetadata), writes once', async () => {
      emu.faults.closeConnections({ path: '/tooling/query', when: 'midAnswer' });
      emu.faults.resetConnections({ path: '/sobjects/Event/describe', when: 'midAnswer' });
      emu.faults.closeConnections({ ...SOAP, when: 'midAnswer' });

      const result = await LayoutAddFields.run(addFields);

      expect(result.layouts).to.deep.equal(added);
      expect(faulted()).to.deep.equal(['closeConnection', 'resetConnection', 'closeConnection']);
      expect(writes()).to.deep.equal(['POST /services/Soap/m']);
      expect(packageFieldsOf(emu)).to.deep.equal([CANCEL_REASON_FIELD, EVENT_STATUS_FIELD]);
    });

    it('a cut on each kind of read (Tooling query, describe, readMetadata) is retried: same result, one write', async () => {
      emu.faults.cutBodies({ path: '/tooling/query' });
      emu.faults.cutBodies({ path: '/sobjects/Event/describe' });
      emu.faults.cutBodies(SOAP);

      const result = await LayoutAddFields.run(addFields);

      expect(result.layouts).to.deep.equal(added);
      expect(faulted()).to.deep.equal(['cutBody', 'cutBody', 'cutBody']);
      expect(writes()).to.deep.equal(['POST /services/Soap/m']);
    });

    it('an updateMetadata whose answer is dropped after it was saved is not sent again: exit 1, and a rerun finds it done', async () => {
      emu.faults.closeConnections({ ...SOAP, skip: 1, when: 'midAnswer' });

      const err = await failure(() => LayoutAddFields.run(addFields));

      expect(err.name).to.equal('ConnectionDroppedError');
      expect(err.exitCode).to.equal(1);
      expect(writes()).to.deep.equal(['POST /services/Soap/m closeConnection']);
      expect(packageFieldsOf(emu)).to.deep.equal([CANCEL_REASON_FIELD, EVENT_STATUS_FIELD]);

      emu.log.clear();
      process.exitCode = undefined;
      const rerun = await LayoutAddFields.run(addFields);

      expect(rerun.layouts[0].added).to.deep.equal([]);
      expect(emu.log.writes()).to.have.length(0);
    });

    it('a cut answer to updateMetadata (saved): "may or may not have been saved", exit 1; the rerun writes nothing', async () => {
      emu.faults.cutBodies({ ...SOAP, skip: 1 });

      const err = await failure(() => LayoutAddFields.run(addFields));

      expect(err.name).to.equal('ConnectionDroppedError');
      expect(err.message).to.match(/may or may not have been saved/);
      expect(err.exitCode).to.equal(1);
      expect(writes()).to.deep.equal(['POST /services/Soap/m cutBody']);

      process.exitCode = undefined;
      await LayoutAddFields.run(['--target-org', 'acme']);
      expect(process.exitCode ?? 0).to.equal(0);
      expect(emu.log.writes()).to.have.length(1);
    });

    // Exit 20: sf-plugins-core gives every error that quotes a Salesforce ErrorId ("gack") exit code 20 (README).
    it('a 500 sf:UNKNOWN_EXCEPTION on updateMetadata: "may or may not have been saved" with the ErrorId, exit 20; the rerun writes', async () => {
      emu.faults.unknownException({ ...SOAP, skip: 1 });

      const err = await failure(() => LayoutAddFields.run(addFields));

      expect(err.name).to.equal('WriteOutcomeUnknownError');
      expect(err.message).to.equal(`The org at ${emu.url} failed while handling a change (${GACK}): it may or may not have been saved.`);
      expect(err.actions?.[0]).to.match(/^Run the command again/);
      expect(err.exitCode).to.equal(20);
      expect(process.exitCode).to.equal(20);

      emu.log.clear();
      process.exitCode = undefined;
      await LayoutAddFields.run(addFields);
      expect(process.exitCode ?? 0).to.equal(0);
      expect(emu.log.writes()).to.have.length(1);
    });
  });

  describe('permset assign: a write is never sent twice', () => {
    const assign = ['--target-org', 'acme', '--json'];

    /** The rerun after a saved insert: the admin is already assigned, nothing is written, one assignment held. */
    const rerunWritesNothing = async (): Promise<void> => {
      emu.log.clear();
      process.exitCode = undefined;
      const rerun = await PermsetAssign.run(assign);
      expect(rerun.alreadyAssigned.map((u) => u.username)).to.deep.equal([ADMIN_USERNAME]);
      expect(emu.log.writes()).to.have.length(0);
      expect(holdings(emu, ADMIN_USERNAME)).to.equal(1);
    };

    beforeEach(() => open(scenarios.demo()));

    it('an insert whose answer is dropped after it was saved: one insert, exit 1, the drop named; a rerun finds it done', async () => {
      emu.faults.closeConnections({ ...INSERT, when: 'midAnswer' });

      const err = await failure(() => PermsetAssign.run(assign));

      expect(err.name).to.equal('ConnectionDroppedError');
      expect(err.message).to.equal(
        `The connection to the org at ${emu.url} was dropped before Salesforce's answer arrived (UND_ERR_SOCKET). ` +
          'If that request made a change, it may or may not have been saved.'
      );
      expect(err.actions?.[0]).to.match(/^Run the command again/);
      expect(err.exitCode).to.equal(1);
      expect(writes()).to.deep.equal(['POST /services/data/composite/sobjects closeConnection']);
      expect(holdings(emu, ADMIN_USERNAME)).to.equal(1);

      await rerunWritesNothing();
    });

    it('an insert reset before it was processed: one insert, exit 1, nothing saved', async () => {
      emu.faults.resetConnections({ ...INSERT, when: 'beforeAnswer' });

      const err = await failure(() => PermsetAssign.run(assign));

      expect(err.name).to.equal('ConnectionDroppedError');
      expect(err.message).to.include('(ECONNRESET)');
      expect(err.exitCode).to.equal(1);
      expect(emu.log.writes()).to.have.length(1);
      expect(holdings(emu, ADMIN_USERNAME)).to.equal(0);
    });

    it('a cut on its read recovers; a cut answer to its insert (saved) is exit 1, and the rerun assigns nothing twice', async () => {
      emu.faults.cutBodies({ path: REST_COMPOSITE });
      emu.faults.cutBodies(INSERT);

      const err = await failure(() => PermsetAssign.run(assign));

      expect(err.name).to.equal('ConnectionDroppedError');
      expect(err.message).to.match(/\(UND_ERR_SOCKET\)\. If that request made a change, it may or may not have been saved\.$/);
      expect(err.exitCode).to.equal(1);
      expect(emu.log.dataRequests().filter((r) => r.fault).map((r) => `${r.method} ${unversioned(r.path)}`)).to.deep.equal([
        'POST /services/data/composite',
        'POST /services/data/composite/sobjects',
      ]);
      expect(emu.log.writes()).to.have.length(1);
      expect(holdings(emu, ADMIN_USERNAME)).to.equal(1);

      await rerunWritesNothing();
    });

    it('a 500 UNKNOWN_EXCEPTION on its insert: "may or may not have been saved" with the ErrorId, exit 20; the rerun assigns once', async () => {
      emu.faults.unknownException(INSERT);

      const err = await failure(() => PermsetAssign.run(assign));

      expect(err.name).to.equal('WriteOutcomeUnknownError');
      expect(err.message).to.equal(`The org at ${emu.url} failed while handling a change (${GACK}): it may or may not have been saved.`);
      expect(err.actions?.[0]).to.match(/^Run the command again/);
      expect(err.exitCode).to.equal(20);
      expect(holdings(emu, ADMIN_USERNAME)).to.equal(0);

      process.exitCode = undefined;
      await PermsetAssign.run(['--target-org', 'acme']);
      expect(process.exitCode ?? 0).to.equal(0);
      expect(holdings(emu, ADMIN_USERNAME)).to.equal(1);
    });
  });
});
