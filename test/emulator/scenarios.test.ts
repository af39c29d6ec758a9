import { expect } from 'chai';
import {
  LEGACY_PERMSET_LABEL,
  OPS_ADMIN_USERNAME,
  PACKAGE_EVENT_FIELDS,
  layoutFields,
  scenarios,
  startEmulator,
  type LayoutMetadata,
  type OrgModel,
} from '../../emulator/index.js';
import { ADMIN, connect, rejection, type Rec } from './helpers.js';

const ORG_SOQL = 'SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization';
const USER_SOQL =
  'SELECT Id, Username, IsActive, UserType, ProfileId, Profile.Name, Profile.UserLicense.Name, Profile.UserLicense.LicenseDefinitionKey, Profile.PermissionsApiEnabled, Profile.PermissionsModifyAllData, Profile.PermissionsEditEvent FROM User WHERE Username = ';

/** Run a query against a scenario through a real HTTP round trip. */
async function query(org: OrgModel, soql: string, options: { tooling?: boolean; as?: string } = {}): Promise<Rec[]> {
  const emu = await startEmulator({ org });
  try {
    const conn = connect(emu, options.as ?? org.meta.adminUsername);
    const res = options.tooling ? await conn.tooling.query<Rec>(soql) : await conn.query<Rec>(soql, { autoFetch: true, maxFetch: 100000 });
    return res.records;
  } finally {
    await emu.stop();
  }
}

function profileOf(rows: Rec[]): Rec {
  return rows[0].Profile as Rec;
}

