/**
 * The standard (and Tooling) sObjects the emulator knows, with describe-level detail.
 * Scenario builders clone this schema and add custom/package fields to their own copy.
 */
import {
  auditFields,
  bool,
  field,
  FieldDef,
  idField,
  picklist,
  readOnly,
  ref,
  Schema,
  SObjectType,
  str,
  type Permission,
} from './schema.js';

/** `Permissions*` booleans carried by Profile and PermissionSet (the same columns on both). */
export const PERMISSION_FIELDS = [
  'PermissionsApiEnabled',
  'PermissionsModifyAllData',
  'PermissionsViewAllData',
  'PermissionsViewSetup',
  'PermissionsCustomizeApplication',
  'PermissionsModifyMetadata',
  'PermissionsManageUsers',
  'PermissionsAssignPermissionSets',
  'PermissionsManageProfilesPermissionsets',
  'PermissionsEditEvent',
  'PermissionsEditTask',
  'PermissionsViewAllUsers',
  'PermissionsAuthorApex',
  'PermissionsConvertLeads',
  'PermissionsRunReports',
  'PermissionsViewRoles',
  'PermissionsLightningExperienceUser',
] as const satisfies readonly Permission[];

export type PermissionName = (typeof PERMISSION_FIELDS)[number];

const SETUP_VIEWERS: Permission[] = ['PermissionsViewSetup', 'PermissionsModifyAllData'];
const PERMSET_VIEWERS: Permission[] = [
  'PermissionsViewSetup',
  'PermissionsAssignPermissionSets',
  'PermissionsManageUsers',
  'PermissionsModifyAllData',
];

/** Objects the API reads but never creates, updates or deletes. */
const NO_DML = { createable: false, updateable: false, deletable: false };

/** Tooling-only setup metadata (Layout, ValidationRule): Setup viewers read it, Customize Application updates it. */
const SETUP_METADATA = {
  rest: false,
  tooling: true,
  createable: false,
  deletable: false,
  visibleWith: SETUP_VIEWERS,
  writeRequires: ['PermissionsCustomizeApplication'] as Permission[],
};

/** Their ManageableState, and the FullName/Metadata a Tooling query returns only when it selects a single row. */
function setupMetadataFields(manageableState: Partial<FieldDef> = {}): FieldDef[] {
  return [
    readOnly(picklist('ManageableState', ['unmanaged', 'installed', 'released', 'beta', 'deleted', 'deprecated'], manageableState)),
    str('FullName', 255, { label: 'Full Name', singleRowOnly: true, filterable: false }),
    field('Metadata', 'complexvalue', { singleRowOnly: true, filterable: false }),
  ];
}

const OBJECT_PERMISSION_FIELDS = [
  'PermissionsCreate',
  'PermissionsRead',
  'PermissionsEdit',
  'PermissionsDelete',
  'PermissionsViewAllRecords',
  'PermissionsModifyAllRecords',
];

function permissionFields(): FieldDef[] {
  return PERMISSION_FIELDS.map((p) => bool(p, { label: p.replace(/^Permissions/, '').replace(/([a-z])([A-Z])/g, '$1 $2') }));
}

const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'];
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const INDUSTRIES = ['Agriculture', 'Banking', 'Consulting', 'Education', 'Healthcare', 'Manufacturing', 'Retail', 'Technology', 'Other'];
const TIMEZONES = ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Paris', 'Asia/Tokyo', 'GMT'];
const LOCALES = ['en_US', 'en_GB', 'fr_FR', 'de_DE', 'ja_JP'];

function name(options: Partial<FieldDef> = {}): FieldDef {
  return str('Name', 255, { nillable: false, nameField: true, ...options });
}

function address(prefix: string): FieldDef[] {
  return [
    field(`${prefix}Street`, 'textarea', { label: `${prefix} Street` }),
    str(`${prefix}City`, 40, { label: `${prefix} City` }),
    str(`${prefix}State`, 80, { label: `${prefix} State/Province` }),
    str(`${prefix}PostalCode`, 20, { label: `${prefix} Zip/Postal Code` }),
    str(`${prefix}Country`, 80, { label: `${prefix} Country` }),
  ];
}

function owner(referenceTo: string[] = ['User']): FieldDef {
  return ref('OwnerId', referenceTo, 'Owner', { label: 'Owner ID', nillable: false, defaultedOnCreate: true });
}

