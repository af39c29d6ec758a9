/**
 * The base org every scenario starts from: production (or a sandbox or scratch org), Enterprise Edition, the
 * Salesforce, Salesforce Platform and Chatter Free licenses, the standard profiles, an admin and a few users, a
 * permission set group, the standard page layouts (Event Layout among them) and some sample records. No OnceHub
 * package: the builders (builder.ts) add it.
 */
import { ADMIN_USERNAME, type BaseOptions, OPS_ADMIN_USERNAME } from './names.js';
import { adminAccess, ALL_PERMS, BUILD_TIME, CRUD, OrgWriter, STANDARD_USER_PERMS } from './org-writer.js';
import { eventLayout, simpleLayout } from '../layouts.js';
import { defaultConfig, OrgModel, sfDateTime } from '../model/org.js';
import { standardSchema } from '../model/standard-objects.js';
import { IdFactory } from '../ids.js';

export function createBaseOrg(options: BaseOptions = {}): OrgWriter {
  const w = new OrgWriter(
    new OrgModel(standardSchema(), defaultConfig(), { apiUsername: ADMIN_USERNAME, adminUsername: ADMIN_USERNAME, steps: [] }, new IdFactory(options.pod ?? 'Dn'))
  );
  w.org.now = () => BUILD_TIME;

  const { org } = w;
  const sandbox = options.sandbox === true || options.scratch === true;
  org.insert('Organization', {
    Name: options.orgName ?? 'Acme Corporation',
    InstanceName: sandbox ? 'CS42' : 'NA224',
    IsSandbox: sandbox,
    OrganizationType: options.edition ?? 'Enterprise Edition',
    TrialExpirationDate: options.scratch ? sfDateTime(new Date(Date.now() + 30 * 86_400_000)) : null,
    NamespacePrefix: null,
    LanguageLocaleKey: 'en_US',
    DefaultLocaleSidKey: 'en_US',
    TimeZoneSidKey: 'America/Los_Angeles',
    Country: 'US',
    Division: null,
    IsReadOnly: false,
    PrimaryContact: 'Alex Admin',
  });
  org.insert('UserLicense', { Name: 'Salesforce', MasterLabel: 'Salesforce', LicenseDefinitionKey: 'SFDC', Status: 'Active', TotalLicenses: 50, UsedLicenses: 0 });
  org.insert('UserLicense', { Name: 'Salesforce Platform', MasterLabel: 'Salesforce Platform', LicenseDefinitionKey: 'AUL', Status: 'Active', TotalLicenses: 20, UsedLicenses: 0 });
  org.insert('UserLicense', { Name: 'Chatter Free', MasterLabel: 'Chatter Free', LicenseDefinitionKey: 'PID_Chatter', Status: 'Active', TotalLicenses: 5000, UsedLicenses: 0 });

  w.ensureProfile('System Administrator', 'SFDC', ALL_PERMS, adminAccess(), false);
  w.ensureProfile('Standard User', 'SFDC', STANDARD_USER_PERMS, { Account: CRUD, Contact: CRUD, Lead: CRUD, Case: CRUD }, false);
  w.ensureProfile('Standard Platform User', 'AUL', { PermissionsApiEnabled: true, PermissionsEditEvent: true, PermissionsEditTask: true }, { Account: CRUD, Contact: CRUD }, false);
  w.ensureProfile('Minimum Access - Salesforce', 'SFDC', {}, {}, false);

  // Setup objects are created "by" the first admin.
  const admin = w.createUser({ username: ADMIN_USERNAME, firstName: 'Alex', lastName: 'Admin', profile: 'System Administrator' });
  org.as(admin.Id, () => {
    for (const u of org.records('User')) org.update('User', u.Id, { CreatedById: admin.Id, LastModifiedById: admin.Id });
    w.createUser({ username: OPS_ADMIN_USERNAME, firstName: 'Olivia', lastName: 'Ops', profile: 'System Administrator' });
    w.createUser({ username: 'jane.doe@acme.example', firstName: 'Jane', lastName: 'Doe', profile: 'Standard User' });
    w.createUser({ username: 'sam.sales@acme.example', firstName: 'Sam', lastName: 'Sales', profile: 'Standard User' });
    w.createUser({ username: 'pat.platform@acme.example', firstName: 'Pat', lastName: 'Platform', profile: 'Standard Platform User' });
    w.createUser({ username: 'former.employee@acme.example', firstName: 'Former', lastName: 'Employee', profile: 'Standard User', active: false });
    const autoproc = w.createUser({ username: `autoproc@${org.orgId.slice(0, 15).toLowerCase()}`, lastName: 'Automated Process', profile: null });
    org.update('User', autoproc.Id, { UserType: 'AutomatedProcess', Alias: 'autoproc' });

    // A permission set group and a couple of ordinary permission sets, as most orgs have.
    const marketing = org.insert('PermissionSet', { Name: 'Marketing_Tools', Label: 'Marketing Tools', IsOwnedByProfile: false, IsCustom: true, Type: 'Regular', PermissionsRunReports: true });
    w.createGroup('Sales Operations', [marketing]);
    org.insert('PermissionSet', {
      Name: 'Platform_Reporting',
      Label: 'Platform Reporting',
      IsOwnedByProfile: false,
      IsCustom: true,
      Type: 'Regular',
      LicenseId: w.license('AUL').Id,
      PermissionsRunReports: true,
    });
    w.assign(org.requireUser('sam.sales@acme.example'), marketing);

    // Standard page layouts and their profile assignments.
    w.createLayout('Account', 'Account Layout', simpleLayout(['Name', 'ParentId', 'AccountNumber', 'Type', 'Industry', 'Phone', 'Website', 'OwnerId'], ['RelatedContactList']));
    w.createLayout('Contact', 'Contact Layout', simpleLayout(['FirstName', 'LastName', 'AccountId', 'Title', 'Email', 'Phone', 'OwnerId']));
    w.createLayout('Lead', 'Lead Layout', simpleLayout(['FirstName', 'LastName', 'Company', 'Title', 'Email', 'Phone', 'Status', 'LeadSource', 'OwnerId']));
    w.createLayout('Case', 'Case Layout', simpleLayout(['CaseNumber', 'Status', 'Priority', 'Origin', 'Subject', 'ContactId', 'AccountId', 'OwnerId']));
    w.createLayout('Event', 'Event Layout', eventLayout());

    sampleData(w);
  });
  return w;
}

