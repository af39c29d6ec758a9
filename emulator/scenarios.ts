/**
 * Scenario builders: one realistic base org plus small, chainable modifiers.
 *
 *   const org = scenarios.base().withPackage().withPermsetAssigned().build();
 *
 * Builders apply each step immediately to their own org; `build()` hands it over.
 * API-user modifiers act on the scenario's API user (`admin@acme.example` unless `withApiUser()`
 * chose another); when they break the admin user itself, `meta.adminUsername` moves to
 * `ops.admin@acme.example` so tests still have someone who can log in and inspect.
 */
import { eventLayout, layoutItem, metadataLayoutFullName, salesEventLayout, simpleLayout, type LayoutMetadata } from './layouts.js';
import { IdFactory } from './ids.js';
import { defaultConfig, OrgModel, sfDateTime, type OrgConfig, type SRecord } from './model/org.js';
import { field, picklist, readOnly, str, type FieldDef } from './model/schema.js';
import { PERMISSION_FIELDS, standardSchema, type PermissionName } from './model/standard-objects.js';

export const NAMESPACE = 'ScheduleOnce';
export const PERMSET_NAME = 'ScheduleOnce_connector_for_Salesforce';
export const PERMSET_LABEL = 'OnceHub connector for Salesforce';
export const LEGACY_PERMSET_LABEL = 'ScheduleOnce connector for Salesforce';
export const PACKAGE_NAME = 'OnceHub connector for Salesforce';
export const EVENT_STATUS_FIELD = 'ScheduleOnce__Event_status__c';
export const CANCEL_REASON_FIELD = 'ScheduleOnce__Cancel_reschedule_reason__c';
export const PACKAGE_EVENT_FIELDS = [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD] as const;

export const ADMIN_USERNAME = 'admin@acme.example';
export const OPS_ADMIN_USERNAME = 'ops.admin@acme.example';
/** apiUserAdvancedSecureViaPermissionSet(): the minimal profile and the permission set that grants the rest. */
export const MINIMAL_PROFILE = 'OnceHub Minimal Access';
export const API_ACCESS_PERMSET_LABEL = 'OnceHub API Access';
/** withPermsetViaGroup(): the group's default label. */
export const ONCEHUB_GROUP_LABEL = 'OnceHub Users';
export const RECALCULATING_GROUP_LABEL = 'OnceHub Integration';
export const SESSION_PERMSET_LABEL = 'OnceHub API Access (session)';
export const MINIMAL_API_PROFILE = 'OnceHub Minimal API Access';
export const AUDITOR_USERNAME = 'auditor@acme.example';
export const AUDITOR_PROFILE = 'Setup Auditor';
/** A past `ExpirationDate` for the expired-assignment scenarios. */
export const EXPIRED_ON = '2025-01-01T00:00:00.000+0000';
export type GroupStatus = 'Updated' | 'Outdated' | 'Updating' | 'Failed';

/** Reproducible timestamps for everything the builders create. */
const BUILD_TIME = new Date('2025-01-15T09:30:00.000Z');

type Perms = Partial<Record<PermissionName, boolean>>;
type ObjectAccess = Record<string, { create?: boolean; read?: boolean; edit?: boolean; delete?: boolean; viewAll?: boolean; modifyAll?: boolean }>;

const ALL_PERMS: Perms = Object.fromEntries(PERMISSION_FIELDS.map((p) => [p, true]));
const CRUD = { create: true, read: true, edit: true, delete: true };
const FULL = { ...CRUD, viewAll: true, modifyAll: true };
const SALES_OBJECTS = ['Account', 'Contact', 'Lead', 'Case'] as const;
export type SalesObject = (typeof SALES_OBJECTS)[number];

const STANDARD_USER_PERMS: Perms = {
  PermissionsApiEnabled: true,
  PermissionsEditEvent: true,
  PermissionsEditTask: true,
  PermissionsConvertLeads: true,
  PermissionsRunReports: true,
  PermissionsLightningExperienceUser: true,
};

export interface BaseOptions {
  /** Sandbox: IsSandbox=true, TrialExpirationDate=null, instance CS-style. */
  sandbox?: boolean;
  /** Scratch org: IsSandbox=true with a TrialExpirationDate. */
  scratch?: boolean;
  /** OrganizationType (default `Enterprise Edition`). */
  edition?: string;
  orgName?: string;
  /** The two characters after the key prefix of every id (default `Dn`): two orgs in one test need different ids. */
  pod?: string;
}

export interface PackageOptions {
  /** `major.minor.patch.build` (default `2.14.0.1`). */
  version?: string;
  /** SubscriberPackage.Name (default `OnceHub connector for Salesforce`). */
  name?: string;
  /** Permission set label (default `OnceHub connector for Salesforce`). */
  permsetLabel?: string;
}

export interface UserOptions {
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** Profile name (default `Standard User`); null for system users like Automated Process. */
  profile?: string | null;
  active?: boolean;
}

export class OrgBuilder {
  private readonly org: OrgModel;
  private readonly globalIds = new IdFactory('Gl', 4200);
  private built = false;

  public constructor(options: BaseOptions = {}) {
    this.org = new OrgModel(
      standardSchema(),
      defaultConfig(),
      { apiUsername: ADMIN_USERNAME, adminUsername: ADMIN_USERNAME, steps: [] },
      new IdFactory(options.pod ?? 'Dn')
    );
    this.org.now = () => BUILD_TIME;
    this.createBase(options);
  }

  // ---- API user ---------------------------------------------------------------------------------

  /** Make `username` the scenario's API user (created as a System Administrator if missing). */
  public withApiUser(username: string, options: Omit<UserOptions, 'username'> = {}): this {
    return this.step(`withApiUser(${username})`, () => {
      if (!this.org.user(username)) this.createUser({ username, profile: 'System Administrator', firstName: 'API', lastName: 'Integration', ...options });
      this.org.meta.apiUsername = username;
    });
  }

  /** API user on a custom "Custom Admin" profile: every admin permission, but not System Administrator. */
  public apiUserOnCustomAdminProfile(username = this.org.meta.apiUsername): this {
    return this.step('apiUserOnCustomAdminProfile', () => {
      this.ensureProfile('Custom Admin', 'SFDC', ALL_PERMS, adminAccess(), true);
      this.moveUser(username, 'Custom Admin');
    });
  }

  /** API user on a "Salesforce Platform" licence (custom "Platform Admin" profile with admin permissions). */
  public apiUserOnPlatformLicense(username = this.org.meta.apiUsername): this {
    return this.step('apiUserOnPlatformLicense', () => {
      this.ensureProfile('Platform Admin', 'AUL', ALL_PERMS, { Account: FULL, Contact: FULL }, true);
      this.moveUser(username, 'Platform Admin');
    });
  }