function organization(): SObjectType {
  return new SObjectType(
    'Organization',
    [
      idField(),
      name({ label: 'Name', length: 80 }),
      readOnly(str('InstanceName', 5, { label: 'Instance Name' })),
      readOnly(bool('IsSandbox', { label: 'Is Sandbox' })),
      readOnly(
        picklist(
          'OrganizationType',
          [
            'Team Edition',
            'Professional Edition',
            'Enterprise Edition',
            'Developer Edition',
            'Personal Edition',
            'Unlimited Edition',
            'Contact Manager Edition',
            'Base Edition',
          ],
          { label: 'Edition' }
        )
      ),
      readOnly(field('TrialExpirationDate', 'datetime', { label: 'Trial Expiration Date' })),
      readOnly(str('NamespacePrefix', 15, { label: 'Namespace Prefix' })),
      picklist('LanguageLocaleKey', LOCALES, { label: 'Language', nillable: false }),
      picklist('DefaultLocaleSidKey', LOCALES, { label: 'Locale', nillable: false }),
      picklist('TimeZoneSidKey', TIMEZONES, { label: 'Time Zone', nillable: false }),
      str('Country', 80),
      str('Division', 80),
      readOnly(bool('IsReadOnly', { label: 'Is Read Only' })),
      str('PrimaryContact', 80, { label: 'Primary Contact' }),
      ...auditFields(),
    ],
    { keyPrefix: '00D', createable: false, deletable: false, labelPlural: 'Organizations' }
  );
}

function userLicense(): SObjectType {
  return new SObjectType(
    'UserLicense',
    [
      idField(),
      readOnly(str('Name', 40, { nameField: true, nillable: false })),
      readOnly(str('MasterLabel', 40, { label: 'Master Label' })),
      readOnly(str('LicenseDefinitionKey', 40, { label: 'License Definition Key' })),
      readOnly(picklist('Status', ['Active', 'Disabled'], { nillable: false })),
      readOnly(field('TotalLicenses', 'int', { label: 'Total Licenses', nillable: false })),
      readOnly(field('UsedLicenses', 'int', { label: 'Used Licenses', nillable: false })),
      ...auditFields(),
    ],
    { keyPrefix: '100', label: 'User License', ...NO_DML }
  );
}

function profile(): SObjectType {
  return new SObjectType(
    'Profile',
    [
      idField(),
      name({ length: 255 }),
      ref('UserLicenseId', 'UserLicense', 'UserLicense', { label: 'User License ID', nillable: false }),
      readOnly(picklist('UserType', ['Standard', 'PowerPartner', 'CspLitePortal', 'Guest', 'AutomatedProcess'], { label: 'User Type' })),
      field('Description', 'textarea', { length: 255 }),
      ...permissionFields(),
      ...auditFields(),
    ],
    { keyPrefix: '00e', tooling: true, createable: false, deletable: false }
  );
}

function user(): SObjectType {
  return new SObjectType(
    'User',
    [
      idField(),
      str('Username', 80, { nillable: false, unique: true }),
      readOnly(str('Name', 121, { nameField: true, nillable: false, label: 'Full Name' })),
      str('FirstName', 40, { label: 'First Name' }),
      str('LastName', 80, { label: 'Last Name', nillable: false }),
      field('Email', 'email', { nillable: false, length: 128 }),
      str('Alias', 8, { nillable: false }),
      str('CommunityNickname', 40, { label: 'Nickname' }),
      str('Title', 80),
      str('Department', 80),
      bool('IsActive', { label: 'Active', defaultValue: true }),
      ref('ProfileId', 'Profile', 'Profile', { label: 'Profile ID', nillable: false }),
      ref('UserRoleId', 'UserRole', 'UserRole', { label: 'Role ID' }),
      ref('ManagerId', 'User', 'Manager', { label: 'Manager ID' }),
      readOnly(
        picklist('UserType', ['Standard', 'PowerPartner', 'PowerCustomerSuccess', 'CustomerSuccess', 'CspLitePortal', 'CsnOnly', 'Guest', 'AutomatedProcess'], {
          label: 'User Type',
        })
      ),
      picklist('TimeZoneSidKey', TIMEZONES, { label: 'Time Zone', nillable: false }),
      picklist('LocaleSidKey', LOCALES, { label: 'Locale', nillable: false }),
      picklist('LanguageLocaleKey', LOCALES, { label: 'Language', nillable: false }),
      picklist('EmailEncodingKey', ['UTF-8', 'ISO-8859-1'], { label: 'Email Encoding', nillable: false }),
      readOnly(field('LastLoginDate', 'datetime', { label: 'Last Login' })),
      bool('UserPermissionsMarketingUser', { label: 'Marketing User' }),
      ...auditFields(),
    ],
    { keyPrefix: '005', tooling: true, deletable: false }
  );
}

