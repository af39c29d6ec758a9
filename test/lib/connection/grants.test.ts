import { expect } from 'chai';
import { grantsOfSets, soqlDateTime, unexpired, whyNotCounted } from '../../../src/lib/connection/api-user-facts.js';
import type { SalesforceRecord } from '../../../src/lib/org/requests.js';

/** The union of a user's permission sets, judged from hand-made rows as the permission set query returns them. */

const objectPerms = (sobject: string): { records: SalesforceRecord[] } => ({
  records: [{ SobjectType: sobject, PermissionsRead: true, PermissionsCreate: true, PermissionsEdit: true, PermissionsDelete: true }],
});

const profileSet: SalesforceRecord = { Id: '0PS1', IsOwnedByProfile: true, Profile: { Name: 'Minimal' }, PermissionsApiEnabled: true };
const sessionSet: SalesforceRecord = { Id: '0PS2', Label: 'API (session)', Type: 'Session', HasActivationRequired: true, PermissionsEditEvent: true, ObjectPerms: objectPerms('Lead') };
const groupSet = (status: string | undefined): SalesforceRecord => ({
  Id: '0PS3',
  Label: 'Integration',
  Type: 'Group',
  PermissionSetGroupId: '0PG1',
  PermissionSetGroup: { MasterLabel: 'Integration', ...(status ? { Status: status } : {}) },
  PermissionsModifyAllData: true,
});

describe('connection/api-user-facts: grantsOfSets', () => {
  it('leaves out a session-based set and a group whose Status is not Updated, naming them apart', () => {
    const grants = grantsOfSets([profileSet, sessionSet, groupSet('Outdated')], 'Minimal');
    expect([grants.apiEnabled, grants.editEvent, grants.modifyAllData, grants.objectAccess.Lead.Read]).to.deep.equal([true, false, false, false]);
    expect(grants.grantedBy).to.deep.include({ apiEnabled: ['the profile "Minimal"'], editEvent: [], modifyAllData: [] });
    expect(grants.notCounted).to.deep.equal({
      apiEnabled: [],
      editEvent: [{ source: 'the permission set "API (session)"', reason: 'session-based' }],
      modifyAllData: [{ source: 'the permission set group "Integration"', reason: 'group-status', status: 'Outdated' }],
      objectAccess: [{ source: 'the permission set "API (session)"', reason: 'session-based' }],
    });
  });

  it('counts an Updated group, and one whose Status the org does not return', () => {
    for (const status of ['Updated', undefined]) {
      const grants = grantsOfSets([profileSet, groupSet(status)], 'Minimal');
      expect(grants.modifyAllData, String(status)).to.equal(true);
      expect(grants).to.not.have.property('notCounted');
      expect(whyNotCounted(groupSet(status))).to.equal(undefined);
    }
    for (const status of ['Outdated', 'Updating', 'Failed']) expect(whyNotCounted(groupSet(status))).to.deep.equal({ reason: 'group-status', status });
  });

  it('filters expired assignments with a SOQL datetime literal', () => {
    const now = new Date('2026-03-04T05:06:07.891Z');
    expect(soqlDateTime(now)).to.equal('2026-03-04T05:06:07Z');
    expect(unexpired(now)).to.equal('(ExpirationDate = null OR ExpirationDate > 2026-03-04T05:06:07Z)');
  });
});