  /** API user on a cloned admin profile without API Enabled (System Administrator cannot lose it). */
  public apiUserWithoutApiEnabled(username = this.org.meta.apiUsername): this {
    return this.step('apiUserWithoutApiEnabled', () => {
      this.ensureProfile('Custom Admin - No API', 'SFDC', { ...ALL_PERMS, PermissionsApiEnabled: false }, adminAccess(), true);
      this.moveUser(username, 'Custom Admin - No API');
      this.protectAdmin(username);
    });
  }

  /** API user on a cloned admin profile without Modify All Data. */
  public apiUserWithoutModifyAllData(username = this.org.meta.apiUsername): this {
    return this.step('apiUserWithoutModifyAllData', () => {
      this.ensureProfile('Custom Admin - No MAD', 'SFDC', { ...ALL_PERMS, PermissionsModifyAllData: false }, adminAccess(false), true);
      this.moveUser(username, 'Custom Admin - No MAD');
    });
  }

  /**
   * API user on an admin profile with Customize Application but neither Modify All Data nor Modify Metadata Through
   * Metadata API Functions: the Metadata API refuses it (INSUFFICIENT_ACCESS), Tooling layout writes do not.
   */
  public apiUserWithoutModifyMetadata(username = this.org.meta.apiUsername): this {
    return this.step('apiUserWithoutModifyMetadata', () => {
      this.ensureProfile('Custom Admin - Customize Application', 'SFDC', { ...ALL_PERMS, PermissionsModifyAllData: false, PermissionsModifyMetadata: false }, adminAccess(false), true);
      this.moveUser(username, 'Custom Admin - Customize Application');
    });
  }

  /** API user deactivated: its sessions are refused. */
  public apiUserInactive(username = this.org.meta.apiUsername): this {
    return this.step('apiUserInactive', () => {
      this.org.update('User', this.org.requireUser(username).Id, { IsActive: false });
      this.protectAdmin(username);
    });
  }

  /**
   * API user set up for OnceHub's advanced secure mode: custom profile "OnceHub API User"
   * (not System Administrator, no Modify All Data) with API Enabled, Edit Events, View Setup and
   * Read/Create/Edit/Delete on Lead, Account, Contact and Case — minus `missingObjectAccess`, and without Edit Events
   * when `editEvents` is false (a user permission a custom profile may lack: Salesforce Object Reference, Profile,
   * `PermissionsEditEvent`; the profile is then "OnceHub API User - No Edit Events").
   */
  public apiUserAdvancedSecure(options: { missingObjectAccess?: SalesObject; viewSetup?: boolean; editEvents?: boolean; username?: string } = {}): this {
    const username = options.username ?? this.org.meta.apiUsername;
    const editEvents = options.editEvents ?? true;
    return this.step(`apiUserAdvancedSecure(${options.missingObjectAccess ?? ''}${editEvents ? '' : ', no Edit Events'})`, () => {
      const lacks = [options.missingObjectAccess, editEvents ? undefined : 'Edit Events'].filter(Boolean);
      const name = lacks.length ? `OnceHub API User - No ${lacks.join(', ')}` : 'OnceHub API User';
      const access: ObjectAccess = {};
      for (const o of SALES_OBJECTS) if (o !== options.missingObjectAccess) access[o] = CRUD;
      this.ensureProfile(
        name,
        'SFDC',
        { ...STANDARD_USER_PERMS, PermissionsViewSetup: options.viewSetup ?? true, PermissionsEditEvent: editEvents },
        access,
        true
      );
      this.moveUser(username, name);
    });
  }

  /**
   * Salesforce's own advice for an integration user (Salesforce Help, "Give Integration Users API Only Access";
   * admin.salesforce.com, "Best Practices for Configuring Your Integration User"): a minimal custom profile ("OnceHub
   * Minimal Access": no API Enabled, no Edit Events, no object access) plus an assigned permission set "OnceHub API
   * Access" that grants API Enabled, Edit Events, View Setup and Read/Create/Edit/Delete on Lead, Account, Contact and
   * Case.
   */
  public apiUserAdvancedSecureViaPermissionSet(username = this.org.meta.apiUsername): this {
    return this.step('apiUserAdvancedSecureViaPermissionSet', () => {
      this.ensureProfile(MINIMAL_PROFILE, 'SFDC', { PermissionsLightningExperienceUser: true }, {}, true);
      this.moveUser(username, MINIMAL_PROFILE);
      const ps = this.org.insert('PermissionSet', {
        Name: 'OnceHub_API_Access',
        Label: API_ACCESS_PERMSET_LABEL,
        IsOwnedByProfile: false,
        IsCustom: true,
        Type: 'Regular',
        LicenseId: this.license('SFDC').Id,
        PermissionsApiEnabled: true,
        PermissionsEditEvent: true,
        PermissionsViewSetup: true,
      });
      for (const o of SALES_OBJECTS) this.objectPermission(ps.Id, o, CRUD);
      this.assign(this.org.requireUser(username), ps);
    });
  }

  /** API user frozen (Setup > Users > Freeze): IsActive stays true, UserLogin.IsFrozen is true, sessions are refused. */
  public apiUserFrozen(username = this.org.meta.apiUsername): this {
    return this.step('apiUserFrozen', () => {
      const user = this.org.requireUser(username);
      for (const login of this.org.where('UserLogin', (l) => l.UserId === user.Id)) this.org.update('UserLogin', login.Id, { IsFrozen: true });
      this.protectAdmin(username);
    });
  }

  /**
   * The package permission set held only through a permission set group (default label "OnceHub Users") assigned to
   * the users (default: the API user); no direct assignment. `status` other than `Updated`: the group awaits (or failed)
   * its recalculation.
   */
  public withPermsetViaGroup(options: { usernames?: string[]; groupLabel?: string; status?: GroupStatus } = {}): this {
    const targets = options.usernames?.length ? options.usernames : [this.org.meta.apiUsername];
    const label = options.groupLabel ?? ONCEHUB_GROUP_LABEL;
    return this.step(`withPermsetViaGroup(${targets.join(',')}${options.status ? `, ${options.status}` : ''})`, () => {
      const aggregate = this.createGroup(label, [this.packagePermissionSet()], options.status);
      for (const u of targets) this.assign(this.org.requireUser(u), aggregate);
    });
  }

