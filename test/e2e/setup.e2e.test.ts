/**
 * `sf oncehub setup` end to end: the real sf binary with the built plugin, against the org emulator. Round trips and
 * writes are counted from the emulator's request log. Needs `npm run build` first (npm test does it). What the command
 * test (test/commands/oncehub/setup.test.ts, same emulator in-process) covers is not repeated here: these runs check
 * what only the real binary shows — exit codes, one JSON document on stdout, no stack trace, stderr, no prompt without
 * a terminal, the state file.
 */
import { expect } from 'chai';
import {
  ADMIN_USERNAME,
  type Emulator,
  layoutFields,
  type LayoutMetadata,
  type OrgBuilder,
  PACKAGE_EVENT_FIELDS,
  PERMSET_NAME,
  scenarios,
} from '../../emulator/index.js';
import { type Session, type SfResult, startSession } from './harness.js';

const permsetId = (emu: Emulator): string =>
  String(emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME && p.NamespacePrefix === 'ScheduleOnce')?.Id);

const hasPermset = (emu: Emulator, username: string): boolean =>
  emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === permsetId(emu) && a.AssigneeId === emu.org.requireUser(username).Id).length > 0;

const packageFieldsOn = (emu: Emulator, name: string): string[] => {
  const layout = emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event' && l.Name === name)[0];
  return layoutFields(layout.Metadata as LayoutMetadata).filter((f) => f.startsWith('ScheduleOnce__')).sort();
};

const statuses = (run: SfResult): Record<string, string> =>
  Object.fromEntries(
    (run.json?.result.doctor.phases as Array<{ checks: Array<{ id: string; status: string }> }>).flatMap((p) => p.checks.map((c) => [c.id, c.status]))
  );

