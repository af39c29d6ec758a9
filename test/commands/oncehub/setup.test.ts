import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { SfCommand, stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import Setup, { type SetupResult } from '../../../src/commands/oncehub/setup.js';
import { readConnections, recordConnection } from '../../../src/lib/connection/state.js';
import {
  ADMIN_USERNAME as ADMIN,
  type BaseOptions,
  layoutFields,
  type LayoutMetadata,
  type OrgBuilder,
  PACKAGE_EVENT_FIELDS,
  PERMSET_NAME,
  scenarios,
  type SRecord,
} from '../../../emulator/index.js';
import { rawStateFile, useRealStateFile } from '../../lib/connection/state-file.js';
import { emulatorContext, pathsSent, type EmulatorContext } from '../../support/emulator-context.js';

const [EVENT_STATUS, CANCEL_REASON] = PACKAGE_EVENT_FIELDS;

/**
 * The package installed, nothing else done: the admin (the API user) lacks the permission set, "Event Layout" (System
 * Administrator and the other profiles) lacks both fields, "Sales Event Layout" (Standard User) lacks one.
 */
const demoOrg = (options: BaseOptions = {}): OrgBuilder =>
  scenarios.base(options).withPackage().withTwoEventLayouts().withEventLayoutPartlyDone('Sales Event Layout');

const checkStatuses = (result: SetupResult): Record<string, string> =>
  Object.fromEntries((result.doctor?.phases ?? []).flatMap((p) => p.checks.map((c) => [c.id, c.status])));

describe('oncehub setup', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let confirm: SinonStub;
  let tty: PropertyDescriptor | undefined;
  let folder: string;

  let scenario: OrgBuilder;
  let served: Promise<EmulatorContext> | undefined;
  /** The org of this test behind the `acme` login of the admin (set up on first use, after every beforeEach). */
  const ready = (): Promise<EmulatorContext> => {
    served ??= emulatorContext($$, scenario.build(), { username: ADMIN, alias: 'acme' }).then((c) => (ctx = c));
    return served;
  };
  const setup = async (argv: string[]): Promise<SetupResult> => {
    await ready();
    return Setup.run(argv);
  };
  async function failure(argv: string[]): Promise<SfError> {
    try {
      await setup(argv);
    } catch (err) {
      return err as SfError;
    }
    throw new Error('setup was expected to fail');
  }

  /** Round trips of the command itself (without sf's versions and auth traffic); SOAP Metadata API calls included. */
  const orgRequests = (): unknown[] => ctx.emu.log.dataRequests();
  /** Requests that change something: Collections inserts, Composites carrying a write, updateMetadata calls. */
  const writes = (): unknown[] => ctx.emu.log.writes();
  const adminId = (): string => String(ctx.emu.org.requireUser(ADMIN).Id);
  const permset = (): SRecord => ctx.emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME && p.NamespacePrefix === 'ScheduleOnce')!;
  /** Who holds the package permission set now, by username. */
  const assignees = (): string[] =>
    ctx.emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === permset().Id).map((a) => String(ctx.emu.org.get('User', a.AssigneeId)?.Username));
  /** The fields on an Event layout now. */
  const fieldsOn = (name: string): string[] =>
    layoutFields(ctx.emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event' && l.Name === name)[0].Metadata as LayoutMetadata);

  const setTty = (isTTY: boolean): void => {
    Object.defineProperty(process.stdin, 'isTTY', { value: isTTY, configurable: true, writable: true });
  };
  const lines = (): string[] => ux.log.getCalls().map((c) => String(c.args[0] ?? ''));

  beforeEach(async () => {
    scenario = demoOrg();
    served = undefined;
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    confirm = $$.SANDBOX.stub(SfCommand.prototype, 'confirm').resolves(true);
    tty = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
    setTty(false);
    folder = await mkdtemp(join(tmpdir(), 'setup-cmd-'));
  });

  afterEach(() => {
    process.exitCode = undefined;
    if (tty) Object.defineProperty(process.stdin, 'isTTY', tty);
    else delete (process.stdin as { isTTY?: boolean }).isTTY;
  });

  describe('a production org with the package installed and nothing else done, --no-prompt --json', () => {
    it('assigns the permission set, completes both layouts, records the connection, then runs the doctor: 12 requests (the layouts query and the Event describe are two)', async () => {
      await ready();
      const before = fieldsOn('Event Layout');
      const result = await Setup.run(['--target-org', 'acme', '--no-prompt', '--json']);
      const orgId = ctx.emu.org.orgId;

      expect(result.dryRun).to.equal(false);
      expect(result.connect.checks.every((c) => c.status === 'pass')).to.equal(true);
      expect(result.plan).to.deep.include({
        org: { id: orgId, name: 'Acme Corporation', environment: 'production' },
        apiUser: { username: ADMIN, userId: adminId(), mode: 'standard' },
        connection: 'record',
        orgChanges: 3,
      });
      expect(result.plan?.permset.assign).to.deep.equal([{ username: ADMIN, userId: adminId() }]);
      expect(result.plan?.layouts.layouts).to.deep.equal([
        { layout: 'Event Layout', add: [EVENT_STATUS, CANCEL_REASON], alreadyPresent: [] },
        { layout: 'Sales Event Layout', add: [CANCEL_REASON], alreadyPresent: [EVENT_STATUS] },
      ]);
      expect(result.applied.permset).to.deep.equal({
        permissionSet: { id: permset().Id, name: PERMSET_NAME, label: 'OnceHub connector for Salesforce', namespacePrefix: 'ScheduleOnce' },
        assigned: [{ username: ADMIN, userId: adminId() }],
        alreadyAssigned: [],
        failed: [],
      });
      const { backupDir, ...applied } = result.applied.layouts ?? {};
      expect(applied).to.deep.equal({
        layouts: [
          { layout: 'Event Layout', added: [EVENT_STATUS, CANCEL_REASON], alreadyPresent: [] },
          { layout: 'Sales Event Layout', added: [CANCEL_REASON], alreadyPresent: [EVENT_STATUS] },
        ],
      });
      // The layouts as they were are backed up first, in the state file's folder (TestContext's, here).
      expect(backupDir).to.match(new RegExp(`oncehub[/\\\\]backups[/\\\\]${orgId}[/\\\\]`));
      expect(result.applied.connection).to.deep.include({ environment: 'production', alias: 'acme', username: ADMIN, orgId, mode: 'standard' });
      expect((await readConnections()).production).to.deep.equal(result.applied.connection);

      // The layout keeps what it had and gains both fields; the admin now holds the permission set.
      const after = fieldsOn('Event Layout');
      expect(after).to.include.members([...before, EVENT_STATUS, CANCEL_REASON]);
      expect(after).to.have.length(before.length + 2);
      expect(fieldsOn('Sales Event Layout')).to.include.members([EVENT_STATUS, CANCEL_REASON]);
      expect(assignees()).to.deep.equal([ADMIN]);
      expect(checkStatuses(result)).to.deep.include({ 'recorded-connection': 'pass', 'permset-assigned': 'pass', 'layout-fields': 'pass' });
      expect(result.doctor?.progress).to.deep.equal({ done: 3, total: 5 });
      expect(process.exitCode).to.equal(0);

      // connect 1 + plan reads 5 + writes 2 + doctor 4
      expect(orgRequests()).to.have.length(12);
      expect(writes()).to.have.length(2);
      expect(pathsSent(ctx.emu).filter((p) => p === '/composite/sobjects')).to.have.length(1);
      const soql = ctx.emu.log.queries();
      expect(soql.filter((q) => q.includes(`Username = '${ADMIN}'`)).length).to.be.greaterThan(0);
      expect(soql).to.include(`SELECT Id, Username, IsActive, Profile.UserLicense.Name FROM User WHERE Username IN ('${ADMIN}')`);
    });

    it('a second run changes nothing: zero writes, the record kept as it was, 10 requests', async () => {
      await setup(['--target-org', 'acme', '--no-prompt', '--json']);
      const recorded = await rawStateFile();
      ctx.emu.log.clear();

      const again = await Setup.run(['--target-org', 'acme', '--no-prompt', '--json']);

      expect(writes()).to.have.length(0);
      // connect 1 + plan reads 4 + doctor 4
      expect(orgRequests()).to.have.length(10);
      expect(again.plan).to.deep.include({ connection: 'unchanged', orgChanges: 0 });
      expect(again.applied.connection).to.equal(null);
      expect(again.applied.permset?.assigned).to.deep.equal([]);
      expect(again.applied.permset?.alreadyAssigned).to.deep.equal([{ username: ADMIN, userId: adminId() }]);
      expect(again.applied.layouts?.layouts.every((l) => l.added.length === 0)).to.equal(true);
      expect(await rawStateFile()).to.equal(recorded);
      expect(process.exitCode).to.equal(0);
    });
  });

  it('--dry-run prints the plan, writes nothing, records nothing and does not run the doctor: 6 requests', async () => {
    const result = await setup(['--target-org', 'acme', '--dry-run']);

    expect(result.dryRun).to.equal(true);
    expect(result.plan?.orgChanges).to.equal(3);
    expect(result.applied).to.deep.equal({ connection: null, permset: null, layouts: null });
    expect(result.doctor).to.equal(null);
    expect(writes()).to.have.length(0);
    expect(orgRequests()).to.have.length(6);
    expect(await rawStateFile()).to.equal(undefined);
    expect(confirm.called).to.equal(false);
    expect(process.exitCode).to.equal(undefined);
    expect(lines()).to.deep.equal([
      'Plan for Acme Corporation (production):',
      `  - record the connection of ${ADMIN} as the OnceHub API user for production (standard mode)`,
      `  - assign the permission set "OnceHub connector for Salesforce" to ${ADMIN}`,
      `  - add ${EVENT_STATUS}, ${CANCEL_REASON} to the Event layout "Event Layout"`,
      `  - add ${CANCEL_REASON} to the Event layout "Sales Event Layout"`,
      'Dry run: nothing was written and no connection was recorded. Run the command without --dry-run to apply the plan.',
    ]);
  });

  describe('confirmation on production', () => {
    it('under --json without --no-prompt refuses with an action, before any write', async () => {
      const err = await failure(['--target-org', 'acme', '--json']);

      expect(err.name).to.equal('ConfirmationRequiredError');
      expect(err.message).to.include('3 change(s) to the production org Acme Corporation');
      expect(err.actions).to.deep.equal([
        'Review the plan first: sf oncehub setup --target-org acme --dry-run',
        'Then apply it without a prompt: sf oncehub setup --target-org acme --no-prompt',
      ]);
      expect(writes()).to.have.length(0);
      expect(await rawStateFile()).to.equal(undefined);
      expect(confirm.called).to.equal(false);
    });

    it('without a terminal refuses the same way instead of waiting for an answer', async () => {
      const err = await failure(['--target-org', 'acme']);
      expect(err.name).to.equal('ConfirmationRequiredError');
      expect(writes()).to.have.length(0);
    });

    it('in a terminal asks once, naming the org, and applies on yes', async () => {
      setTty(true);
      const result = await setup(['--target-org', 'acme']);

      expect(confirm.calledOnce).to.equal(true);
      expect(confirm.firstCall.args[0]).to.deep.include({ message: 'Apply these changes to the production org Acme Corporation' });
      expect(result.applied.permset?.assigned).to.have.length(1);
      expect(writes()).to.have.length(2);
    });

    it('in a terminal, a "no" changes nothing and records nothing', async () => {
      setTty(true);
      confirm.resolves(false);
      const result = await setup(['--target-org', 'acme']);

      expect(result.cancelled).to.equal(true);
      expect(result.doctor).to.equal(null);
      expect(writes()).to.have.length(0);
      expect(await rawStateFile()).to.equal(undefined);
      expect(lines().at(-1)).to.equal('Cancelled: nothing was changed.');
    });

    it('is not asked when only the connection is to be recorded (nothing changes in the org)', async () => {
      scenario = scenarios.base().withPackage().withTwoEventLayouts().withPermsetAssigned().withEventLayoutFields();

      const result = await setup(['--target-org', 'acme', '--json']);

      expect(result.plan).to.deep.include({ connection: 'record', orgChanges: 0 });
      expect(result.applied.connection?.username).to.equal(ADMIN);
      expect(writes()).to.have.length(0);
    });
  });

  describe('a sandbox', () => {
    beforeEach(() => {
      scenario = demoOrg({ sandbox: true });
    });

    it('is set up without --no-prompt, also under --json, and recorded as the sandbox connection', async () => {
      const result = await setup(['--target-org', 'acme', '--json']);

      expect(result.plan?.org.environment).to.equal('sandbox');
      expect(result.applied.connection?.environment).to.equal('sandbox');
      expect((await readConnections()).production).to.equal(undefined);
      expect(writes()).to.have.length(2);
      expect(confirm.called).to.equal(false);
    });

    it('in a terminal is not confirmed either', async () => {
      setTty(true);
      await setup(['--target-org', 'acme']);
      expect(confirm.called).to.equal(false);
      expect(writes()).to.have.length(2);
    });
  });

  describe('an API user that is not ready', () => {
    it('stops after one request when a check fails: exit 1, the failed check in the result, nothing written or recorded', async () => {
      scenario = demoOrg().apiUserWithoutModifyAllData();
      const result = await setup(['--target-org', 'acme', '--no-prompt', '--json']);

      expect(process.exitCode).to.equal(1);
      expect(result.plan).to.equal(null);
      expect(result.doctor).to.equal(null);
      expect(result.connect.checks.find((c) => c.id === 'modify-all-data')).to.deep.include({ status: 'fail' });
      expect(result.connect.connectedAt).to.equal(undefined);
      expect(orgRequests()).to.have.length(1);
      expect(writes()).to.have.length(0);
      expect(await rawStateFile()).to.equal(undefined);
    });

    it('prints the checks with their fixes and says that nothing was changed', async () => {
      scenario = demoOrg().apiUserWithoutModifyAllData();
      await setup(['--target-org', 'acme', '--no-prompt']);

      const table = ux.table.firstCall.args[0] as { data: Array<{ status: string; title: string; result: string }> };
      expect(table.data.find((r) => r.status === '✗')?.result).to.include('Fix:');
      expect(lines().at(-1)).to.include('Setup stopped before changing anything');
    });

    it('--api-user naming someone else stops before any request to the org', async () => {
      const err = await failure(['--target-org', 'acme', '--api-user', 'api@acme.example', '--no-prompt']);
      expect(err.name).to.equal('ApiUserMismatchError');
      expect(orgRequests()).to.have.length(0);
    });

    it('--sandbox on a production org stops before any write (the wrong-org trap)', async () => {
      const err = await failure(['--target-org', 'acme', '--sandbox', '--no-prompt']);
      expect(err.name).to.equal('ExpectedSandboxError');
      expect(writes()).to.have.length(0);
    });
  });

  describe('--config', () => {
    const setupFile = async (content: unknown): Promise<string> => {
      const path = join(folder, 'oncehub-setup.json');
      await writeFile(path, JSON.stringify(content));
      return path;
    };

    it('is passed to the doctor, which then checks the field mapping too', async () => {
      const config = await setupFile({ mode: 'standard', apiUser: ADMIN, fieldMapping: [{ from: 'Customer - Phone', to: 'Lead.Phone' }] });

      const result = await setup(['--target-org', 'acme', '--config', config, '--no-prompt', '--json']);

      expect(checkStatuses(result).mapping).to.equal('pass');
      expect(result.doctor?.progress.done).to.equal(4);
      expect(process.exitCode).to.equal(0);
    });

    it('the full example file (test/fixtures/setup/valid.json) on the demo org: all five phases complete, exit 0', async () => {
      scenario = scenarios.demo().withTwoEventLayouts();
      const result = await setup(['--target-org', 'acme', '--config', fileURLToPath(new URL('../../fixtures/setup/valid.json', import.meta.url)), '--no-prompt', '--json']);

      expect(result.doctor?.progress).to.deep.equal({ done: 5, total: 5 });
      expect(checkStatuses(result)).to.deep.include({ mapping: 'pass', 'creation-rules': 'pass', 'required-fields': 'pass' });
      expect(writes()).to.have.length(2);
      expect(process.exitCode).to.equal(0);
    });

    it('its apiUser must be the logged-in user: else an error naming the file, before any request', async () => {
      const config = await setupFile({ apiUser: 'api@acme.example' });
      const err = await failure(['--target-org', 'acme', '--config', config, '--no-prompt']);

      expect(err.name).to.equal('SetupFileApiUserError');
      expect(err.message).to.include(config);
      expect(err.message).to.include('api@acme.example');
      expect(orgRequests()).to.have.length(0);
    });

    it('its mode is used: advanced-secure is validated and recorded', async () => {
      const config = await setupFile({ mode: 'advanced-secure' });
      const result = await setup(['--target-org', 'acme', '--config', config, '--no-prompt', '--json']);

      expect(result.connect.checks.map((c) => c.id)).to.include('edit-events');
      expect(result.applied.connection?.mode).to.equal('advanced-secure');
    });

    it('an invalid file stops setup before any request', async () => {
      const config = await setupFile({ mode: 'turbo' });
      const err = await failure(['--target-org', 'acme', '--config', config, '--no-prompt']);
      expect(err.message).to.include('/mode');
      expect(orgRequests()).to.have.length(0);
    });
  });

  it('keeps the mode recorded for this API user when neither flag nor file names one', async () => {
    await ready();
    await recordConnection({
      environment: 'production',
      alias: 'acme',
      username: ADMIN,
      userId: adminId(),
      orgId: ctx.emu.org.orgId,
      instanceUrl: ctx.emu.url,
      mode: 'advanced-secure',
      connectedAt: '2026-11-20T10:00:00.000Z',
    });
    const result = await Setup.run(['--target-org', 'acme', '--no-prompt', '--json']);
    expect(result.plan?.apiUser.mode).to.equal('advanced-secure');
    expect(result.connect.checks.map((c) => c.id)).to.include('object-access');
    expect(result.doctor?.phases[0].checks.map((c) => c.id)).to.include('object-access');
  });

  it('without the package: records the connection, writes nothing to the org, and exits 1 with the doctor saying why', async () => {
    scenario = scenarios.base().withTwoEventLayouts();

    const result = await setup(['--target-org', 'acme', '--no-prompt', '--json']);

    expect(result.plan?.permset.blocked).to.include('not installed');
    expect(result.plan?.layouts.blocked).to.include('not installed');
    expect(result.plan?.orgChanges).to.equal(0);
    expect(result.applied).to.deep.include({ permset: null, layouts: null });
    expect(result.applied.connection?.username).to.equal(ADMIN);
    expect(writes()).to.have.length(0);
    expect(checkStatuses(result)['package-installed']).to.equal('fail');
    expect(process.exitCode).to.equal(1);
  });

  it('a layout that refuses the write is reported; with no doctor failure the exit code is 68', async () => {
    (await ready()).emu.faults.metadataSaveErrors({ fullName: 'Event-Sales Event Layout' });

    const result = await Setup.run(['--target-org', 'acme', '--no-prompt', '--json']);

    expect(result.applied.layouts?.layouts[1]).to.deep.equal({
      layout: 'Sales Event Layout',
      added: [],
      alreadyPresent: [EVENT_STATUS],
      notAdded: [CANCEL_REASON],
      error: { errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' },
    });
    expect(fieldsOn('Sales Event Layout')).not.to.include(CANCEL_REASON);
    expect(checkStatuses(result)['layout-fields']).to.equal('warn');
    expect(process.exitCode).to.equal(68);
  });

  it('a refused assignment makes the doctor fail permset-assigned: exit 1', async () => {
    // The package's set tied to the Salesforce Platform licence: the admin's Salesforce licence does not match it.
    scenario = demoOrg().tweak('permset needs the Platform licence', (org) => {
      const platform = org.records('UserLicense').find((l) => l.LicenseDefinitionKey === 'AUL')!;
      const set = org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME)!;
      org.update('PermissionSet', set.Id, { LicenseId: platform.Id });
    });
    const result = await setup(['--target-org', 'acme', '--no-prompt', '--json']);
    expect(result.applied.permset?.failed[0]).to.deep.include({ username: ADMIN, errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
    expect(assignees()).to.deep.equal([]);
    expect(checkStatuses(result)['permset-assigned']).to.equal('fail');
    expect(process.exitCode).to.equal(1);
  });

  it('prints the plan, one line per step, the doctor checklist, and ends with the phases complete', async () => {
    await setup(['--target-org', 'acme', '--no-prompt']);
    const out = lines();

    expect(out[0]).to.equal('Plan for Acme Corporation (production):');
    expect(out).to.include(`✓ Connected ${ADMIN} as the OnceHub API user for production (standard mode).`);
    expect(out).to.include(`✓ Assigned the permission set "OnceHub connector for Salesforce" to ${ADMIN}.`);
    expect(out).to.include('✓ Added the OnceHub fields to "Event Layout", "Sales Event Layout" (2 of 2 Event layouts).');
    expect(out).to.include('✓ Installation');
    expect(out).to.include('3 of 5 phases complete');
    expect(out.at(-1)).to.equal('Setup finished: 3 of 5 phases complete.');
    expect(ux.logJson.called).to.equal(false);
  });

  it('a second human run says there is nothing to change and that each step was already done', async () => {
    await setup(['--target-org', 'acme', '--no-prompt', '--json']);
    ux.log.resetHistory();
    await Setup.run(['--target-org', 'acme']);
    const out = lines();

    expect(out.slice(0, 2)).to.deep.equal(['Plan for Acme Corporation (production):', '  Nothing to change.']);
    expect(out).to.include(`✓ ${ADMIN} is already connected as the OnceHub API user for production (standard mode).`);
    expect(out).to.include(`✓ The permission set "OnceHub connector for Salesforce" is already assigned to ${ADMIN}.`);
    expect(out).to.include('✓ The OnceHub fields are already on all 2 Event layouts.');
    expect(confirm.called).to.equal(false);
  });
});