  /**
   * The API user reaches OnceHub's advanced-secure access only through an assignment whose `ExpirationDate` has passed
   * (Setup > Permission Sets > Manage Assignments > expiration): profile "OnceHub Minimal API Access" (API Enabled and
   * View Setup only) plus "OnceHub API Access" (Edit Events, R/C/E/D on the four objects), assigned until `expiredOn`.
   * An expired assignment grants nothing; Salesforce removes it, but the row may still be there.
   */
  public apiUserAccessExpired(options: { username?: string; expiredOn?: string } = {}): this {
    return this.step('apiUserAccessExpired', () => {
      const { user, set } = this.apiAccessSet(options.username, { Name: 'OnceHub_API_Access_Temporary', Label: API_ACCESS_PERMSET_LABEL, Type: 'Regular' });
      this.assign(user, set, { ExpirationDate: options.expiredOn ?? EXPIRED_ON });
    });
  }

  /**
   * The API user's advanced-secure access comes only from a session-based permission set (`HasActivationRequired`,
   * `Type='Session'`), which grants nothing until activated in a session, so never to an API client: profile "OnceHub
   * Minimal API Access" (API Enabled, View Setup) plus "OnceHub API Access (session)" (Edit Events, R/C/E/D).
   */
  public apiUserViaSessionBasedPermissionSet(username?: string): this {
    return this.step('apiUserViaSessionBasedPermissionSet', () => {
      const { user, set } = this.apiAccessSet(username, {
        Name: 'OnceHub_API_Access_Session',
        Label: SESSION_PERMSET_LABEL,
        Type: 'Session',
        HasActivationRequired: true,
      });
      this.assign(user, set);
    });
  }

  /**
   * The API user's advanced-secure access comes only from a permission set group (default label "OnceHub
   * Integration") whose `Status` is not `Updated` (default `Outdated`: a component changed since its last
   * recalculation). Its aggregate set still holds the last recalculation's permissions, which Salesforce applies.
   */
  public apiUserViaRecalculatingGroup(options: { username?: string; status?: GroupStatus; groupLabel?: string } = {}): this {
    return this.step(`apiUserViaRecalculatingGroup(${options.status ?? 'Outdated'})`, () => {
      const { user, set } = this.apiAccessSet(options.username, { Name: 'OnceHub_API_Access_Grouped', Label: API_ACCESS_PERMSET_LABEL, Type: 'Regular' });
      const aggregate = this.createGroup(options.groupLabel ?? RECALCULATING_GROUP_LABEL, [set], options.status ?? 'Outdated');
      this.assign(user, aggregate);
    });
  }

  /** The package permission set assigned to the users (default: API user) with an `ExpirationDate` in the past. */
  public withPermsetAssignmentExpired(options: { usernames?: string[]; expiredOn?: string } = {}): this {
    const targets = options.usernames?.length ? options.usernames : [this.org.meta.apiUsername];
    return this.step(`withPermsetAssignmentExpired(${targets.join(',')})`, () => {
      const ps = this.packagePermissionSet();
      for (const u of targets) this.assign(this.org.requireUser(u), ps, { ExpirationDate: options.expiredOn ?? EXPIRED_ON });
    });
  }

  /**
   * A user who may read Setup but not UserLogin (default `auditor@acme.example`, profile "Setup Auditor": API
   * Enabled, View Setup, View All Data, no Manage Users): UserLogin needs Manage Users.
   */
  public withSetupAuditor(username = AUDITOR_USERNAME): this {
    return this.step(`withSetupAuditor(${username})`, () => {
      this.ensureProfile(
        AUDITOR_PROFILE,
        'SFDC',
        { ...STANDARD_USER_PERMS, PermissionsViewSetup: true, PermissionsViewAllData: true, PermissionsViewAllUsers: true },
        {},
        true
      );
      this.createUser({ username, firstName: 'Sam', lastName: 'Auditor', profile: AUDITOR_PROFILE });
    });
  }

  // ---- package ----------------------------------------------------------------------------------

  /** Install the OnceHub managed package: Tooling package rows, Event fields, the permission set. */
  public withPackage(options: PackageOptions = {}): this {
    return this.step('withPackage', () => {
      const [major, minor, patch, build] = (options.version ?? '2.14.0.1').split('.').map(Number);
      const packageId = this.globalIds.next('033');
      this.org.insert('SubscriberPackage', {
        Id: packageId,
        Name: options.name ?? PACKAGE_NAME,
        NamespacePrefix: NAMESPACE,
        Description: 'Schedule meetings from OnceHub booking pages and sync them to Salesforce Events, Leads, Contacts and Cases.',
        IsPackageValid: true,
      });
      const versionId = this.globalIds.next('04t');
      this.org.insert('SubscriberPackageVersion', {
        Id: versionId,
        Name: `OnceHub ${major}.${minor ?? 0}`,
        SubscriberPackageId: packageId,
        MajorVersion: major,
        MinorVersion: minor ?? 0,
        PatchVersion: patch ?? 0,
        BuildNumber: build ?? 1,
        IsBeta: false,
        IsManaged: true,
        IsDeprecated: false,
        IsSecurityReviewed: true,
        Package2ContainerOptions: 'Managed',
        ReleaseState: 'Released',
        InstallValidationStatus: 'NO_ERRORS_DETECTED',
        PublisherName: 'OnceHub',
      });
      this.org.insert('InstalledSubscriberPackage', { SubscriberPackageId: packageId, SubscriberPackageVersionId: versionId, MinPackageVersionId: versionId });
      // Free AppExchange package: site-wide licence.
      this.org.insert('PackageLicense', { NamespacePrefix: NAMESPACE, Status: 'Free', IsProvisioned: true, AllowedLicenses: -1, UsedLicenses: 0, ExpirationDate: null });

      const event = this.org.type('Event');
      event.addField(
        picklist(EVENT_STATUS_FIELD, ['Scheduled', 'Rescheduled', 'Completed', 'Canceled', 'No-show', 'Scheduled (Reassigned by User)', 'Rescheduled (Reassigned by User)'], {
          label: 'Event status',
          namespacePrefix: NAMESPACE,
          custom: true,
        })
      );
      event.addField(str(CANCEL_REASON_FIELD, 255, { label: 'Cancel/reschedule reason', namespacePrefix: NAMESPACE, custom: true }));

      const sfdc = this.license('SFDC');
      const ps = this.org.insert('PermissionSet', {
        Name: PERMSET_NAME,
        Label: options.permsetLabel ?? PERMSET_LABEL,
        NamespacePrefix: NAMESPACE,
        Description: 'Gives the OnceHub API user access to Leads, Contacts, Accounts, Cases and Activities.',
        IsOwnedByProfile: false,
        IsCustom: true,
        LicenseId: sfdc.Id,
        Type: 'Regular',
        PermissionsEditEvent: true,
        PermissionsEditTask: true,
      });
      for (const o of SALES_OBJECTS) this.objectPermission(ps.Id, o, { create: true, read: true, edit: true });
      const sysAdminPs = this.profilePermissionSet('System Administrator');
      for (const f of PACKAGE_EVENT_FIELDS) {
        this.fieldPermission(ps.Id, 'Event', f);
        this.fieldPermission(sysAdminPs.Id, 'Event', f);
      }
    });
  }