function sampleData(w: OrgWriter): void {
  const { org } = w;
  const acme = org.insert('Account', { Name: 'Globex Inc.', Industry: 'Manufacturing', Type: 'Customer - Direct', Phone: '+1 415 555 0100' });
  const initech = org.insert('Account', { Name: 'Initech', Industry: 'Technology', Type: 'Prospect' });
  const hank = org.insert('Contact', { FirstName: 'Hank', LastName: 'Scorpio', Email: 'hank@globex.example', AccountId: acme.Id });
  org.insert('Contact', { FirstName: 'Bill', LastName: 'Lumbergh', Email: 'bill@initech.example', AccountId: initech.Id });
  const lead = org.insert('Lead', { FirstName: 'Peter', LastName: 'Gibbons', Company: 'Initrode', Email: 'peter@initrode.example', LeadSource: 'Web' });
  org.insert('Lead', { LastName: 'Bolton', Company: 'Initech', Status: 'Working - Contacted' });
  org.insert('Case', { Subject: 'Stapler missing', Origin: 'Web', ContactId: hank.Id, AccountId: acme.Id });
  org.insert('Event', { Subject: 'Discovery call', StartDateTime: '2025-01-20T16:00:00.000+0000', EndDateTime: '2025-01-20T16:30:00.000+0000', DurationInMinutes: 30, WhoId: lead.Id });
  org.insert('Event', { Subject: 'Quarterly review', StartDateTime: '2025-02-03T18:00:00.000+0000', EndDateTime: '2025-02-03T19:00:00.000+0000', DurationInMinutes: 60, WhoId: hank.Id, WhatId: acme.Id });
}
