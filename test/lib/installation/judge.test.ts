import { expect } from 'chai';
import { INSTALLATION_CHECK_IDS, type InstallationFacts, judgeInstallation } from '../../../src/lib/installation/judge.js';

const ctx = { alias: 'acme', apiUsername: 'api@acme.example' };
const PERMSET = { id: '0PS000000000001AAA', name: 'OnceHub_connector', label: 'OnceHub connector for Salesforce', namespacePrefix: 'ScheduleOnce' };

const healthy = (): InstallationFacts => ({
  package: { status: 'installed', name: 'OnceHub connector for Salesforce', version: '1.42.0.3', versionId: '04t000000000001AAA' },
  permissionSet: PERMSET,
  apiUserAssigned: true,
  layouts: [
    { name: 'Event Layout', missing: [] },
    { name: 'Sales Event Layout', missing: [] },
  ],
});

const byId = (facts: InstallationFacts) => Object.fromEntries(judgeInstallation(facts, ctx).map((c) => [c.id, c]));

describe('installation/judge', () => {
  it('returns the three checks in order, all passing for a finished installation', () => {
    const checks = judgeInstallation(healthy(), ctx);
    expect(checks.map((c) => c.id)).to.deep.equal([...INSTALLATION_CHECK_IDS]);
    expect(checks.map((c) => c.id)).to.deep.equal(['package-installed', 'permset-assigned', 'layout-fields']);
    expect(checks.map((c) => c.status)).to.deep.equal(['pass', 'pass', 'pass']);
    expect(checks.every((c) => c.fix === undefined)).to.equal(true);
    expect(checks[0].message).to.equal('OnceHub connector for Salesforce 1.42.0.3 is installed (namespace ScheduleOnce).');
    expect(checks[1].message).to.equal('api@acme.example has the permission set "OnceHub connector for Salesforce".');
    expect(checks[2].message).to.include('All 2 Event page layouts in use show both OnceHub fields');
    expect(checks[0].title).to.equal('OnceHub package is installed');
  });

  describe('package-installed', () => {
    it('fails when the package is missing, with how to install it', () => {
      const check = byId({ ...healthy(), package: { status: 'missing' }, permissionSet: undefined, apiUserAssigned: false })['package-installed'];
      expect(check.status).to.equal('fail');
      expect(check.message).to.equal('The OnceHub managed package (namespace ScheduleOnce) is not installed in this org.');
      expect(check.fix).to.include('"OnceHub connector for Salesforce" from its AppExchange listing');
      expect(check.fix).to.include('Installation tab');
      expect(check.fix).to.include('sf oncehub doctor --target-org acme');
    });

    it('warns, naming the permission, when packages cannot be read', () => {
      const check = byId({ ...healthy(), package: { status: 'unreadable', reason: 'Needs View Setup and Configuration.' } })['package-installed'];
      expect(check.status).to.equal('warn');
      expect(check.message).to.include('Needs View Setup and Configuration.');
      expect(check.fix).to.include('"View Setup and Configuration"');
    });
  });

  describe('permset-assigned', () => {
    it('passes for a user who holds the set through a permission set group, naming the group', () => {
      const check = byId({ ...healthy(), apiUserAssignedVia: 'OnceHub Users' })['permset-assigned'];
      expect(check.status).to.equal('pass');
      expect(check.message).to.equal(
        'api@acme.example has the permission set "OnceHub connector for Salesforce" through the permission set group "OnceHub Users".'
      );
    });

    it('held only through a group whose Status is not Updated: a warning naming the group and its Status, not a pass', () => {
      const check = byId({ ...healthy(), apiUserAssigned: false, apiUserPendingVia: { group: 'OnceHub Users', status: 'Outdated' } })['permset-assigned'];
      expect(check.status).to.equal('warn');
      expect(check.message).to.include('only through the permission set group "OnceHub Users", whose Status is Outdated');
      expect(check.fix).to.include('Status Updated').and.include('sf oncehub permset assign');
    });

    it('fails with the exact assign command when the API user lacks the set', () => {
      const check = byId({ ...healthy(), apiUserAssigned: false })['permset-assigned'];
      expect(check.status).to.equal('fail');
      expect(check.message).to.include('api@acme.example does not have the permission set "OnceHub connector for Salesforce"');
      expect(check.fix).to.equal('sf oncehub permset assign --target-org acme --on-behalf-of api@acme.example');
    });

    it('says to install the package first when it is missing', () => {
      const check = byId({ ...healthy(), package: { status: 'missing' }, permissionSet: undefined, apiUserAssigned: false })['permset-assigned'];
      expect(check.status).to.equal('fail');
      expect(check.message).to.include('the OnceHub package, which is not installed');
      expect(check.fix).to.match(/^Install the package first .*sf oncehub permset assign --target-org acme --on-behalf-of api@acme\.example$/);
    });

    it('fails and suggests --permset-name when the package is there but the set is not found', () => {
      const check = byId({ ...healthy(), permissionSet: undefined, apiUserAssigned: false })['permset-assigned'];
      expect(check.status).to.equal('fail');
      expect(check.message).to.include('No permission set labelled "OnceHub connector for Salesforce"');
      expect(check.fix).to.include('--permset-name');
    });

    it('judges by the set when packages are unreadable but the set was found', () => {
      expect(byId({ ...healthy(), package: { status: 'unreadable', reason: 'r' } })['permset-assigned'].status).to.equal('pass');
    });
  });

  describe('layout-fields', () => {
    it('warns (not fails: OnceHub writes the fields anyway) naming each layout and its missing fields', () => {
      const check = byId({
        ...healthy(),
        layouts: [
          { name: 'Event Layout', missing: ['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c'] },
          { name: 'Sales Event Layout', missing: [] },
          { name: 'Support Event Layout', missing: ['ScheduleOnce__Cancel_reschedule_reason__c'] },
        ],
      })['layout-fields'];
      expect(check.status).to.equal('warn');
      expect(check.message).to.equal(
        '2 of 3 Event page layouts in use lack OnceHub fields, so reps cannot see the meeting status: ' +
          '"Event Layout" (ScheduleOnce__Event_status__c, ScheduleOnce__Cancel_reschedule_reason__c); ' +
          '"Support Event Layout" (ScheduleOnce__Cancel_reschedule_reason__c).'
      );
      expect(check.fix).to.equal('sf oncehub layout add-fields --target-org acme');
    });

    it('warns when the layouts could not be read', () => {
      const check = byId({ ...healthy(), layouts: undefined })['layout-fields'];
      expect(check.status).to.equal('warn');
      expect(check.message).to.include('"View Setup and Configuration"');
      expect(check.fix).to.be.a('string');
    });

    it('is skipped when the package (and so the fields) is missing', () => {
      const check = byId({ ...healthy(), package: { status: 'missing' }, permissionSet: undefined, apiUserAssigned: false })['layout-fields'];
      expect(check.status).to.equal('skip');
      expect(check.message).to.include('not installed');
    });

    it('passes when no Event layout is assigned to a profile', () => {
      const check = byId({ ...healthy(), layouts: [] })['layout-fields'];
      expect(check.status).to.equal('pass');
      expect(check.message).to.equal('No Event page layout is assigned to any profile.');
    });
  });
});