  /** The package's permission set carries its legacy label "ScheduleOnce connector for Salesforce". */
  public withLegacyPermsetLabel(): this {
    return this.step('withLegacyPermsetLabel', () => {
      this.org.update('PermissionSet', this.packagePermissionSet().Id, { Label: LEGACY_PERMSET_LABEL });
    });
  }

  /** Assign the package permission set (default: to the API user). */
  public withPermsetAssigned(...usernames: string[]): this {
    const targets = usernames.length ? usernames : [this.org.meta.apiUsername];
    return this.step(`withPermsetAssigned(${targets.join(',')})`, () => {
      const ps = this.packagePermissionSet();
      for (const u of targets) this.assign(this.org.requireUser(u), ps);
    });
  }

  // ---- Event layouts ----------------------------------------------------------------------------

  /** "Event Layout" for System Administrator and "Sales Event Layout" for Standard User. */
  public withTwoEventLayouts(): this {
    return this.step('withTwoEventLayouts', () => {
      const sales = this.createLayout('Event', 'Sales Event Layout', salesEventLayout());
      const standardUser = this.profile('Standard User');
      for (const pl of this.org.where('ProfileLayout', (p) => p.TableEnumOrId === 'Event' && p.ProfileId === standardUser.Id)) {
        this.org.update('ProfileLayout', pl.Id, { LayoutId: sales.Id });
      }
    });
  }

  /** Add both package fields to every Event layout (or the named ones): setup step 3 done. */
  public withEventLayoutFields(...layoutNames: string[]): this {
    return this.step(`withEventLayoutFields(${layoutNames.join(',')})`, () => {
      for (const layout of this.eventLayouts(layoutNames)) this.addLayoutFields(layout, [...PACKAGE_EVENT_FIELDS]);
    });
  }

  /** Only `ScheduleOnce__Event_status__c` on one Event layout (default "Event Layout"): step 3 half done. */
  public withEventLayoutPartlyDone(layoutName = 'Event Layout'): this {
    return this.step(`withEventLayoutPartlyDone(${layoutName})`, () => {
      for (const layout of this.eventLayouts([layoutName])) this.addLayoutFields(layout, [EVENT_STATUS_FIELD]);
    });
  }

  /**
   * An Event layout whose name needs encoding in its Metadata API full name ("Event Layout (Sales & Service)" is
   * `Event-Event Layout %28Sales %26 Service%29`), in use by the Standard User profile; "Event Layout" stays with the
   * others. A readMetadata of any other spelling answers an empty record (forcedotcom/cli#2869).
   */
  public withEncodedNameEventLayout(name = 'Event Layout (Sales & Service)'): this {
    return this.step(`withEncodedNameEventLayout(${name})`, () => {
      const layout = this.createLayout('Event', name, salesEventLayout());
      const standardUser = this.profile('Standard User');
      for (const pl of this.org.where('ProfileLayout', (p) => p.TableEnumOrId === 'Event' && p.ProfileId === standardUser.Id)) {
        this.org.update('ProfileLayout', pl.Id, { LayoutId: layout.Id });
      }
    });
  }

  /**
   * The package's own managed Event layout (namespace ScheduleOnce, ManageableState installed, full name
   * `Event-ScheduleOnce__OnceHub Event Layout`), with both package fields on it, used by every profile. Needs
   * withPackage() first (the fields must exist).
   */
  public withManagedEventLayoutInUse(name = 'OnceHub Event Layout'): this {
    return this.step(`withManagedEventLayoutInUse(${name})`, () => {
      const metadata = eventLayout();
      const column = metadata.layoutSections[1].layoutColumns[0];
      for (const f of PACKAGE_EVENT_FIELDS) column.layoutItems.push(layoutItem(f, 'Edit'));
      const layout = this.createLayout('Event', name, metadata, NAMESPACE);
      for (const pl of this.org.where('ProfileLayout', (p) => p.TableEnumOrId === 'Event')) {
        this.org.update('ProfileLayout', pl.Id, { LayoutId: layout.Id });
      }
    });
  }

  // ---- field validation and creation rules ------------------------------------------------------

  /** Add (or replace) a field on an object's schema; describe, SOQL and DML see it at once. */
  public withCustomField(objectName: string, def: FieldDef): this {
    return this.step(`withCustomField(${objectName}.${def.name})`, () => this.org.type(objectName).addField(def));
  }

  /**
   * Required fields without defaults: `Lead.Region__c` (Text(100)) and `Case.Priority_Level__c`
   * (restricted picklist). `Contact.Tier__c` is required too but has a default, so it is not a gap.
   */
  public withRequiredFields(): this {
    return this.step('withRequiredFields', () => {
      this.org.type('Lead').addField(requiredRegionField());
      this.org.type('Case').addField(
        picklist('Priority_Level__c', ['High', 'Medium', 'Low'], { label: 'Priority Level', nillable: false, restrictedPicklist: true, custom: true })
      );
      this.org.type('Contact').addField(picklist('Tier__c', ['Bronze', 'Silver', 'Gold'], { label: 'Tier', nillable: false, custom: true, defaultTo: 'Bronze' }));
    });
  }

  /** One required text field without default: `Lead.Region__c`. */
  public withRequiredLeadRegion(): this {
    return this.step('withRequiredLeadRegion', () => this.org.type('Lead').addField(requiredRegionField()));
  }

  public withValidationRule(rule: { object: string; name: string; active?: boolean; errorMessage?: string; formula?: string; errorDisplayField?: string | null }): this {
    return this.step(`withValidationRule(${rule.object}.${rule.name})`, () => {
      const active = rule.active ?? true;
      const errorMessage = rule.errorMessage ?? `${rule.name.replace(/_/g, ' ')} failed`;
      this.org.insert('ValidationRule', {
        ValidationName: rule.name,
        Active: active,
        Description: null,
        EntityDefinitionId: rule.object,
        ErrorDisplayField: rule.errorDisplayField ?? null,
        ErrorMessage: errorMessage,
        NamespacePrefix: null,
        ManageableState: 'unmanaged',
        FullName: `${rule.object}.${rule.name}`,
        Metadata: {
          active,
          description: null,
          errorConditionFormula: rule.formula ?? 'false',
          errorDisplayField: rule.errorDisplayField ?? null,
          errorMessage,
          shouldEvaluateOnClient: null,
          urls: null,
        },
      });
    });
  }