function userRole(): SObjectType {
  return new SObjectType(
    'UserRole',
    [idField(), name({ length: 80 }), str('DeveloperName', 80, { nillable: false }), ref('ParentRoleId', 'UserRole', null), ...auditFields()],
    { keyPrefix: '00E', label: 'Role' }
  );
}

function permissionSet(): SObjectType {
  return new SObjectType(
    'PermissionSet',
    [
      idField(),
      str('Name', 80, { nillable: false, label: 'Name' }),
      str('Label', 80, { nillable: false, nameField: true }),
      readOnly(str('NamespacePrefix', 15, { label: 'Namespace Prefix' })),
      field('Description', 'textarea', { length: 255 }),
      readOnly(bool('IsOwnedByProfile', { label: 'Is Owned By Profile' })),
      readOnly(bool('IsCustom', { label: 'Is Custom' })),
      readOnly(ref('ProfileId', 'Profile', 'Profile', { label: 'Profile ID' })),
      // Polymorphic: a UserLicense (100) or a PermissionSetLicense (0PL).
      ref('LicenseId', ['UserLicense', 'PermissionSetLicense'], 'License', { label: 'License ID' }),
      readOnly(ref('PermissionSetGroupId', 'PermissionSetGroup', 'PermissionSetGroup', { label: 'Permission Set Group ID' })),
      readOnly(picklist('Type', ['Regular', 'Standard', 'Session', 'Group', 'Profile'], {})),
      bool('HasActivationRequired', { label: 'Session Activation Required' }),
      ...permissionFields(),
      ...auditFields(),
    ],
    { keyPrefix: '0PS', label: 'Permission Set', tooling: true, visibleWith: PERMSET_VIEWERS }
  );
}

function permissionSetLicense(): SObjectType {
  return new SObjectType(
    'PermissionSetLicense',
    [
      idField(),
      readOnly(str('DeveloperName', 80, { nillable: false })),
      readOnly(str('MasterLabel', 80, { nillable: false, nameField: true })),
      readOnly(picklist('Status', ['Active', 'Disabled'])),
      readOnly(field('TotalLicenses', 'int')),
      readOnly(field('UsedLicenses', 'int')),
      ...auditFields(),
    ],
    { keyPrefix: '0PL', label: 'Permission Set License', ...NO_DML }
  );
}

function permissionSetGroup(): SObjectType {
  return new SObjectType(
    'PermissionSetGroup',
    [
      idField(),
      str('DeveloperName', 80, { nillable: false }),
      str('MasterLabel', 80, { nillable: false, nameField: true }),
      readOnly(str('NamespacePrefix', 15)),
      field('Description', 'textarea', { length: 255 }),
      readOnly(picklist('Status', ['Updated', 'Outdated', 'Updating', 'Failed'])),
      ...auditFields(),
    ],
    { keyPrefix: '0PG', label: 'Permission Set Group', visibleWith: PERMSET_VIEWERS }
  );
}

function permissionSetAssignment(): SObjectType {
  return new SObjectType(
    'PermissionSetAssignment',
    [
      idField(),
      ref('AssigneeId', 'User', 'Assignee', {
        label: 'Assignee ID',
        nillable: false,
        updateable: false,
        childRelationshipName: 'PermissionSetAssignments',
      }),
      ref('PermissionSetId', 'PermissionSet', 'PermissionSet', {
        label: 'Permission Set ID',
        nillable: false,
        updateable: false,
        // Given implicitly when a PermissionSetGroupId is inserted.
        defaultedOnCreate: true,
        childRelationshipName: 'Assignments',
      }),
      ref('PermissionSetGroupId', 'PermissionSetGroup', 'PermissionSetGroup', { label: 'Permission Set Group ID', updateable: false }),
      readOnly(bool('IsActive', { label: 'Is Active', defaultValue: true })),
      field('ExpirationDate', 'datetime', { label: 'Expiration Date' }),
      readOnly(bool('IsRevoked', { label: 'Is Revoked' })),
      field('SystemModstamp', 'datetime', { label: 'Date Assigned', nillable: false, createable: false, updateable: false, defaultedOnCreate: true }),
    ],
    {
      keyPrefix: '0Pa',
      label: 'Permission Set Assignment',
      visibleWith: PERMSET_VIEWERS,
      writeRequires: ['PermissionsAssignPermissionSets', 'PermissionsManageUsers'],
    }
  );
}