describe('emulator: scenarios', () => {
  describe('base org', () => {
    it('is a production Enterprise Edition org as sfdx-core reads it', async () => {
      const [org] = await query(scenarios.base().build(), ORG_SOQL);
      expect(org).to.deep.include({ Name: 'Acme Corporation', IsSandbox: false, TrialExpirationDate: null, NamespacePrefix: null, OrganizationType: 'Enterprise Edition' });
    });

    it('has sandbox and scratch variants', async () => {
      const [sandbox] = await query(scenarios.base({ sandbox: true }).build(), ORG_SOQL);
      expect(sandbox).to.deep.include({ IsSandbox: true, TrialExpirationDate: null, OrganizationType: 'Enterprise Edition' });
      const [scratch] = await query(scenarios.base({ scratch: true }).build(), ORG_SOQL);
      expect(scratch.IsSandbox).to.equal(true);
      expect(scratch.TrialExpirationDate).to.be.a('string');
    });

    it('has a System Administrator API user on the Salesforce licence with API Enabled and Modify All Data', async () => {
      const rows = await query(scenarios.base().build(), `${USER_SOQL}'${ADMIN}'`);
      expect(rows[0]).to.deep.include({ IsActive: true, UserType: 'Standard' });
      expect(profileOf(rows)).to.deep.include({ Name: 'System Administrator', PermissionsApiEnabled: true, PermissionsModifyAllData: true });
      expect(profileOf(rows).UserLicense).to.deep.include({ Name: 'Salesforce', LicenseDefinitionKey: 'SFDC' });
    });

    it('has the Automated Process user with a null profile and the Event Layout on both standard profiles', async () => {
      const org = scenarios.base().build();
      const auto = await query(org, "SELECT Username, Profile.Name FROM User WHERE UserType = 'AutomatedProcess'");
      expect(auto[0].Profile).to.equal(null);
      const assignments = await query(scenarios.base().build(), "SELECT Layout.Name, Profile.Name FROM ProfileLayout WHERE TableEnumOrId = 'Event'", { tooling: true });
      const byProfile = Object.fromEntries(assignments.map((r) => [(r.Profile as Rec).Name, (r.Layout as Rec).Name]));
      expect(byProfile).to.deep.include({ 'System Administrator': 'Event Layout', 'Standard User': 'Event Layout' });
    });

    it('has no package, and builds are reproducible', () => {
      const a = scenarios.base().build();
      const b = scenarios.base().build();
      expect(a.records('InstalledSubscriberPackage')).to.have.length(0);
      expect(a.orgId).to.equal(b.orgId);
      expect(a.records('User').map((u) => u.Id)).to.deep.equal(b.records('User').map((u) => u.Id));
    });
  });

  describe('API user variants', () => {
    it('wrong profile: Custom Admin with every permission', async () => {
      const rows = await query(scenarios.base().apiUserOnCustomAdminProfile().build(), `${USER_SOQL}'${ADMIN}'`);
      expect(profileOf(rows)).to.deep.include({ Name: 'Custom Admin', PermissionsApiEnabled: true, PermissionsModifyAllData: true });
    });

    it('Salesforce Platform licence', async () => {
      const rows = await query(scenarios.base().apiUserOnPlatformLicense().build(), `${USER_SOQL}'${ADMIN}'`);
      expect((profileOf(rows).UserLicense as Rec).Name).to.equal('Salesforce Platform');
    });

    it('without Modify All Data', async () => {
      const rows = await query(scenarios.base().apiUserWithoutModifyAllData().build(), `${USER_SOQL}'${ADMIN}'`);
      expect(profileOf(rows)).to.deep.include({ PermissionsApiEnabled: true, PermissionsModifyAllData: false });
    });

    it('without API Enabled: the user cannot call the API, the ops admin can inspect it', async () => {
      const org = scenarios.base().apiUserWithoutApiEnabled().build();
      expect(org.meta.adminUsername).to.equal(OPS_ADMIN_USERNAME);
      const rows = await query(org, `${USER_SOQL}'${ADMIN}'`);
      expect(profileOf(rows).PermissionsApiEnabled).to.equal(false);
      const emu = await startEmulator({ org });
      try {
        expect((await rejection(connect(emu, ADMIN).query('SELECT Id FROM Organization'))).errorCode).to.equal('API_DISABLED_FOR_ORG');
      } finally {
        await emu.stop();
      }
    });

    it('inactive, on a separate API user', async () => {
      const org = scenarios.base().withApiUser('api@acme.example').apiUserInactive().build();
      expect(org.meta).to.deep.include({ apiUsername: 'api@acme.example', adminUsername: ADMIN });
      const rows = await query(org, `${USER_SOQL}'api@acme.example'`);
      expect(rows[0].IsActive).to.equal(false);
    });

    it('advanced secure: custom profile with API, Edit Events and CRUD on the sales objects', async () => {
      const org = scenarios.base().apiUserAdvancedSecure().build();
      const rows = await query(org, `${USER_SOQL}'${ADMIN}'`);
      expect(profileOf(rows)).to.deep.include({ Name: 'OnceHub API User', PermissionsApiEnabled: true, PermissionsModifyAllData: false, PermissionsEditEvent: true });
      const perms = await query(
        org,
        `SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete FROM ObjectPermissions WHERE Parent.ProfileId = '${String(org.requireUser(ADMIN).ProfileId)}' ORDER BY SobjectType`,
        { as: ADMIN }
      );
      expect(perms.map((p) => p.SobjectType)).to.deep.equal(['Account', 'Case', 'Contact', 'Lead']);
      expect(perms.every((p) => p.PermissionsRead && p.PermissionsCreate && p.PermissionsEdit && p.PermissionsDelete)).to.equal(true);
      const missing = scenarios.base().apiUserAdvancedSecure({ missingObjectAccess: 'Case' }).build();
      const fewer = await query(missing, `SELECT SobjectType FROM ObjectPermissions WHERE Parent.ProfileId = '${String(missing.requireUser(ADMIN).ProfileId)}'`);
      expect(fewer.map((p) => p.SobjectType)).to.not.include('Case');
    });
  });

  describe('package, permission set and layouts', () => {
    it('installs the package with its permission set on the Salesforce licence', async () => {
      const org = scenarios.base().withPackage({ version: '2.15.1.3' }).build();
      const ps = await query(org, "SELECT Id, Name, Label, NamespacePrefix, IsOwnedByProfile, License.Name FROM PermissionSet WHERE NamespacePrefix = 'ScheduleOnce'");
      expect(ps[0]).to.deep.include({ Name: 'ScheduleOnce_connector_for_Salesforce', Label: 'OnceHub connector for Salesforce', IsOwnedByProfile: false });
      expect((ps[0].License as Rec).Name).to.equal('Salesforce');
      expect(((ps[0].License as Rec).attributes as Rec).type).to.equal('UserLicense');
      const pkg = await query(org, 'SELECT SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber FROM InstalledSubscriberPackage', {
        tooling: true,
      });
      expect(pkg[0].SubscriberPackageVersion).to.deep.include({ MajorVersion: 2, MinorVersion: 15, PatchVersion: 1, BuildNumber: 3 });
    });

    it('supports the legacy label and assignments', async () => {
      const org = scenarios.base().withPackage().withLegacyPermsetLabel().withPermsetAssigned().build();
      const rows = await query(org, `SELECT PermissionSet.Label FROM PermissionSetAssignment WHERE Assignee.Username = '${ADMIN}' AND PermissionSet.NamespacePrefix = 'ScheduleOnce'`);
      expect((rows[0].PermissionSet as Rec).Label).to.equal(LEGACY_PERMSET_LABEL);
    });

    it('builds two Event layouts, with all, some or none of the package fields', () => {
      const fieldsOf = (org: OrgModel, name: string): string[] =>
        layoutFields(org.records('Layout').find((l) => l.Name === name)?.Metadata as LayoutMetadata).filter((f) => f.startsWith('ScheduleOnce__'));
      const none = scenarios.base().withPackage().withTwoEventLayouts().build();
      expect(fieldsOf(none, 'Event Layout')).to.deep.equal([]);
      expect(fieldsOf(none, 'Sales Event Layout')).to.deep.equal([]);
      const all = scenarios.base().withPackage().withTwoEventLayouts().withEventLayoutFields().build();
      expect(fieldsOf(all, 'Sales Event Layout')).to.deep.equal([...PACKAGE_EVENT_FIELDS]);
      const partly = scenarios.base().withPackage().withTwoEventLayouts().withEventLayoutPartlyDone().build();
      expect(fieldsOf(partly, 'Event Layout')).to.deep.equal(['ScheduleOnce__Event_status__c']);
      expect(fieldsOf(partly, 'Sales Event Layout')).to.deep.equal([]);
    });

    it('refuses permission set steps without the package', () => {
      expect(() => scenarios.base().withPermsetAssigned()).to.throw(/withPackage/);
    });
  });

  describe('org rules and users', () => {
    it('adds required fields, validation, duplicate and assignment rules', async () => {
      const org = scenarios.base().withRequiredFields().withValidationRules().withDuplicateRules().withAssignmentRules().build();
      const dups = await query(org, "SELECT DeveloperName, SobjectType FROM DuplicateRule WHERE IsActive = true ORDER BY SobjectType");
      expect(dups.map((d) => d.SobjectType)).to.deep.equal(['Contact', 'Lead']);
      const rules = await query(org, "SELECT Name, SobjectType FROM AssignmentRule WHERE SobjectType IN ('Lead','Case') AND Active = true");
      expect(rules.map((r) => r.SobjectType)).to.have.members(['Lead', 'Case']);
      expect(org.type('Case').field('Priority_Level__c')).to.deep.include({ nillable: false, restrictedPicklist: true });
    });

    it('creates hundreds of users, some already assigned', async () => {
      const org = scenarios.base().withPackage().withExtraUsers(600, { assigned: (i) => i % 3 === 0 }).build();
      const rows = await query(org, "SELECT Assignee.Username FROM PermissionSetAssignment WHERE PermissionSet.NamespacePrefix = 'ScheduleOnce' ORDER BY Assignee.Username");
      expect(rows).to.have.length(200);
      expect((rows[0].Assignee as Rec).Username).to.equal('user0003@acme.example');
      expect(org.user('user0600@acme.example')).to.not.equal(undefined);
    });

    it('demo: package installed, not assigned, layouts without fields, one rule of each kind', async () => {
      const org = scenarios.demo().build();
      expect(org.records('InstalledSubscriberPackage')).to.have.length(1);
      const assigned = await query(org, `SELECT Id FROM PermissionSetAssignment WHERE Assignee.Username = '${ADMIN}' AND PermissionSet.NamespacePrefix = 'ScheduleOnce'`);
      expect(assigned).to.have.length(0);
      const eventLayout = org.records('Layout').find((l) => l.Name === 'Event Layout');
      expect(layoutFields(eventLayout?.Metadata as LayoutMetadata).some((f) => f.startsWith('ScheduleOnce__'))).to.equal(false);
      expect(org.records('ValidationRule').filter((r) => r.Active === true)).to.have.length(1);
      expect(org.records('DuplicateRule').filter((r) => r.IsActive === true)).to.have.length(1);
      expect(org.records('AssignmentRule').filter((r) => r.Active === true && r.SobjectType === 'Lead')).to.have.length(1);
      expect(org.type('Lead').field('Region__c')?.nillable).to.equal(false);
    });
  });
});