  /** Active `Lead.Phone_Required` and `Case.Subject_Required`, plus an inactive Contact rule. */
  public withValidationRules(): this {
    return this
      .withValidationRule({ object: 'Lead', name: 'Phone_Required', errorMessage: 'Please enter a phone number.', formula: 'ISBLANK(Phone)', errorDisplayField: 'Phone' })
      .withValidationRule({ object: 'Case', name: 'Subject_Required', errorMessage: 'Cases need a subject.', formula: 'ISBLANK(Subject)' })
      .withValidationRule({ object: 'Contact', name: 'Email_Format', active: false, errorMessage: 'Email must be corporate.', formula: 'false' });
  }

  public withDuplicateRule(rule: { object: string; developerName: string; label?: string; active?: boolean }): this {
    return this.step(`withDuplicateRule(${rule.object}.${rule.developerName})`, () => {
      this.org.insert('DuplicateRule', {
        DeveloperName: rule.developerName,
        MasterLabel: rule.label ?? rule.developerName.replace(/_/g, ' '),
        NamespacePrefix: null,
        SobjectType: rule.object,
        SobjectSubtype: 'None',
        IsActive: rule.active ?? true,
        SortOrder: 1,
      });
    });
  }

  /** Salesforce's standard duplicate rules: active on Lead and Contact, inactive on Account. */
  public withDuplicateRules(): this {
    return this
      .withDuplicateRule({ object: 'Lead', developerName: 'Standard_Rule_for_Leads_with_Duplicate_Contacts' })
      .withDuplicateRule({ object: 'Contact', developerName: 'Standard_Contact_Duplicate_Rule' })
      .withDuplicateRule({ object: 'Account', developerName: 'Standard_Account_Duplicate_Rule', active: false });
  }

  public withAssignmentRule(object: 'Lead' | 'Case', name = `${object} Routing`, active = true): this {
    return this.step(`withAssignmentRule(${object}:${name})`, () => {
      this.org.insert('AssignmentRule', { Name: name, SobjectType: object, Active: active });
    });
  }

  /** Active Lead and Case assignment rules (plus an inactive old Lead rule). */
  public withAssignmentRules(): this {
    return this.withAssignmentRule('Lead', 'Standard Lead Routing').withAssignmentRule('Case', 'Support Queue Routing').withAssignmentRule('Lead', 'Legacy Lead Rule', false);
  }

  public withRecordType(object: string, name: string, active = true): this {
    return this.step(`withRecordType(${object}:${name})`, () => {
      this.org.insert('RecordType', { Name: name, DeveloperName: name.replace(/\W+/g, '_'), SobjectType: object, IsActive: active, IsPersonType: false, NamespacePrefix: null });
    });
  }

  // ---- users ------------------------------------------------------------------------------------

  public withUser(options: UserOptions): this {
    return this.step(`withUser(${options.username})`, () => void this.createUser(options));
  }

  /** A user whose username contains a quote: `o'brien@acme.example` (SOQL escaping). */
  public withUsernameContainingQuote(username = "o'brien@acme.example"): this {
    return this.withUser({ username, firstName: 'Pat', lastName: "O'Brien" });
  }

  /**
   * `count` extra Standard Users `user0001@acme.example`…; the first `assigned` of them (or those
   * for which `assigned(i)` is true, 1-based) already hold the package permission set.
   */
  public withExtraUsers(count: number, options: { assigned?: number | ((i: number) => boolean); profile?: string } = {}): this {
    return this.step(`withExtraUsers(${count})`, () => {
      const width = Math.max(4, String(count).length);
      const isAssigned = typeof options.assigned === 'function' ? options.assigned : (i: number): boolean => i <= ((options.assigned as number | undefined) ?? 0);
      const ps = options.assigned ? this.packagePermissionSet() : undefined;
      for (let i = 1; i <= count; i++) {
        const n = String(i).padStart(width, '0');
        const user = this.createUser({ username: `user${n}@acme.example`, firstName: 'User', lastName: n, profile: options.profile ?? 'Standard User' });
        if (ps && isAssigned(i)) this.assign(user, ps);
      }
    });
  }

  // ---- org settings -----------------------------------------------------------------------------

  /** Adjust unconfirmed messages, limits and switches (see OrgConfig). */
  public configure(fn: (config: OrgConfig) => void): this {
    return this.step('configure', () => fn(this.org.config));
  }

  /** Daily API usage so far (and optionally the maximum). */
  public withApiUsage(used: number, max?: number): this {
    return this.step(`withApiUsage(${used})`, () => {
      this.org.config.limits.dailyApiRequestsUsed = used;
      if (max !== undefined) this.org.config.limits.dailyApiRequestsMax = max;
    });
  }

  /** Escape hatch for one-off tweaks: runs with the build clock and records the step. */
  public tweak(name: string, fn: (org: OrgModel) => void): this {
    return this.step(name, () => fn(this.org));
  }

  public build(): OrgModel {
    if (this.built) throw new Error('OrgBuilder.build() may be called once; start a new scenario for another org');
    this.built = true;
    for (const lic of this.org.records('UserLicense')) {
      const used = this.org.where('User', (u) => u.IsActive === true && this.org.userLicenseOf(u)?.Id === lic.Id).length;
      this.org.update('UserLicense', lic.Id, { UsedLicenses: used, TotalLicenses: Math.max(Number(lic.TotalLicenses), used + 5) });
    }
    this.org.now = () => new Date();
    return this.org;
  }

  // ---- internals --------------------------------------------------------------------------------

  private step(name: string, fn: () => void): this {
    if (this.built) throw new Error(`OrgBuilder: ${name} after build()`);
    fn();
    this.org.meta.steps.push(name);
    return this;
  }