function permissionSetGroupComponent(): SObjectType {
  return new SObjectType(
    'PermissionSetGroupComponent',
    [
      idField(),
      ref('PermissionSetGroupId', 'PermissionSetGroup', 'PermissionSetGroup', {
        label: 'Permission Set Group ID',
        nillable: false,
        updateable: false,
        childRelationshipName: 'PermissionSetGroupComponents',
      }),
      ref('PermissionSetId', 'PermissionSet', 'PermissionSet', { label: 'Permission Set ID', nillable: false, updateable: false }),
      ...auditFields(),
    ],
    { keyPrefix: '0PC', label: 'Permission Set Group Component', visibleWith: PERMSET_VIEWERS, ...NO_DML }
  );
}

/**
 * One row per user: `IsFrozen` is the only way to tell a frozen user (User.IsActive stays true). Readable only with
 * Manage Users (Salesforce object reference, UserLogin: "To access this object, you need the UserPermissions.ManageUsers
 * permission").
 */
function userLogin(): SObjectType {
  return new SObjectType(
    'UserLogin',
    [
      idField(),
      readOnly(ref('UserId', 'User', 'User', { label: 'User ID' })),
      bool('IsFrozen', { label: 'Is Frozen' }),
      bool('IsPasswordLocked', { label: 'Is Password Locked' }),
      ...auditFields(),
    ],
    { keyPrefix: '060', label: 'User Login', visibleWith: ['PermissionsManageUsers'], createable: false, deletable: false }
  );
}

/** The running user's effective `Permissions*` (profile, permission sets and groups): one row, computed. */
function userPermissionAccess(): SObjectType {
  return new SObjectType('UserPermissionAccess', [readOnly(idField()), ...permissionFields().map(readOnly)], {
    label: 'User Permission Access',
    ...NO_DML,
    virtual: true,
  });
}

/** Effective object access per user and object (`DurableId` = `<object>.<userId>`), computed. */
function userEntityAccess(): SObjectType {
  return new SObjectType(
    'UserEntityAccess',
    [
      readOnly(idField()),
      readOnly(str('DurableId', 255, { label: 'Durable ID' })),
      readOnly(ref('UserId', 'User', 'User', { label: 'User ID' })),
      readOnly(ref('EntityDefinitionId', 'EntityDefinition', 'EntityDefinition', { referenceKey: 'DurableId' })),
      ...['IsReadable', 'IsCreatable', 'IsEditable', 'IsDeletable', 'IsUpdatable'].map((f) => readOnly(bool(f))),
    ],
    { label: 'User Entity Access', ...NO_DML, virtual: true }
  );
}

function objectPermissions(): SObjectType {
  return new SObjectType(
    'ObjectPermissions',
    [
      idField(),
      ref('ParentId', 'PermissionSet', 'Parent', { label: 'Parent ID', nillable: false, updateable: false, childRelationshipName: 'ObjectPerms' }),
      picklist('SobjectType', ['Account', 'Contact', 'Lead', 'Case', 'Event', 'Opportunity'], { label: 'Sobject Type Name', nillable: false, updateable: false }),
      ...OBJECT_PERMISSION_FIELDS.map((p) => bool(p)),
      ...auditFields(),
    ],
    { keyPrefix: '110', label: 'Object Permissions', labelPlural: 'Object Permissions', visibleWith: PERMSET_VIEWERS }
  );
}

function fieldPermissions(): SObjectType {
  return new SObjectType(
    'FieldPermissions',
    [
      idField(),
      ref('ParentId', 'PermissionSet', 'Parent', { label: 'Parent ID', nillable: false, updateable: false, childRelationshipName: 'FieldPerms' }),
      str('SobjectType', 255, { label: 'Sobject Type Name', nillable: false, updateable: false }),
      str('Field', 255, { label: 'Field Name', nillable: false, updateable: false }),
      bool('PermissionsRead', { label: 'Read Access' }),
      bool('PermissionsEdit', { label: 'Edit Access' }),
      ...auditFields(),
    ],
    { keyPrefix: '01k', label: 'Field Permissions', labelPlural: 'Field Permissions', visibleWith: PERMSET_VIEWERS }
  );
}

function account(): SObjectType {
  return new SObjectType(
    'Account',
    [
      idField(),
      readOnly(bool('IsDeleted', { label: 'Deleted' })),
      name({ label: 'Account Name' }),
      picklist('Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'], { label: 'Account Type' }),
      ref('ParentId', 'Account', 'Parent', { label: 'Parent Account ID', childRelationshipName: 'ChildAccounts' }),
      ...address('Billing'),
      ...address('Shipping'),
      field('Phone', 'phone', { label: 'Account Phone' }),
      field('Fax', 'phone', { label: 'Account Fax' }),
      str('AccountNumber', 40, { label: 'Account Number' }),
      field('Website', 'url'),
      picklist('Industry', INDUSTRIES),
      field('AnnualRevenue', 'currency', { label: 'Annual Revenue' }),
      field('NumberOfEmployees', 'int', { label: 'Employees' }),
      field('Description', 'textarea', { length: 32000, label: 'Account Description' }),
      picklist('Rating', ['Hot', 'Warm', 'Cold'], { label: 'Account Rating' }),
      picklist('AccountSource', LEAD_SOURCES, { label: 'Account Source' }),
      owner(),
      ...auditFields(),
    ],
    { keyPrefix: '001', layoutable: true }
  );
}

