/**
 * `sf oncehub doctor` per broken requirement, in-process against the emulator (each scenario the e2e tier used to start
 * the real sf for). Every run respects the round-trip budget (≤ 4 requests after authentication) and never writes.
 */
import { resolve } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { ADMIN_USERNAME, AUDITOR_USERNAME, field, OPS_ADMIN_USERNAME, type OrgBuilder, scenarios, SESSION_PERMSET_LABEL } from '../../../emulator/index.js';
import Doctor, { type DoctorReport } from '../../../src/commands/oncehub/doctor.js';
import { useRealStateFile } from '../../lib/connection/state-file.js';
import { emulatorContext, recordLogin, type EmulatorContext } from '../../support/emulator-context.js';

type Run = { report: DoctorReport; exitCode: number };
type Check = DoctorReport['phases'][number]['checks'][number];

const fixture = (name: string): string => resolve('test', 'fixtures', 'setup', name);
const report = (run: Run): DoctorReport => run.report;
const checks = (run: Run): Check[] => run.report.phases.flatMap((p) => p.checks);
const check = (run: Run, id: string): Check => {
  const found = checks(run).find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};
const statuses = (run: Run): Record<string, string> => Object.fromEntries(checks(run).map((c) => [c.id, c.status]));

/** An inactive value on a restricted custom picklist, for the inactive-picklist fixture. */
const meetingType = field('Meeting_Type__c', 'picklist', {
  label: 'Meeting Type',
  custom: true,
  restrictedPicklist: true,
  picklistValues: [
    { value: 'Demo', label: 'Demo', active: true, defaultValue: false },
    { value: 'Webinar', label: 'Webinar', active: false, defaultValue: false },
  ],
});

/** Every step of the setup done for the default API user (admin@acme.example). */
const completed = (): OrgBuilder =>
  scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().withAssignmentRules().withRequiredLeadRegion();