describe('e2e: sf oncehub setup', function () {
  this.timeout(300_000);
  let session: Session | undefined;

  async function open(org: OrgBuilder): Promise<Session> {
    session = await startSession({ org: org.build() });
    await session.login(ADMIN_USERNAME, 'acme');
    session.emulator.log.clear();
    return session;
  }

  /** What every run must respect: no stack trace, no access token in any output or in the state file. */
  function clean(s: Session, run: SfResult): SfResult {
    expect(run.stderr).not.to.match(/\n\s+at /);
    for (const token of s.tokens()) {
      expect(run.stdout + run.stderr).not.to.include(token);
      expect(s.stateFile() ?? '').not.to.include(token);
    }
    return run;
  }

  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it('completes an Event layout whose full name is encoded: layout-fields passes', async () => {
    const s = await open(scenarios.demo().withEncodedNameEventLayout());
    const emu = s.emulator;

    const run = clean(s, await s.sf(['oncehub', 'setup', '-o', 'acme', '--no-prompt', '--json']));

    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(run.json?.result.applied.layouts.layouts.map((l: { layout: string }) => l.layout).sort()).to.deep.equal(['Event Layout', 'Event Layout (Sales & Service)']);
    for (const layout of ['Event Layout', 'Event Layout (Sales & Service)']) expect(packageFieldsOn(emu, layout)).to.deep.equal([...PACKAGE_EVENT_FIELDS].sort());
    expect(statuses(run)).to.deep.include({ 'layout-fields': 'pass' });
  });

  it('stops with a clear error, before writing any layout, when the SOAP endpoint answers an HTML page', async () => {
    const s = await open(scenarios.demo());
    s.emulator.faults.maintenancePage({ path: '/services/Soap/' });

    const run = clean(s, await s.sf(['oncehub', 'setup', '-o', 'acme', '--no-prompt', '--json']));

    expect(run.exitCode).to.not.equal(0);
    expect(JSON.stringify(run.json)).to.match(/web page instead of data/);
    expect(s.emulator.log.writes().filter((w) => w.api === 'metadata')).to.have.length(0);
  });

  it('sets up a fresh demo org with --no-prompt --json, and a second run writes nothing', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts());
    const emu = s.emulator;

    const first = clean(s, await s.sf(['oncehub', 'setup', '-o', 'acme', '--no-prompt', '--json']));

    expect(first.exitCode, first.stdout + first.stderr).to.equal(0);
    expect(first.json?.status).to.equal(0);
    const result = first.json?.result;
    expect(result.dryRun).to.equal(false);
    expect(result.plan.org.environment).to.equal('production');
    expect(result.plan.orgChanges).to.equal(3);
    expect(result.applied.permset.assigned).to.deep.equal([{ username: ADMIN_USERNAME, userId: emu.org.requireUser(ADMIN_USERNAME).Id }]);
    expect(result.applied.layouts.layouts.map((l: { layout: string }) => l.layout).sort()).to.deep.equal(['Event Layout', 'Sales Event Layout']);
    expect(result.applied.connection).to.deep.include({ environment: 'production', alias: 'acme', username: ADMIN_USERNAME, mode: 'standard' });
    expect(hasPermset(emu, ADMIN_USERNAME)).to.equal(true);
    for (const layout of ['Event Layout', 'Sales Event Layout']) expect(packageFieldsOn(emu, layout)).to.deep.equal([...PACKAGE_EVENT_FIELDS].sort());
    expect(JSON.parse(s.stateFile() ?? '{}')).to.deep.equal({ production: result.applied.connection });
    expect(statuses(first)).to.deep.include({ 'recorded-connection': 'pass', 'package-installed': 'pass', 'permset-assigned': 'pass', 'layout-fields': 'pass' });
    // Without a setup file the last two phases are skipped; the demo's field-validation risks only warn.
    expect(result.doctor.progress).to.deep.equal({ done: 3, total: 5 });
    expect(result.doctor.summary.fail).to.equal(0);
    // connect 1 + plan reads 5 (2 for the permission set, layouts query, Event describe, one readMetadata)
    // + insert 1 + one updateMetadata + doctor 4
    expect(emu.log.dataRequests().length, emu.log.dataRequests().map((r) => `${r.method} ${r.path}`).join('\n')).to.equal(12);
    expect(emu.log.writes().map((w) => `${w.method} ${w.path} ${w.api}`)).to.deep.equal([
      'POST /services/data/v66.0/composite/sobjects rest',
      'POST /services/Soap/m/66.0 metadata',
    ]);
    // The action-list layout was written through the Metadata API and keeps its actions.
    const eventLayout = emu.org.where('Layout', (l) => l.Name === 'Event Layout')[0].Metadata as { platformActionList: unknown };
    expect(eventLayout.platformActionList).to.have.property('actionListContext', 'Record');

    emu.log.clear();
    const state = s.stateFile();
    const second = clean(s, await s.sf(['oncehub', 'setup', '-o', 'acme', '--no-prompt', '--json']));

    expect(second.exitCode).to.equal(0);
    expect(second.json?.result.plan).to.deep.include({ connection: 'unchanged', orgChanges: 0 });
    expect(second.json?.result.applied.connection).to.equal(null);
    expect(emu.log.writes()).to.have.length(0);
    // connect 1 + plan reads 5 + doctor 4
    expect(emu.log.dataRequests()).to.have.length(10);
    expect(s.stateFile()).to.equal(state);
  });

  it('refuses to change production under --json without --no-prompt: an error with actions, zero writes', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts());

    const run = clean(s, await s.sf(['oncehub', 'setup', '-o', 'acme', '--json']));

    expect(run.exitCode).to.equal(1);
    expect(run.json?.name).to.equal('ConfirmationRequiredError');
    expect(run.json?.actions?.join('\n')).to.include('--no-prompt').and.include('--dry-run');
    expect(run.json?.data).to.deep.include({ connection: 'record', orgChanges: 3 });
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(s.stateFile()).to.equal(undefined);
  });

  it('refuses the same way without a terminal (human output), instead of waiting for an answer', async () => {
    const s = await open(scenarios.demo());

    const run = clean(s, await s.sf(['oncehub', 'setup', '-o', 'acme']));

    expect(run.exitCode).to.equal(1);
    expect(run.stdout).to.include('Plan for Acme Corporation (production):');
    expect(run.stderr).to.include('cannot ask for confirmation');
    expect(s.emulator.log.writes()).to.have.length(0);
  });

});