  private createBase(options: BaseOptions): void {
    const { org } = this;
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

    this.ensureProfile('System Administrator', 'SFDC', ALL_PERMS, adminAccess(), false);
    this.ensureProfile('Standard User', 'SFDC', STANDARD_USER_PERMS, { Account: CRUD, Contact: CRUD, Lead: CRUD, Case: CRUD }, false);
    this.ensureProfile('Standard Platform User', 'AUL', { PermissionsApiEnabled: true, PermissionsEditEvent: true, PermissionsEditTask: true }, { Account: CRUD, Contact: CRUD }, false);
    this.ensureProfile('Minimum Access - Salesforce', 'SFDC', {}, {}, false);

    // Setup objects are created "by" the first admin.
    const admin = this.createUser({ username: ADMIN_USERNAME, firstName: 'Alex', lastName: 'Admin', profile: 'System Administrator' });
    org.as(admin.Id, () => {
      for (const u of org.records('User')) org.update('User', u.Id, { CreatedById: admin.Id, LastModifiedById: admin.Id });
      this.createUser({ username: OPS_ADMIN_USERNAME, firstName: 'Olivia', lastName: 'Ops', profile: 'System Administrator' });
      this.createUser({ username: 'jane.doe@acme.example', firstName: 'Jane', lastName: 'Doe', profile: 'Standard User' });
      this.createUser({ username: 'sam.sales@acme.example', firstName: 'Sam', lastName: 'Sales', profile: 'Standard User' });
      this.createUser({ username: 'pat.platform@acme.example', firstName: 'Pat', lastName: 'Platform', profile: 'Standard Platform User' });
      this.createUser({ username: 'former.employee@acme.example', firstName: 'Former', lastName: 'Employee', profile: 'Standard User', active: false });
      const autoproc = this.createUser({ username: `autoproc@${org.orgId.slice(0, 15).toLowerCase()}`, lastName: 'Automated Process', profile: null });
      org.update('User', autoproc.Id, { UserType: 'AutomatedProcess', Alias: 'autoproc' });

      // A permission set group and a couple of ordinary permission sets, as most orgs have.
      const marketing = org.insert('PermissionSet', { Name: 'Marketing_Tools', Label: 'Marketing Tools', IsOwnedByProfile: false, IsCustom: true, Type: 'Regular', PermissionsRunReports: true });
      this.createGroup('Sales Operations', [marketing]);
      org.insert('PermissionSet', {
        Name: 'Platform_Reporting',
        Label: 'Platform Reporting',
        IsOwnedByProfile: false,
        IsCustom: true,
        Type: 'Regular',
        LicenseId: this.license('AUL').Id,
        PermissionsRunReports: true,
      });
      this.assign(org.requireUser('sam.sales@acme.example'), marketing);

      // Standard page layouts and their profile assignments.
      this.createLayout('Account', 'Account Layout', simpleLayout(['Name', 'ParentId', 'AccountNumber', 'Type', 'Industry', 'Phone', 'Website', 'OwnerId'], ['RelatedContactList']));
      this.createLayout('Contact', 'Contact Layout', simpleLayout(['FirstName', 'LastName', 'AccountId', 'Title', 'Email', 'Phone', 'OwnerId']));
      this.createLayout('Lead', 'Lead Layout', simpleLayout(['FirstName', 'LastName', 'Company', 'Title', 'Email', 'Phone', 'Status', 'LeadSource', 'OwnerId']));
      this.createLayout('Case', 'Case Layout', simpleLayout(['CaseNumber', 'Status', 'Priority', 'Origin', 'Subject', 'ContactId', 'AccountId', 'OwnerId']));
      this.createLayout('Event', 'Event Layout', eventLayout());

      this.sampleData();
    });
  }