describe('oncehub doctor: each requirement against the emulated org', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;

  async function open(org: OrgBuilder, username = ADMIN_USERNAME, alias = 'acme'): Promise<void> {
    ctx = await emulatorContext($$, org.build(), { username, alias });
  }

  /** Runs the doctor and checks what every run must respect: the round-trip budget and no writes. */
  async function doctor(args: string[]): Promise<Run> {
    ctx.emu.log.clear();
    const result = await Doctor.run(args);
    expect(ctx.emu.log.dataRequests().length, 'requests to the org').to.be.at.most(4);
    expect(ctx.emu.log.writes(), 'writes').to.have.length(0);
    return { report: result, exitCode: process.exitCode === undefined ? 0 : Number(process.exitCode) };
  }

  beforeEach(async () => {
    await useRealStateFile($$);
    stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('each broken requirement', () => {
    it('no Modify All Data: user-profile and modify-all-data fail with their fixes', async () => {
      await open(scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().apiUserWithoutModifyAllData());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run)).to.deep.include({ 'user-profile': 'fail', 'modify-all-data': 'fail', 'api-enabled': 'pass' });
      expect(check(run, 'modify-all-data').fix).to.include('Modify All Data');
    });

    it('an API user without API Enabled, inspected by an admin with --api-user: the org has the API, the user lacks it', async () => {
      await open(scenarios.base().apiUserWithoutApiEnabled(), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(['-o', 'ops', '--api-user', ADMIN_USERNAME, '--json']);
      expect(run.exitCode).to.equal(1);
      expect(report(run).apiUser?.username).to.equal(ADMIN_USERNAME);
      expect(statuses(run)).to.deep.include({ 'api-access': 'pass', 'api-enabled': 'fail', 'user-active': 'pass' });
      expect(check(run, 'api-enabled').message).to.equal(
        `Neither the "Custom Admin - No API" profile nor any permission set or group of ${ADMIN_USERNAME} grants API Enabled, so Salesforce refuses the API user's calls.`
      );
      expect(ctx.emu.log.dataRequests().length, 'measured: doctor --api-user by an admin').to.be.at.most(4);
    });

    it('an org without API, by the same admin: api-access fails naming both causes, nothing else is judged', async () => {
      await open(scenarios.base().apiUserWithoutApiEnabled(), OPS_ADMIN_USERNAME, 'ops');
      ctx.emu.faults.apiDisabledForOrg();
      const run = await doctor(['-o', 'ops', '--api-user', ADMIN_USERNAME, '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run)).to.deep.include({ 'api-access': 'fail', 'api-enabled': 'skip' });
      expect(check(run, 'api-access').message).to.include(`the org's edition has no API access, or ${OPS_ADMIN_USERNAME} lacks the API Enabled permission`);
    });

    it('API Enabled, Modify All Data and object access granted by a permission set count, with where they come from', async () => {
      await open(scenarios.base().withApiUser('api@acme.example', { profile: 'Standard User' }).apiUserAdvancedSecureViaPermissionSet());
      const run = await doctor(['-o', 'acme', '--api-user', 'api@acme.example', '--mode', 'advanced-secure', '--json']);
      expect(statuses(run)).to.deep.include({ 'api-enabled': 'pass', 'edit-events': 'pass', 'object-access': 'pass', 'user-active': 'pass' });
      expect(check(run, 'api-enabled').message).to.equal('api@acme.example has API Enabled, from the permission set "OnceHub API Access".');
    });

    it('a frozen API user, inspected by an admin: user-active fails saying frozen', async () => {
      await open(scenarios.base().withApiUser('api@acme.example').apiUserFrozen());
      const run = await doctor(['-o', 'acme', '--api-user', 'api@acme.example', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run)['user-active']).to.equal('fail');
      expect(check(run, 'user-active').message).to.match(/^api@acme\.example is frozen/);
      expect(check(run, 'user-active').fix).to.include('Unfreeze');
    });

    it('an inactive API user, inspected by an admin', async () => {
      await open(scenarios.base().apiUserInactive(), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(['-o', 'ops', '--api-user', ADMIN_USERNAME, '--json']);
      expect(statuses(run)['user-active']).to.equal('fail');
      expect(check(run, 'user-active').message).to.equal(`${ADMIN_USERNAME} is inactive.`);
    });

    it('an API user on the Salesforce Platform license', async () => {
      await open(scenarios.base().apiUserOnPlatformLicense());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(statuses(run)['user-license']).to.equal('fail');
      expect(check(run, 'user-license').message).to.include('"Salesforce Platform"');
    });

    it('a user that does not exist (a sandbox username without its suffix)', async () => {
      await open(scenarios.base());
      const run = await doctor(['-o', 'acme', '--api-user', 'api@acme.example', '--json']);
      expect(report(run).apiUser).to.equal(null);
      expect(statuses(run)).to.deep.include({ 'user-active': 'fail', 'user-license': 'skip' });
    });

    it('the permission set not assigned: the exact permset command', async () => {
      await open(scenarios.base().withPackage().withEventLayoutFields());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(statuses(run)).to.deep.include({ 'package-installed': 'pass', 'permset-assigned': 'fail', 'layout-fields': 'pass' });
      expect(check(run, 'permset-assigned').fix).to.equal(`sf oncehub permset assign --target-org acme --on-behalf-of ${ADMIN_USERNAME}`);
    });

    it('the permission set held only through a permission set group counts, naming the group', async () => {
      await open(scenarios.base().withPackage().withPermsetViaGroup().withEventLayoutFields());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(statuses(run)['permset-assigned']).to.equal('pass');
      expect(check(run, 'permset-assigned').message).to.equal(
        `${ADMIN_USERNAME} has the permission set "OnceHub connector for Salesforce" through the permission set group "OnceHub Users".`
      );
    });

    it('the legacy permission set label counts as the OnceHub permission set', async () => {
      await open(scenarios.base().withPackage().withLegacyPermsetLabel().withPermsetAssigned().withEventLayoutFields());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(statuses(run)['permset-assigned']).to.equal('pass');
    });

    it('two Event layouts, one without the fields: layout-fields warns, naming it, exit 0', async () => {
      await open(scenarios.base().withPackage().withPermsetAssigned().withTwoEventLayouts().withEventLayoutFields('Event Layout'));
      const run = await doctor(['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(0);
      expect(statuses(run)['layout-fields']).to.equal('warn');
      expect(check(run, 'layout-fields').message).to.include('"Sales Event Layout"');
      expect(check(run, 'layout-fields').message).to.not.include('"Event Layout"');
      expect(check(run, 'layout-fields').fix).to.equal('sf oncehub layout add-fields --target-org acme');
    });

    it('required fields, validation rules and duplicate rules are warnings with names and placeholders', async () => {
      await open(completed().withRequiredFields().withValidationRules().withDuplicateRules());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(statuses(run)).to.deep.include({ 'required-fields': 'warn', 'validation-rules': 'warn', 'duplicate-rules': 'warn' });
      expect(check(run, 'required-fields').message).to.include('Lead.Region__c (string: OnceHub writes "Unspecified")');
      expect(check(run, 'required-fields').message).to.include('Case.Priority_Level__c (picklist: no placeholder exists, the booking may fail)');
      expect(check(run, 'required-fields').message).to.not.include('Tier__c');
      expect(check(run, 'validation-rules').message).to.include('Lead.Phone_Required');
      expect(check(run, 'validation-rules').message).to.not.include('Email_Format');
      expect(check(run, 'duplicate-rules').message).to.match(/^Active duplicate rules \(2\) .*Lead: .*; Contact: /);
      expect(report(run).phases[2].status).to.equal('warn');
    });

    it('an expired assignment grants nothing: the permission set it gave is not held', async () => {
      await open(scenarios.base().withPackage().withPermsetAssignmentExpired().withEventLayoutFields());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run)).to.deep.include({ 'package-installed': 'pass', 'permset-assigned': 'fail' });
      expect(check(run, 'permset-assigned').fix).to.equal(`sf oncehub permset assign --target-org acme --on-behalf-of ${ADMIN_USERNAME}`);
    });

    it("an expired assignment of the API user's access set: Edit Events and object access fail, by an admin", async () => {
      await open(scenarios.base().apiUserAccessExpired(), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(['-o', 'ops', '--api-user', ADMIN_USERNAME, '--mode', 'advanced-secure', '--json']);
      expect(statuses(run)).to.deep.include({ 'user-active': 'pass', 'api-enabled': 'pass', 'edit-events': 'fail', 'object-access': 'fail' });
    });

    it('a session-based permission set does not count for an API user, and the failure says so', async () => {
      await open(scenarios.base().apiUserViaSessionBasedPermissionSet(), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(['-o', 'ops', '--api-user', ADMIN_USERNAME, '--mode', 'advanced-secure', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run)).to.deep.include({ 'api-enabled': 'pass', 'edit-events': 'fail', 'object-access': 'fail' });
      expect(check(run, 'edit-events').message).to.include(
        `the permission set "${SESSION_PERMSET_LABEL}" would grant it, but a session-based permission set grants nothing until it is activated in a session`
      );
      expect(check(run, 'edit-events').fix).to.match(/^Grant it with a permission set that is not session-based/);
    });

    it('a permission set group awaiting recalculation is not counted on: its checks warn, naming the group and Status', async () => {
      await open(scenarios.base().apiUserViaRecalculatingGroup({ status: 'Updating' }), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(['-o', 'ops', '--api-user', ADMIN_USERNAME, '--mode', 'advanced-secure', '--json']);
      expect(statuses(run)).to.deep.include({ 'api-enabled': 'pass', 'edit-events': 'warn', 'object-access': 'warn' });
      expect(check(run, 'edit-events').message).to.match(
        /^Only the permission set group "OnceHub Integration" \(Status Updating\) would grant it, and its permissions are being recalculated/
      );
    });

    it('the OnceHub set held only through a group not yet recalculated: permset-assigned warns, exit 0', async () => {
      await open(scenarios.base().withPackage().withPermsetViaGroup({ status: 'Outdated' }).withEventLayoutFields().withAssignmentRules());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(statuses(run)['permset-assigned']).to.equal('warn');
      expect(check(run, 'permset-assigned').message).to.include('only through the permission set group "OnceHub Users", whose Status is Outdated');
      expect(run.exitCode).to.equal(0);
    });

    it('run by a user without Manage Users: user-active warns that frozen could not be checked', async () => {
      await open(scenarios.base().withSetupAuditor(), AUDITOR_USERNAME, 'audit');
      const run = await doctor(['-o', 'audit', '--api-user', ADMIN_USERNAME, '--json']);
      expect(check(run, 'user-active')).to.deep.include({ status: 'warn' });
      expect(check(run, 'user-active').message).to.equal(
        `${ADMIN_USERNAME} is active, but whether it is frozen could not be checked: reading UserLogin needs the Manage Users permission, which the user running this check lacks.`
      );
      expect(statuses(run)).to.deep.include({ 'api-enabled': 'pass', 'modify-all-data': 'pass' });
    });

    it("the package's managed Event layout in use, showing both fields: layout-fields passes", async () => {
      await open(scenarios.base().withPackage().withPermsetAssigned().withManagedEventLayoutInUse());
      const run = await doctor(['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(0);
      expect(statuses(run)['layout-fields']).to.equal('pass');
    });

    it('an Event layout whose full name is encoded, lacking the fields: layout-fields warns, naming it as Setup does', async () => {
      await open(scenarios.base().withPackage().withPermsetAssigned().withEncodedNameEventLayout().withEventLayoutFields('Event Layout'));
      const run = await doctor(['-o', 'acme', '--json']);
      expect(statuses(run)['layout-fields']).to.equal('warn');
      expect(check(run, 'layout-fields').message).to.include('"Event Layout (Sales & Service)"');
    });

    it('assignment rules chosen for Cases without an active Case rule fail creation-rules', async () => {
      await open(scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields());
      const config = join(mkdtempSync(join(tmpdir(), 'doctor-setup-')), 'setup.json');
      writeFileSync(config, JSON.stringify({ creationRules: { case: { create: true, owner: 'assignment-rules' } }, bookingPageOwners: ['former.employee@acme.example'] }));
      const run = await doctor(['-o', 'acme', '--config', config, '--json']);
      expect(statuses(run)['creation-rules']).to.equal('fail');
      expect(check(run, 'creation-rules').message).to.include('Case has no active assignment rule');
      expect(check(run, 'creation-rules').message).to.include('former.employee@acme.example is inactive');
    });
  });

  describe('environments and modes', () => {
    it('advanced secure mode checks Edit Events and object access, not the profile', async () => {
      await open(scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().apiUserAdvancedSecure());
      const run = await doctor(['-o', 'acme', '--mode', 'advanced-secure', '--json']);
      expect(report(run).phases[0].checks.map((c) => c.id)).to.deep.equal([
        'api-access',
        'user-active',
        'user-license',
        'api-enabled',
        'edit-events',
        'object-access',
        'recorded-connection',
        'api-usage',
      ]);
      expect(statuses(run)).to.deep.include({ 'edit-events': 'pass', 'object-access': 'pass' });
    });

    it('a sandbox is reported as a sandbox and judged against the sandbox connection', async () => {
      await open(scenarios.base({ sandbox: true }).withPackage().withPermsetAssigned().withEventLayoutFields());
      await recordLogin(ctx);
      const run = await doctor(['-o', 'acme', '--json']);
      expect(report(run).org.isSandbox).to.equal(true);
      expect(check(run, 'recorded-connection')).to.deep.include({ status: 'pass' });
      expect(check(run, 'recorded-connection').message).to.match(/^The sandbox connection is recorded for admin@acme\.example/);
    });

    it('advanced secure mode with an object missing fails object-access', async () => {
      await open(scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().apiUserAdvancedSecure({ missingObjectAccess: 'Case' }));
      const run = await doctor(['-o', 'acme', '--mode', 'advanced-secure', '--json']);
      expect(statuses(run)['object-access']).to.equal('fail');
      expect(check(run, 'object-access').message).to.include('Case');
    });
  });

  describe('with the setup file fixtures', () => {
    it('missing field: mapping fails naming it', async () => {
      await open(completed());
      const run = await doctor(['-o', 'acme', '--config', fixture('missing-field.json'), '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run).mapping).to.equal('fail');
      expect(check(run, 'mapping').message).to.include('Lead.Favorite_Color__c does not exist on Lead');
      expect(check(run, 'mapping').fix).to.include('sf sobject describe --sobject Lead --target-org acme');
    });

    it('the YAML setup file is read the same way as the JSON one', async () => {
      await open(completed());
      const run = await doctor(['-o', 'acme', '--config', fixture('valid.yaml'), '--json']);
      expect(statuses(run)).to.deep.include({ mapping: 'pass', 'creation-rules': 'pass', 'required-fields': 'pass' });
    });

    it('read-only field: mapping fails', async () => {
      await open(completed());
      const run = await doctor(['-o', 'acme', '--config', fixture('read-only-field.json'), '--json']);
      expect(statuses(run).mapping).to.equal('fail');
      expect(check(run, 'mapping').message).to.include('Lead.Name is read-only (not createable)');
    });

    it('inactive picklist value: mapping fails on a restricted picklist', async () => {
      await open(completed().withCustomField('Lead', meetingType));
      const run = await doctor(['-o', 'acme', '--config', fixture('inactive-picklist.json'), '--json']);
      expect(statuses(run).mapping).to.equal('fail');
      expect(check(run, 'mapping').message).to.include('Lead.Meeting_Type__c: "Webinar" is an inactive picklist value');
    });
  });
});