function contact(): SObjectType {
  return new SObjectType(
    'Contact',
    [
      idField(),
      readOnly(bool('IsDeleted', { label: 'Deleted' })),
      ref('AccountId', 'Account', 'Account', { label: 'Account ID', childRelationshipName: 'Contacts' }),
      str('LastName', 80, { label: 'Last Name', nillable: false }),
      str('FirstName', 40, { label: 'First Name' }),
      picklist('Salutation', SALUTATIONS),
      readOnly(str('Name', 121, { label: 'Full Name', nameField: true, nillable: false })),
      ...address('Mailing'),
      field('Phone', 'phone', { label: 'Business Phone' }),
      field('MobilePhone', 'phone', { label: 'Mobile Phone' }),
      field('Email', 'email'),
      str('Title', 128),
      str('Department', 80),
      picklist('LeadSource', LEAD_SOURCES, { label: 'Lead Source' }),
      field('Birthdate', 'date'),
      field('Description', 'textarea', { length: 32000, label: 'Contact Description' }),
      owner(),
      ...auditFields(),
    ],
    { keyPrefix: '003', layoutable: true }
  );
}

function lead(): SObjectType {
  return new SObjectType(
    'Lead',
    [
      idField(),
      readOnly(bool('IsDeleted', { label: 'Deleted' })),
      str('LastName', 80, { label: 'Last Name', nillable: false }),
      str('FirstName', 40, { label: 'First Name' }),
      picklist('Salutation', SALUTATIONS),
      readOnly(str('Name', 121, { label: 'Full Name', nameField: true, nillable: false })),
      str('Title', 128),
      str('Company', 255, { nillable: false }),
      ...address(''),
      field('Phone', 'phone'),
      field('MobilePhone', 'phone', { label: 'Mobile Phone' }),
      field('Email', 'email'),
      field('Website', 'url'),
      field('Description', 'textarea', { length: 32000 }),
      picklist('LeadSource', LEAD_SOURCES, { label: 'Lead Source' }),
      picklist('Status', ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], {
        label: 'Lead Status',
        nillable: false,
        defaultTo: 'Open - Not Contacted',
      }),
      picklist('Industry', INDUSTRIES),
      picklist('Rating', ['Hot', 'Warm', 'Cold']),
      field('AnnualRevenue', 'currency', { label: 'Annual Revenue' }),
      field('NumberOfEmployees', 'int', { label: 'Employees' }),
      owner(['Group', 'User']),
      readOnly(bool('IsConverted', { label: 'Converted' })),
      readOnly(ref('ConvertedAccountId', 'Account', 'ConvertedAccount', { label: 'Converted Account ID' })),
      readOnly(ref('ConvertedContactId', 'Contact', 'ConvertedContact', { label: 'Converted Contact ID' })),
      ...auditFields(),
    ],
    { keyPrefix: '00Q', layoutable: true }
  );
}