  private sampleData(): void {
    const { org } = this;
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

  private license(key: string): SRecord {
    const lic = this.org.records('UserLicense').find((l) => l.LicenseDefinitionKey === key);
    if (!lic) throw new Error(`No user license ${key}`);
    return lic;
  }

  private profile(name: string): SRecord {
    const p = this.org.records('Profile').find((r) => r.Name === name);
    if (!p) throw new Error(`No profile '${name}'`);
    return p;
  }

  private profilePermissionSet(profileName: string): SRecord {
    const profile = this.profile(profileName);
    const ps = this.org.records('PermissionSet').find((p) => p.IsOwnedByProfile === true && p.ProfileId === profile.Id);
    if (!ps) throw new Error(`No profile permission set for '${profileName}'`);
    return ps;
  }

  private packagePermissionSet(): SRecord {
    const ps = this.org.records('PermissionSet').find((p) => p.NamespacePrefix === NAMESPACE && p.Name === PERMSET_NAME);
    if (!ps) throw new Error('The OnceHub permission set needs the package: call withPackage() first');
    return ps;
  }

  /** A permission set group with its Type='Group' aggregate set (the union of the components); returns that set. */
  private createGroup(label: string, components: SRecord[], status: GroupStatus = 'Updated'): SRecord {
    const group = this.org.insert('PermissionSetGroup', { DeveloperName: label.replace(/\W+/g, '_'), MasterLabel: label, NamespacePrefix: null, Status: status });
    this.org.insert('PermissionSet', {
      Name: `X${group.Id.slice(0, 15)}`,
      Label: label,
      IsOwnedByProfile: false,
      IsCustom: true,
      PermissionSetGroupId: group.Id,
      Type: 'Group',
    });
    for (const ps of components) this.org.insert('PermissionSetGroupComponent', { PermissionSetGroupId: group.Id, PermissionSetId: ps.Id });
    return this.org.recalculateGroup(group.Id);
  }

  /** A profile and the permission set it owns (same Permissions* values, same licence). */
  private ensureProfile(name: string, licenseKey: string, perms: Perms, access: ObjectAccess, custom: boolean): SRecord {
    const existing = this.org.records('Profile').find((p) => p.Name === name);
    if (existing) return existing;
    const license = this.license(licenseKey);
    const permValues = Object.fromEntries(PERMISSION_FIELDS.map((p) => [p, perms[p] === true]));
    const profile = this.org.insert('Profile', { Name: name, UserLicenseId: license.Id, UserType: 'Standard', Description: custom ? `Custom profile ${name}` : null, ...permValues });
    const ps = this.org.insert('PermissionSet', {
      Name: `X${profile.Id.slice(0, 15)}`,
      Label: `${profile.Id.slice(0, 15)}_128_09_04_12_1`,
      IsOwnedByProfile: true,
      IsCustom: custom,
      ProfileId: profile.Id,
      LicenseId: license.Id,
      Type: 'Profile',
      ...permValues,
    });
    for (const [objectName, a] of Object.entries(access)) this.objectPermission(ps.Id, objectName, a);
    // New profiles get each object's original layout, as in Setup.
    const firstLayout = new Map<string, SRecord>();
    for (const l of this.org.records('Layout')) if (!firstLayout.has(String(l.TableEnumOrId))) firstLayout.set(String(l.TableEnumOrId), l);
    for (const [objectName, l] of firstLayout) {
      this.org.insert('ProfileLayout', { LayoutId: l.Id, ProfileId: profile.Id, RecordTypeId: null, TableEnumOrId: objectName });
    }
    return profile;
  }

  private objectPermission(parentId: string, objectName: string, a: ObjectAccess[string]): void {
    this.org.insert('ObjectPermissions', {
      ParentId: parentId,
      SobjectType: objectName,
      PermissionsCreate: a.create === true,
      PermissionsRead: a.read === true,
      PermissionsEdit: a.edit === true,
      PermissionsDelete: a.delete === true,
      PermissionsViewAllRecords: a.viewAll === true,
      PermissionsModifyAllRecords: a.modifyAll === true,
    });
  }

  private fieldPermission(parentId: string, objectName: string, fieldName: string): void {
    this.org.insert('FieldPermissions', { ParentId: parentId, SobjectType: objectName, Field: `${objectName}.${fieldName}`, PermissionsRead: true, PermissionsEdit: true });
  }

  private createUser(options: UserOptions): SRecord {
    const { org } = this;
    if (org.user(options.username)) throw new Error(`User ${options.username} already exists`);
    const profile = options.profile === null ? undefined : this.profile(options.profile ?? 'Standard User');
    const first = options.firstName ?? null;
    const last = options.lastName ?? options.username.split('@')[0];
    const alias = `${(first ?? '').slice(0, 1)}${last.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 8).toLowerCase() || 'user';
    const user = org.insert('User', {
      Username: options.username,
      FirstName: first,
      LastName: last,
      Email: options.email ?? (options.username.includes('@acme.example') ? options.username : `${alias}@acme.example`),
      Alias: alias,
      CommunityNickname: options.username.split('@')[0],
      IsActive: options.active ?? true,
      ProfileId: profile?.Id ?? null,
      UserType: 'Standard',
      TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: 'en_US',
      LanguageLocaleKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      LastLoginDate: options.active === false ? null : sfDateTime(BUILD_TIME),
    });
    if (profile) this.assign(user, this.profilePermissionSet(String(profile.Name)));
    org.insert('UserLogin', { UserId: user.Id, IsFrozen: false, IsPasswordLocked: false });
    return user;
  }

  /** Move a user to another profile, including the profile-owned permission set assignment. */
  private moveUser(username: string, profileName: string): void {
    const user = this.org.requireUser(username);
    const oldPs = this.org.records('PermissionSet').find((p) => p.IsOwnedByProfile === true && p.ProfileId === user.ProfileId);
    if (oldPs) {
      for (const a of this.org.where('PermissionSetAssignment', (x) => x.AssigneeId === user.Id && x.PermissionSetId === oldPs.Id)) {
        this.org.delete('PermissionSetAssignment', a.Id);
      }
    }
    const profile = this.profile(profileName);
    this.org.update('User', user.Id, { ProfileId: profile.Id });
    this.assign(this.org.requireUser(username), this.profilePermissionSet(profileName));
    this.protectAdmin(username);
  }

  /** Keep a working admin for inspection when the scenario breaks the default admin. */
  private protectAdmin(username: string): void {
    if (username.toLowerCase() === this.org.meta.adminUsername.toLowerCase()) this.org.meta.adminUsername = OPS_ADMIN_USERNAME;
  }

  private assign(user: SRecord, ps: SRecord, extra: { ExpirationDate?: string } = {}): void {
    const exists = this.org.records('PermissionSetAssignment').some((a) => a.AssigneeId === user.Id && a.PermissionSetId === ps.Id);
    if (exists) return;
    this.org.insert('PermissionSetAssignment', {
      AssigneeId: user.Id,
      PermissionSetId: ps.Id,
      PermissionSetGroupId: ps.PermissionSetGroupId ?? null,
      IsActive: true,
      ...extra,
    });
  }

  /**
   * Moves the user (default: the API user) to "OnceHub Minimal API Access" (API Enabled and View Setup only) and
   * creates a permission set with Edit Events and R/C/E/D on the four objects; the caller assigns it its own way.
   */
  private apiAccessSet(username: string | undefined, values: Record<string, unknown>): { user: SRecord; set: SRecord } {
    const name = username ?? this.org.meta.apiUsername;
    this.ensureProfile(MINIMAL_API_PROFILE, 'SFDC', { PermissionsApiEnabled: true, PermissionsViewSetup: true, PermissionsLightningExperienceUser: true }, {}, true);
    this.moveUser(name, MINIMAL_API_PROFILE);
    const set = this.org.insert('PermissionSet', {
      IsOwnedByProfile: false,
      IsCustom: true,
      LicenseId: this.license('SFDC').Id,
      PermissionsEditEvent: true,
      ...values,
    });
    for (const o of SALES_OBJECTS) this.objectPermission(set.Id, o, CRUD);
    return { user: this.org.requireUser(name), set };
  }

  private createLayout(objectName: string, name: string, metadata: LayoutMetadata, namespacePrefix: string | null = null): SRecord {
    const layout = this.org.insert('Layout', {
      Name: name,
      TableEnumOrId: objectName,
      EntityDefinitionId: objectName,
      NamespacePrefix: namespacePrefix,
      LayoutType: 'Standard',
      ManageableState: namespacePrefix ? 'installed' : 'unmanaged',
      // As the Metadata API spells it: encoded name, managed namespace in front (emulator/README.md).
      FullName: metadataLayoutFullName(objectName, name, namespacePrefix),
      Metadata: metadata,
    });
    for (const profile of this.org.records('Profile')) {
      const assigned = this.org.records('ProfileLayout').some((p) => p.ProfileId === profile.Id && p.TableEnumOrId === objectName);
      if (!assigned) this.org.insert('ProfileLayout', { LayoutId: layout.Id, ProfileId: profile.Id, RecordTypeId: null, TableEnumOrId: objectName });
    }
    return layout;
  }

  private eventLayouts(names: string[]): SRecord[] {
    const all = this.org.where('Layout', (l) => l.TableEnumOrId === 'Event');
    const chosen = names.length ? all.filter((l) => names.includes(String(l.Name))) : all;
    if (names.length && chosen.length !== names.length) throw new Error(`Unknown Event layout in ${names.join(', ')}`);
    return chosen;
  }

  private addLayoutFields(layout: SRecord, fields: string[]): void {
    const metadata = structuredClone(layout.Metadata) as LayoutMetadata;
    const column = metadata.layoutSections[0].layoutColumns[metadata.layoutSections[0].layoutColumns.length - 1];
    for (const f of fields) column.layoutItems.push(layoutItem(f, 'Edit'));
    this.org.update('Layout', layout.Id, { Metadata: metadata });
  }
}

function adminAccess(modifyAll = true): ObjectAccess {
  const a = modifyAll ? FULL : { ...CRUD, viewAll: true };
  return { Account: a, Contact: a, Lead: a, Case: a };
}

function requiredRegionField(): FieldDef {
  return field('Region__c', 'string', { length: 100, label: 'Region', nillable: false, custom: true });
}

/** The sandbox's username of the admin: sandbox usernames carry a suffix (and sf keys its logins by username). */
export const SANDBOX_ADMIN_USERNAME = 'admin@acme.example.uat';

const activeValues = (values: string[], inactive: string[] = []): FieldDef['picklistValues'] =>
  values.map((value) => ({ value, label: value, active: !inactive.includes(value), defaultValue: false }));

/**
 * The custom Lead fields the compare setup file (examples/oncehub-compare.json) writes, as the sandbox has them:
 * one per kind of difference `sf oncehub compare` reports.
 */
function withCompareFields(builder: OrgBuilder): OrgBuilder {
  return builder
    .withCustomField('Lead', picklist('Meeting_Type__c', ['Demo', 'Webinar'], { label: 'Meeting Type', restrictedPicklist: true }))
    .withCustomField('Lead', picklist('Channel__c', ['Direct', 'Partner'], { label: 'Channel', restrictedPicklist: true }))
    .withCustomField('Lead', str('Campaign_Code__c', 50, { label: 'Campaign Code' }))
    .withCustomField('Lead', str('Source_Detail__c', 255, { label: 'Source Detail' }))
    .withCustomField('Lead', str('Partner_Code__c', 50, { label: 'Partner Code' }))
    .withCustomField('Lead', str('Referral__c', 100, { label: 'Referral' }));
}

/** Every step done (the Event layout fields unless told), the compare fields, one validation rule. */
function readyForCompare(options: BaseOptions, ready: { apiUser?: string; layoutFields?: boolean } = {}): OrgBuilder {
  const builder = new OrgBuilder(options);
  if (ready.apiUser) builder.withApiUser(ready.apiUser);
  builder.withPackage().withPermsetAssigned();
  if (ready.layoutFields !== false) builder.withEventLayoutFields();
  return withCompareFields(
    builder
      .withAssignmentRules()
      .withRequiredLeadRegion()
      .withValidationRule({ object: 'Lead', name: 'Phone_Required', errorMessage: 'Please enter a phone number.', formula: 'ISBLANK(Phone)' })
  );
}

export const scenarios = {
  /** The base org (production unless `sandbox`/`scratch`), admin API user, no package. */
  base(options: BaseOptions = {}): OrgBuilder {
    return new OrgBuilder(options);
  },
  /**
   * The demo org: production, admin API user, package installed but permission set not assigned,
   * Event layouts without the package fields, one required field, one validation rule,
   * one duplicate rule and an active Lead assignment rule.
   */
  demo(options: BaseOptions = {}): OrgBuilder {
    return new OrgBuilder(options)
      .withPackage()
      .withRequiredLeadRegion()
      .withValidationRule({ object: 'Lead', name: 'Phone_Required', errorMessage: 'Please enter a phone number.', formula: 'ISBLANK(Phone)', errorDisplayField: 'Phone' })
      .withDuplicateRule({ object: 'Lead', developerName: 'Standard_Rule_for_Leads_with_Duplicate_Contacts' })
      .withAssignmentRule('Lead', 'Standard Lead Routing');
  },
  /** The demo org with 95 % of its daily API requests used (14250 of 15000): doctor's api-usage warns. */
  nearApiLimit(options: BaseOptions = {}): OrgBuilder {
    return scenarios.demo(options).withApiUsage(14_250, 15_000);
  },
  /**
   * The demo org plus required fields without defaults of the kinds OnceHub treats differently: a restricted picklist
   * `Lead.Lead_Type__c` (first value inactive), a number `Contact.Score__c`, a date `Case.Due_Date__c` and an email
   * `Account.Billing_Email__c`.
   */
  requiredFieldTypes(options: BaseOptions = {}): OrgBuilder {
    return scenarios
      .demo(options)
      .withCustomField(
        'Lead',
        field('Lead_Type__c', 'picklist', {
          label: 'Lead Type',
          nillable: false,
          restrictedPicklist: true,
          picklistValues: [
            { value: 'Legacy', label: 'Legacy', active: false, defaultValue: false },
            { value: 'Inbound', label: 'Inbound', active: true, defaultValue: false },
            { value: 'Outbound', label: 'Outbound', active: true, defaultValue: false },
          ],
        })
      )
      .withCustomField('Contact', field('Score__c', 'double', { label: 'Score', nillable: false }))
      .withCustomField('Case', field('Due_Date__c', 'date', { label: 'Due Date', nillable: false }))
      .withCustomField('Account', field('Billing_Email__c', 'email', { label: 'Billing Email', nillable: false }));
  },
  /**
   * The sandbox where OnceHub was set up and tested (`sf oncehub compare`'s source): every step done for
   * `admin@acme.example.uat`, the compare fields, ids of its own (pod `Sb`) so it can be logged in next to production.
   */
  sandboxReady(): OrgBuilder {
    return readyForCompare({ sandbox: true, pod: 'Sb', orgName: 'Acme Corporation (UAT)' }, { apiUser: SANDBOX_ADMIN_USERNAME });
  },
  /** Production set up exactly like sandboxReady(): compare finds nothing that matters. */
  productionReady(): OrgBuilder {
    return readyForCompare({});
  },
  /**
   * Production that drifted from sandboxReady() in every way compare reports: the permission set not assigned and the
   * layout fields missing (checks); Campaign_Code__c missing, Source_Detail__c a text area, Partner_Code__c read-only,
   * Referral__c not updateable, Meeting_Type__c without "Webinar", Channel__c's "Partner" inactive, a newly required
   * Budget__c, and a validation rule and a duplicate rule only here.
   */
  productionDrifted(): OrgBuilder {
    return new OrgBuilder({})
      .withPackage()
      .withAssignmentRules()
      .withRequiredLeadRegion()
      .withValidationRule({ object: 'Lead', name: 'Phone_Required', errorMessage: 'Please enter a phone number.', formula: 'ISBLANK(Phone)' })
      .withValidationRule({ object: 'Lead', name: 'Budget_Positive', errorMessage: 'Budget must be positive.', formula: 'Budget__c <= 0' })
      .withDuplicateRule({ object: 'Contact', developerName: 'Standard_Contact_Duplicate_Rule' })
      .withCustomField('Lead', picklist('Meeting_Type__c', ['Demo'], { label: 'Meeting Type', restrictedPicklist: true }))
      .withCustomField('Lead', field('Channel__c', 'picklist', { label: 'Channel', restrictedPicklist: true, picklistValues: activeValues(['Direct', 'Partner'], ['Partner']) }))
      .withCustomField('Lead', field('Source_Detail__c', 'textarea', { label: 'Source Detail', length: 32_768 }))
      .withCustomField('Lead', readOnly(str('Partner_Code__c', 50, { label: 'Partner Code' })))
      .withCustomField('Lead', { ...str('Referral__c', 100, { label: 'Referral' }), updateable: false })
      .withCustomField('Lead', field('Budget__c', 'currency', { label: 'Budget', nillable: false }));
  },
  /** The demo's production: like sandboxReady() but the Event layouts lack the package fields and "Webinar" is missing. */
  productionForDemo(): OrgBuilder {
    return readyForCompare({}, { layoutFields: false }).withCustomField(
      'Lead',
      picklist('Meeting_Type__c', ['Demo'], { label: 'Meeting Type', restrictedPicklist: true })
    );
  },
};
