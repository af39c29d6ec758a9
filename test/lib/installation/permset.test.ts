import { expect } from 'chai';
import {
  assignmentsForUsersQuery,
  assignmentVia,
  groupComponentsQuery,
  groupsContaining,
  ONCEHUB_PERMSET_LABELS,
  permissionSetQuery,
  pickPermissionSet,
  splitNamespace,
  usersByUsernameQuery,
} from '../../../src/lib/installation/permset.js';
import { inList, literalAfter } from '../../support/soql-where.js';

const record = (Id: string, Label: string, NamespacePrefix: string | null, license: string | null = 'Salesforce') => ({
  Id,
  Name: Label.replace(/ /g, '_'),
  Label,
  NamespacePrefix,
  LicenseId: license ? '100000000000001AAA' : null,
  License: license ? { Name: license } : null,
});

describe('installation/permset', () => {
  describe('permissionSetQuery', () => {
    it('finds the set by namespace and either label, never a profile-owned set', () => {
      const soql = permissionSetQuery();
      expect(soql).to.match(/^SELECT Id, Name, Label, NamespacePrefix, LicenseId, License\.Name FROM PermissionSet WHERE /);
      expect(soql).to.include('IsOwnedByProfile = false');
      expect(literalAfter(soql, 'NamespacePrefix')).to.equal('ScheduleOnce');
      expect(inList(soql, 'Label')).to.deep.equal([...ONCEHUB_PERMSET_LABELS]);
      expect(ONCEHUB_PERMSET_LABELS).to.deep.equal(['OnceHub connector for Salesforce', 'ScheduleOnce connector for Salesforce']);
    });

    it('matches an override as Name, without label or namespace', () => {
      const soql = permissionSetQuery('My_Set');
      expect(literalAfter(soql, 'Name')).to.equal('My_Set');
      expect(soql).not.to.include('NamespacePrefix =');
      expect(soql).not.to.include('Label IN');
      expect(soql).to.include('IsOwnedByProfile = false');
    });

    it('matches a managed override ns__Name as Name + NamespacePrefix, never as Name = ns__Name', () => {
      const soql = permissionSetQuery('ScheduleOnce__Connector');
      expect(literalAfter(soql, 'Name')).to.equal('Connector');
      expect(literalAfter(soql, 'NamespacePrefix')).to.equal('ScheduleOnce');
      expect(soql).not.to.include('ScheduleOnce__Connector');
    });

    it('escapes the override so a quote cannot end the literal', () => {
      const soql = permissionSetQuery("x' OR Name != 'y");
      expect(soql).to.include("Name = 'x\\' OR Name != \\'y'");
      expect(literalAfter(soql, 'Name')).to.equal("x' OR Name != 'y");
    });

    it('splits only a leading namespace', () => {
      expect(splitNamespace('ns__Set_Name')).to.deep.equal({ namespace: 'ns', name: 'Set_Name' });
      expect(splitNamespace('Set_Name')).to.deep.equal({ name: 'Set_Name' });
    });
  });

  describe('pickPermissionSet', () => {
    it('prefers the current label over the legacy one', () => {
      const picked = pickPermissionSet([
        record('0PS000000000002AAA', 'ScheduleOnce connector for Salesforce', 'ScheduleOnce'),
        record('0PS000000000001AAA', 'OnceHub connector for Salesforce', 'ScheduleOnce'),
      ]);
      expect(picked).to.deep.equal({
        id: '0PS000000000001AAA',
        name: 'OnceHub_connector_for_Salesforce',
        label: 'OnceHub connector for Salesforce',
        namespacePrefix: 'ScheduleOnce',
        licenseName: 'Salesforce',
      });
    });

    it('takes the legacy label when it is the only one', () => {
      const picked = pickPermissionSet([record('0PS000000000002AAA', 'ScheduleOnce connector for Salesforce', 'ScheduleOnce', null)]);
      expect(picked?.label).to.equal('ScheduleOnce connector for Salesforce');
      expect(picked?.licenseName).to.equal(null);
    });

    it('prefers the ScheduleOnce namespace when an override name also matches a local set, then the lowest Id', () => {
      const picked = pickPermissionSet([
        record('0PS000000000001AAA', 'Custom', null),
        record('0PS000000000003AAA', 'Custom', 'ScheduleOnce'),
        record('0PS000000000002AAA', 'Custom', 'ScheduleOnce'),
      ]);
      expect(picked?.id).to.equal('0PS000000000002AAA');
    });

    it('returns undefined when nothing matched', () => {
      expect(pickPermissionSet([])).to.equal(undefined);
    });
  });

  describe('user and assignment queries', () => {
    it('resolves all usernames in one IN list, quoted', () => {
      const soql = usersByUsernameQuery(['a@acme.example', "o'brien@acme.example"]);
      expect(soql).to.match(/^SELECT Id, Username, IsActive, Profile\.UserLicense\.Name FROM User WHERE Username IN \(/);
      expect(inList(soql, 'Username')).to.deep.equal(['a@acme.example', "o'brien@acme.example"]);
    });

    it('reads the existing assignments of one set for a list of users', () => {
      const soql = assignmentsForUsersQuery('0PS000000000001AAA', ['005000000000001AAA', '005000000000002AAA']);
      expect(soql).to.match(/^SELECT Id, AssigneeId, PermissionSetId, PermissionSetGroupId, ExpirationDate FROM PermissionSetAssignment WHERE /);
      expect(literalAfter(soql, 'PermissionSetId')).to.equal('0PS000000000001AAA');
      expect(inList(soql, 'AssigneeId')).to.deep.equal(['005000000000001AAA', '005000000000002AAA']);
      expect(soql).to.not.include('PermissionSetGroupId IN');
    });

    it('also reads assignments of the groups that contain the set (no semi-join inside OR: SOQL refuses that)', () => {
      const soql = assignmentsForUsersQuery('0PS000000000001AAA', ['005000000000001AAA'], ['0PG000000000001']);
      expect(soql).to.include("(PermissionSetId = '0PS000000000001AAA' OR PermissionSetGroupId IN ('0PG000000000001'))");
    });

    it('finds the groups containing the candidate sets with the same conditions as the set query, quoting an override', () => {
      expect(groupComponentsQuery()).to.equal(
        'SELECT PermissionSetId, PermissionSetGroupId, PermissionSetGroup.MasterLabel, PermissionSetGroup.Status FROM PermissionSetGroupComponent WHERE PermissionSetId IN ' +
          `(SELECT Id FROM PermissionSet WHERE ${permissionSetQuery().split(' WHERE ')[1]})`
      );
      expect(literalAfter(groupComponentsQuery("ns__o'x"), 'Name')).to.equal("o'x");
    });

    it('groupsContaining keeps the groups of the picked set, by 15-character id, with their labels', () => {
      const groups = groupsContaining('0PS000000000001AAA', [
        { PermissionSetId: '0PS000000000001', PermissionSetGroupId: '0PG000000000001AAA', PermissionSetGroup: { MasterLabel: 'OnceHub Users' } },
        { PermissionSetId: '0PS000000000002AAA', PermissionSetGroupId: '0PG000000000002AAA', PermissionSetGroup: { MasterLabel: 'Other' } },
      ]);
      expect([...groups]).to.deep.equal([['0PG000000000001', 'OnceHub Users']]);
    });

    it('assignmentVia: direct (undefined), through a group (its label), or not at all (null)', () => {
      const groups = new Map([['0PG000000000001', 'OnceHub Users']]);
      expect(assignmentVia({ PermissionSetId: '0PS000000000001AAA', PermissionSetGroupId: null }, '0PS000000000001AAA', groups)).to.equal(undefined);
      expect(assignmentVia({ PermissionSetId: '0PS000000000009AAA', PermissionSetGroupId: '0PG000000000001AAA' }, '0PS000000000001AAA', groups)).to.equal('OnceHub Users');
      expect(assignmentVia({ PermissionSetId: '0PS000000000009AAA', PermissionSetGroupId: '0PG000000000002AAA' }, '0PS000000000001AAA', groups)).to.equal(null);
    });
  });
});