function caseObject(): SObjectType {
  return new SObjectType(
    'Case',
    [
      idField(),
      readOnly(bool('IsDeleted', { label: 'Deleted' })),
      readOnly(str('CaseNumber', 30, { label: 'Case Number', nameField: true, nillable: false, autoNumber: true, defaultedOnCreate: true })),
      ref('ContactId', 'Contact', 'Contact', { label: 'Contact ID', childRelationshipName: 'Cases' }),
      ref('AccountId', 'Account', 'Account', { label: 'Account ID', childRelationshipName: 'Cases' }),
      str('SuppliedName', 80, { label: 'Web Name' }),
      field('SuppliedEmail', 'email', { label: 'Web Email' }),
      str('SuppliedPhone', 40, { label: 'Web Phone' }),
      picklist('Type', ['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other'], { label: 'Case Type' }),
      picklist('Status', ['New', 'Working', 'Escalated', 'Closed'], { defaultTo: 'New' }),
      picklist('Reason', ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Feedback', 'Other'], { label: 'Case Reason' }),
      picklist('Origin', ['Phone', 'Email', 'Web'], { label: 'Case Origin' }),
      str('Subject', 255),
      picklist('Priority', ['High', 'Medium', 'Low'], { defaultTo: 'Medium' }),
      field('Description', 'textarea', { length: 32000 }),
      readOnly(bool('IsClosed', { label: 'Closed' })),
      bool('IsEscalated', { label: 'Escalated' }),
      owner(['Group', 'User']),
      ...auditFields(),
    ],
    { keyPrefix: '500', layoutable: true }
  );
}

function event(): SObjectType {
  return new SObjectType(
    'Event',
    [
      idField(),
      ref('WhoId', ['Contact', 'Lead'], 'Who', { label: 'Name ID' }),
      ref('WhatId', ['Account', 'Case'], 'What', { label: 'Related To ID' }),
      field('Subject', 'combobox', {
        picklistValues: ['Call', 'Email', 'Meeting', 'Send Letter/Quote', 'Other'].map((v) => ({ value: v, label: v, active: true, defaultValue: false })),
      }),
      str('Location', 255),
      bool('IsAllDayEvent', { label: 'All-Day Event' }),
      field('ActivityDateTime', 'datetime', { label: 'Due Date Time' }),
      field('ActivityDate', 'date', { label: 'Due Date Only' }),
      field('StartDateTime', 'datetime', { label: 'Start Date Time' }),
      field('EndDateTime', 'datetime', { label: 'End Date Time' }),
      field('DurationInMinutes', 'int', { label: 'Duration' }),
      field('Description', 'textarea', { length: 32000 }),
      picklist('ShowAs', ['Busy', 'OutOfOffice', 'Free', 'WorkingElsewhere'], { label: 'Show Time As', defaultTo: 'Busy' }),
      picklist('Type', ['Call', 'Email', 'Meeting', 'Other']),
      bool('IsPrivate', { label: 'Private' }),
      readOnly(bool('IsRecurrence', { label: 'Create Recurring Series of Events' })),
      owner(['Calendar', 'User']),
      ...auditFields(),
    ],
    { keyPrefix: '00U', layoutable: true }
  );
}

function recordType(): SObjectType {
  return new SObjectType(
    'RecordType',
    [
      idField(),
      str('Name', 80, { nillable: false, nameField: true, label: 'Record Type Name' }),
      str('DeveloperName', 80, { nillable: false, label: 'Record Type Name' }),
      readOnly(str('NamespacePrefix', 15)),
      str('Description', 255),
      picklist('SobjectType', ['Account', 'Contact', 'Lead', 'Case', 'Event'], { nillable: false, updateable: false }),
      bool('IsActive', { label: 'Active' }),
      readOnly(bool('IsPersonType', { label: 'Is Person Type' })),
      ...auditFields(),
    ],
    { keyPrefix: '012', label: 'Record Type', tooling: true }
  );
}

function duplicateRule(): SObjectType {
  return new SObjectType(
    'DuplicateRule',
    [
      idField(),
      readOnly(str('DeveloperName', 80, { nillable: false })),
      readOnly(str('MasterLabel', 80, { nillable: false, nameField: true, label: 'Rule Name' })),
      readOnly(str('NamespacePrefix', 15)),
      readOnly(picklist('SobjectType', ['Account', 'Contact', 'Lead', 'Case'], { nillable: false })),
      readOnly(str('SobjectSubtype', 40)),
      readOnly(bool('IsActive', { label: 'Active' })),
      readOnly(field('SortOrder', 'int')),
      ...auditFields(),
    ],
    { keyPrefix: '0Bm', label: 'Duplicate Rule', ...NO_DML }
  );
}

function assignmentRule(): SObjectType {
  return new SObjectType(
    'AssignmentRule',
    [
      idField(),
      readOnly(str('Name', 120, { nillable: false, nameField: true, label: 'Rule Name' })),
      readOnly(picklist('SobjectType', ['Lead', 'Case'], { nillable: false })),
      readOnly(bool('Active')),
      ...auditFields(),
    ],
    { keyPrefix: '01Q', label: 'Assignment Rule', ...NO_DML }
  );
}

function packageLicense(): SObjectType {
  return new SObjectType(
    'PackageLicense',
    [
      idField(),
      readOnly(str('NamespacePrefix', 15, { nillable: false, nameField: true })),
      readOnly(picklist('Status', ['Active', 'Trial', 'Expired', 'Free'])),
      readOnly(bool('IsProvisioned')),
      readOnly(field('AllowedLicenses', 'int')),
      readOnly(field('UsedLicenses', 'int')),
      readOnly(field('ExpirationDate', 'datetime')),
      ...auditFields(),
    ],
    { keyPrefix: '050', label: 'Package License', ...NO_DML, visibleWith: SETUP_VIEWERS }
  );
}

// ---------------------------------------------------------------------------------------------
// Tooling API objects

function layout(): SObjectType {
  return new SObjectType(
    'Layout',
    [
      idField(),
      str('Name', 255, { nillable: false, nameField: true }),
      readOnly(str('TableEnumOrId', 40, { label: 'Entity Name' })),
      readOnly(ref('EntityDefinitionId', 'EntityDefinition', 'EntityDefinition', { referenceKey: 'DurableId', label: 'Entity Definition ID' })),
      readOnly(str('NamespacePrefix', 15)),
      readOnly(picklist('LayoutType', ['Standard', 'ProcessDefinition', 'GlobalQuickActionList'], { label: 'Layout Type' })),
      ...setupMetadataFields({ label: 'Manageable State' }),
      ...auditFields(),
    ],
    { keyPrefix: '00h', ...SETUP_METADATA }
  );
}

function profileLayout(): SObjectType {
  return new SObjectType(
    'ProfileLayout',
    [
      idField(),
      readOnly(ref('LayoutId', 'Layout', 'Layout', { label: 'Layout ID' })),
      readOnly(ref('ProfileId', 'Profile', 'Profile', { label: 'Profile ID' })),
      readOnly(ref('RecordTypeId', 'RecordType', 'RecordType', { label: 'Record Type ID' })),
      readOnly(str('TableEnumOrId', 40, { label: 'Entity Name' })),
      ...auditFields(),
    ],
    { keyPrefix: '01G', label: 'Profile Layout', rest: false, tooling: true, ...NO_DML, visibleWith: SETUP_VIEWERS }
  );
}

function validationRule(): SObjectType {
  return new SObjectType(
    'ValidationRule',
    [
      idField(),
      str('ValidationName', 40, { label: 'Rule Name', nillable: false, nameField: true }),
      bool('Active'),
      field('Description', 'textarea', { length: 255 }),
      readOnly(ref('EntityDefinitionId', 'EntityDefinition', 'EntityDefinition', { referenceKey: 'DurableId', label: 'Entity Definition ID' })),
      str('ErrorDisplayField', 255, { label: 'Error Location' }),
      str('ErrorMessage', 255, { label: 'Error Message', nillable: false }),
      readOnly(str('NamespacePrefix', 15)),
      ...setupMetadataFields(),
      ...auditFields(),
    ],
    { keyPrefix: '03d', label: 'Validation Rule', ...SETUP_METADATA }
  );
}

function installedSubscriberPackage(): SObjectType {
  return new SObjectType(
    'InstalledSubscriberPackage',
    [
      idField(),
      readOnly(ref('SubscriberPackageId', 'SubscriberPackage', 'SubscriberPackage', { label: 'Subscriber Package ID' })),
      readOnly(ref('SubscriberPackageVersionId', 'SubscriberPackageVersion', 'SubscriberPackageVersion', { label: 'Subscriber Package Version ID' })),
      readOnly(ref('MinPackageVersionId', 'SubscriberPackageVersion', 'MinPackageVersion', { label: 'Min Package Version ID' })),
    ],
    {
      keyPrefix: '0A3',
      label: 'Installed Subscriber Package',
      rest: false,
      tooling: true,
      ...NO_DML,
      visibleWith: SETUP_VIEWERS,
    }
  );
}

function subscriberPackage(): SObjectType {
  return new SObjectType(
    'SubscriberPackage',
    [
      idField(),
      readOnly(str('Name', 255, { nameField: true })),
      readOnly(str('NamespacePrefix', 15)),
      readOnly(field('Description', 'textarea')),
      readOnly(bool('IsPackageValid')),
    ],
    {
      keyPrefix: '033',
      label: 'Subscriber Package',
      rest: false,
      tooling: true,
      ...NO_DML,
      requiresFilter: ['Id'],
    }
  );
}

function subscriberPackageVersion(): SObjectType {
  return new SObjectType(
    'SubscriberPackageVersion',
    [
      idField(),
      readOnly(str('Name', 255, { nameField: true })),
      readOnly(ref('SubscriberPackageId', 'SubscriberPackage', 'SubscriberPackage')),
      readOnly(field('MajorVersion', 'int')),
      readOnly(field('MinorVersion', 'int')),
      readOnly(field('PatchVersion', 'int')),
      readOnly(field('BuildNumber', 'int')),
      readOnly(bool('IsBeta')),
      readOnly(bool('IsManaged')),
      readOnly(bool('IsDeprecated')),
      readOnly(bool('IsSecurityReviewed')),
      readOnly(picklist('Package2ContainerOptions', ['Managed', 'Unlocked'])),
      readOnly(picklist('ReleaseState', ['Released', 'Beta'])),
      readOnly(str('InstallValidationStatus', 40)),
      readOnly(str('PublisherName', 255)),
    ],
    {
      keyPrefix: '04t',
      label: 'Subscriber Package Version',
      rest: false,
      tooling: true,
      ...NO_DML,
      requiresFilter: ['Id'],
    }
  );
}

function entityDefinition(): SObjectType {
  return new SObjectType(
    'EntityDefinition',
    [
      readOnly(idField()),
      readOnly(str('DurableId', 255, { label: 'Durable ID' })),
      readOnly(str('QualifiedApiName', 255, { label: 'Qualified API Name' })),
      readOnly(str('DeveloperName', 40, { label: 'Developer Name' })),
      readOnly(str('MasterLabel', 255, { nameField: true })),
      readOnly(str('Label', 255)),
      readOnly(str('PluralLabel', 255)),
      readOnly(str('KeyPrefix', 3)),
      readOnly(str('NamespacePrefix', 15)),
      readOnly(bool('IsCustomizable')),
      readOnly(bool('IsQueryable')),
      readOnly(bool('IsLayoutable')),
      readOnly(bool('IsCustomSetting')),
    ],
    { label: 'Entity Definition', tooling: true, ...NO_DML, ignoresLimit: true, virtual: true }
  );
}

function fieldDefinition(): SObjectType {
  return new SObjectType(
    'FieldDefinition',
    [
      readOnly(idField()),
      readOnly(str('DurableId', 255, { label: 'Durable ID' })),
      readOnly(str('QualifiedApiName', 255)),
      readOnly(str('DeveloperName', 40)),
      readOnly(str('Label', 255, { nameField: true })),
      readOnly(str('DataType', 255)),
      readOnly(str('NamespacePrefix', 15)),
      readOnly(ref('EntityDefinitionId', 'EntityDefinition', 'EntityDefinition', { referenceKey: 'DurableId' })),
      readOnly(bool('IsNillable')),
      readOnly(bool('IsCalculated')),
      readOnly(field('Length', 'int')),
    ],
    {
      label: 'Field Definition',
      tooling: true,
      ...NO_DML,
      ignoresLimit: true,
      virtual: true,
      requiresFilter: ['EntityDefinitionId', 'DurableId'],
    }
  );
}

function entityParticle(): SObjectType {
  return new SObjectType(
    'EntityParticle',
    [
      readOnly(idField()),
      readOnly(str('DurableId', 255)),
      readOnly(str('QualifiedApiName', 255)),
      readOnly(str('DeveloperName', 40)),
      readOnly(str('Label', 255, { nameField: true })),
      readOnly(str('DataType', 255)),
      readOnly(str('ValueTypeId', 255)),
      readOnly(str('NamespacePrefix', 15)),
      readOnly(ref('EntityDefinitionId', 'EntityDefinition', 'EntityDefinition', { referenceKey: 'DurableId' })),
      readOnly(bool('IsCreatable')),
      readOnly(bool('IsUpdatable')),
      readOnly(bool('IsNillable')),
      readOnly(bool('IsDefaultedOnCreate')),
      readOnly(bool('IsCalculated')),
      readOnly(bool('IsAutonumber')),
      readOnly(str('DefaultValueFormula', 255)),
      readOnly(field('Length', 'int')),
    ],
    {
      label: 'Entity Particle',
      tooling: true,
      ...NO_DML,
      ignoresLimit: true,
      virtual: true,
      requiresFilter: ['EntityDefinitionId', 'DurableId'],
    }
  );
}

export function standardSchema(): Schema {
  return new Schema([
    organization(),
    userLicense(),
    profile(),
    user(),
    userRole(),
    permissionSet(),
    permissionSetLicense(),
    permissionSetGroup(),
    permissionSetAssignment(),
    permissionSetGroupComponent(),
    userLogin(),
    userPermissionAccess(),
    userEntityAccess(),
    objectPermissions(),
    fieldPermissions(),
    account(),
    contact(),
    lead(),
    caseObject(),
    event(),
    recordType(),
    duplicateRule(),
    assignmentRule(),
    packageLicense(),
    layout(),
    profileLayout(),
    validationRule(),
    installedSubscriberPackage(),
    subscriberPackage(),
    subscriberPackageVersion(),
    entityDefinition(),
    fieldDefinition(),
    entityParticle(),
  ]);
}
