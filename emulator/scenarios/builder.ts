/**
 * The chainable scenario builder: the base org (base-org.ts) plus small modifiers, each applied at once to the
 * builder's own org and recorded in `meta.steps`; `build()` hands the org over.
 *
 * API-user modifiers act on the scenario's API user (`admin@acme.example` unless `withApiUser()` chose another);
 * when they break the admin user itself, `meta.adminUsername` moves to `ops.admin@acme.example` so tests still
 * have someone who can log in and inspect.
 */
import { API_ACCESS_PERMSET_LABEL, AUDITOR_PROFILE, AUDITOR_USERNAME, type BaseOptions, CANCEL_REASON_FIELD, EVENT_STATUS_FIELD, EXPIRED_ON, type GroupStatus, LEGACY_PERMSET_LABEL, MINIMAL_PROFILE, NAMESPACE, ONCEHUB_GROUP_LABEL, PACKAGE_EVENT_FIELDS, PACKAGE_NAME, type PackageOptions, PERMSET_LABEL, PERMSET_NAME, RECALCULATING_GROUP_LABEL, SESSION_PERMSET_LABEL, type UserOptions } from './names.js';
import { adminAccess, ALL_PERMS, CRUD, FULL, type ObjectAccess, OrgWriter, SALES_OBJECTS, type SalesObject, STANDARD_USER_PERMS } from './org-writer.js';
import { field, type FieldDef, picklist, str } from '../model/schema.js';
import { eventLayout, layoutItem, salesEventLayout } from '../layouts.js';
import { type OrgConfig, OrgModel } from '../model/org.js';
import { IdFactory } from '../ids.js';
import { createBaseOrg } from './base-org.js';

export class OrgBuilder {
  private readonly org: OrgModel;
  private readonly w: OrgWriter;
  private readonly globalIds = new IdFactory('Gl', 4200);
  private built = false;

  public constructor(options: BaseOptions = {}) {
    this.w = createBaseOrg(options);
    this.org = this.w.org;
  }

  // ---- API user ---------------------------------------------------------------------------------

  /** Make `username` the scenario's API user (created as a System Administrator if missing). */
  public withApiUser(username: string, options: Omit<UserOptions, 'username'> = {}): this {
    return this.step(`withApiUser(${username})`, () => {
      if (!this.org.user(username)) this.w.createUser({ username, profile: 'System Administrator', firstName: 'API', lastName: 'Integration', ...options });
      this.org.meta.apiUsername = username;
    });
  }

  /** API user on a custom "Custom Admin" profile: every admin permission, but not System Administrator. */
  public apiUserOnCustomAdminProfile(username = this.org.meta.apiUsername): this {
    return this.step('apiUserOnCustomAdminProfile', () => {
      this.w.ensureProfile('Custom Admin', 'SFDC', ALL_PERMS, adminAccess(), true);
      this.w.moveUser(username, 'Custom Admin');
    });
  }

  /** API user on a "Salesforce Platform" licence (custom "Platform Admin" profile with admin permissions). */
  public apiUserOnPlatformLicense(username = this.org.meta.apiUsername): this {
    return this.step('apiUserOnPlatformLicense', () => {
      this.w.ensureProfile('Platform Admin', 'AUL', ALL_PERMS, { Account: FULL, Contact: FULL }, true);
      this.w.moveUser(username, 'Platform Admin');
    });
  }

  /** API user on a cloned admin profile without API Enabled (System Administrator cannot lose it). */
  public apiUserWithoutApiEnabled(username = this.org.meta.apiUsername): this {
    return this.step('apiUserWithoutApiEnabled', () => {
      this.w.ensureProfile('Custom Admin - No API', 'SFDC', { ...ALL_PERMS, PermissionsApiEnabled: false }, adminAccess(), true);
      this.w.moveUser(username, 'Custom Admin - No API');
      this.w.protectAdmin(username);
    });
  }

  /** API user on a cloned admin profile without Modify All Data. */
  public apiUserWithoutModifyAllData(username = this.org.meta.apiUsername): this {
    return this.step('apiUserWithoutModifyAllData', () => {
      this.w.ensureProfile('Custom Admin - No MAD', 'SFDC', { ...ALL_PERMS, PermissionsModifyAllData: false }, adminAccess(false), true);
      this.w.moveUser(username, 'Custom Admin - No MAD');
    });
  }

  /**
   * API user on an admin profile with Customize Application but neither Modify All Data nor Modify Metadata Through
   * Metadata API Functions: the Metadata API refuses it (INSUFFICIENT_ACCESS), Tooling layout writes do not.
   */
  public apiUserWithoutModifyMetadata(username = this.org.meta.apiUsername): this {
    return this.step('apiUserWithoutModifyMetadata', () => {
      this.w.ensureProfile('Custom Admin - Customize Application', 'SFDC', { ...ALL_PERMS, PermissionsModifyAllData: false, PermissionsModifyMetadata: false }, adminAccess(false), true);
      this.w.moveUser(username, 'Custom Admin - Customize Application');
    });
  }

  /** API user deactivated: its sessions are refused. */
  public apiUserInactive(username = this.org.meta.apiUsername): this {
    return this.step('apiUserInactive', () => {
      this.org.update('User', this.org.requireUser(username).Id, { IsActive: false });
      this.w.protectAdmin(username);
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
      this.w.ensureProfile(
        name,
        'SFDC',
        { ...STANDARD_USER_PERMS, PermissionsViewSetup: options.viewSetup ?? true, PermissionsEditEvent: editEvents },
        access,
        true
      );
      this.w.moveUser(username, name);
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
      this.w.ensureProfile(MINIMAL_PROFILE, 'SFDC', { PermissionsLightningExperienceUser: true }, {}, true);
      this.w.moveUser(username, MINIMAL_PROFILE);
      const ps = this.org.insert('PermissionSet', {
        Name: 'OnceHub_API_Access',
        Label: API_ACCESS_PERMSET_LABEL,
        IsOwnedByProfile: false,
        IsCustom: true,
        Type: 'Regular',
        LicenseId: this.w.license('SFDC').Id,
        PermissionsApiEnabled: true,
        PermissionsEditEvent: true,
        PermissionsViewSetup: true,
      });
      for (const o of SALES_OBJECTS) this.w.objectPermission(ps.Id, o, CRUD);
      this.w.assign(this.org.requireUser(username), ps);
    });
  }

  /** API user frozen (Setup > Users > Freeze): IsActive stays true, UserLogin.IsFrozen is true, sessions are refused. */
  public apiUserFrozen(username = this.org.meta.apiUsername): this {
    return this.step('apiUserFrozen', () => {
      const user = this.org.requireUser(username);
      for (const login of this.org.where('UserLogin', (l) => l.UserId === user.Id)) this.org.update('UserLogin', login.Id, { IsFrozen: true });
      this.w.protectAdmin(username);
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
      const aggregate = this.w.createGroup(label, [this.w.packagePermissionSet()], options.status);
      for (const u of targets) this.w.assign(this.org.requireUser(u), aggregate);
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
      const { user, set } = this.w.apiAccessSet(options.username, { Name: 'OnceHub_API_Access_Temporary', Label: API_ACCESS_PERMSET_LABEL, Type: 'Regular' });
      this.w.assign(user, set, { ExpirationDate: options.expiredOn ?? EXPIRED_ON });
    });
  }

  /**
   * The API user's advanced-secure access comes only from a session-based permission set (`HasActivationRequired`,
   * `Type='Session'`), which grants nothing until activated in a session, so never to an API client: profile "OnceHub
   * Minimal API Access" (API Enabled, View Setup) plus "OnceHub API Access (session)" (Edit Events, R/C/E/D).
   */
  public apiUserViaSessionBasedPermissionSet(username?: string): this {
    return this.step('apiUserViaSessionBasedPermissionSet', () => {
      const { user, set } = this.w.apiAccessSet(username, {
        Name: 'OnceHub_API_Access_Session',
        Label: SESSION_PERMSET_LABEL,
        Type: 'Session',
        HasActivationRequired: true,
      });
      this.w.assign(user, set);
    });
  }

  /**
   * The API user's advanced-secure access comes only from a permission set group (default label "OnceHub
   * Integration") whose `Status` is not `Updated` (default `Outdated`: a component changed since its last
   * recalculation). Its aggregate set still holds the last recalculation's permissions, which Salesforce applies.
   */
  public apiUserViaRecalculatingGroup(options: { username?: string; status?: GroupStatus; groupLabel?: string } = {}): this {
    return this.step(`apiUserViaRecalculatingGroup(${options.status ?? 'Outdated'})`, () => {
      const { user, set } = this.w.apiAccessSet(options.username, { Name: 'OnceHub_API_Access_Grouped', Label: API_ACCESS_PERMSET_LABEL, Type: 'Regular' });
      const aggregate = this.w.createGroup(options.groupLabel ?? RECALCULATING_GROUP_LABEL, [set], options.status ?? 'Outdated');
      this.w.assign(user, aggregate);
    });
  }

  /** The package permission set assigned to the users (default: API user) with an `ExpirationDate` in the past. */
  public withPermsetAssignmentExpired(options: { usernames?: string[]; expiredOn?: string } = {}): this {
    const targets = options.usernames?.length ? options.usernames : [this.org.meta.apiUsername];
    return this.step(`withPermsetAssignmentExpired(${targets.join(',')})`, () => {
      const ps = this.w.packagePermissionSet();
      for (const u of targets) this.w.assign(this.org.requireUser(u), ps, { ExpirationDate: options.expiredOn ?? EXPIRED_ON });
    });
  }

  /**
   * A user who may read Setup but not UserLogin (default `auditor@acme.example`, profile "Setup Auditor": API
   * Enabled, View Setup, View All Data, no Manage Users): UserLogin needs Manage Users.
   */
  public withSetupAuditor(username = AUDITOR_USERNAME): this {
    return this.step(`withSetupAuditor(${username})`, () => {
      this.w.ensureProfile(
        AUDITOR_PROFILE,
        'SFDC',
        { ...STANDARD_USER_PERMS, PermissionsViewSetup: true, PermissionsViewAllData: true, PermissionsViewAllUsers: true },
        {},
        true
      );
      this.w.createUser({ username, firstName: 'Sam', lastName: 'Auditor', profile: AUDITOR_PROFILE });
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

      const sfdc = this.w.license('SFDC');
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
      for (const o of SALES_OBJECTS) this.w.objectPermission(ps.Id, o, { create: true, read: true, edit: true });
      const sysAdminPs = this.w.profilePermissionSet('System Administrator');
      for (const f of PACKAGE_EVENT_FIELDS) {
        this.w.fieldPermission(ps.Id, 'Event', f);
        this.w.fieldPermission(sysAdminPs.Id, 'Event', f);
      }
    });
  }

  /** The package's permission set carries its legacy label "ScheduleOnce connector for Salesforce". */
  public withLegacyPermsetLabel(): this {
    return this.step('withLegacyPermsetLabel', () => {
      this.org.update('PermissionSet', this.w.packagePermissionSet().Id, { Label: LEGACY_PERMSET_LABEL });
    });
  }

  /** Assign the package permission set (default: to the API user). */
  public withPermsetAssigned(...usernames: string[]): this {
    const targets = usernames.length ? usernames : [this.org.meta.apiUsername];
    return this.step(`withPermsetAssigned(${targets.join(',')})`, () => {
      const ps = this.w.packagePermissionSet();
      for (const u of targets) this.w.assign(this.org.requireUser(u), ps);
    });
  }

  // ---- Event layouts ----------------------------------------------------------------------------

  /** "Event Layout" for System Administrator and `salesName` (default "Sales Event Layout") for Standard User. */
  public withTwoEventLayouts(salesName = 'Sales Event Layout'): this {
    return this.step(`withTwoEventLayouts(${salesName})`, () => {
      const sales = this.w.createLayout('Event', salesName, salesEventLayout());
      const standardUser = this.w.profile('Standard User');
      for (const pl of this.org.where('ProfileLayout', (p) => p.TableEnumOrId === 'Event' && p.ProfileId === standardUser.Id)) {
        this.org.update('ProfileLayout', pl.Id, { LayoutId: sales.Id });
      }
    });
  }

  /** Add both package fields to every Event layout (or the named ones): setup step 3 done. */
  public withEventLayoutFields(...layoutNames: string[]): this {
    return this.step(`withEventLayoutFields(${layoutNames.join(',')})`, () => {
      for (const layout of this.w.eventLayouts(layoutNames)) this.w.addLayoutFields(layout, [...PACKAGE_EVENT_FIELDS]);
    });
  }

  /** Only `ScheduleOnce__Event_status__c` on one Event layout (default "Event Layout"): step 3 half done. */
  public withEventLayoutPartlyDone(layoutName = 'Event Layout'): this {
    return this.step(`withEventLayoutPartlyDone(${layoutName})`, () => {
      for (const layout of this.w.eventLayouts([layoutName])) this.w.addLayoutFields(layout, [EVENT_STATUS_FIELD]);
    });
  }

  /**
   * An Event layout whose name needs encoding in its Metadata API full name ("Event Layout (Sales & Service)" is
   * `Event-Event Layout %28Sales %26 Service%29`), in use by the Standard User profile; "Event Layout" stays with the
   * others. A readMetadata of any other spelling answers an empty record (forcedotcom/cli#2869).
   */
  public withEncodedNameEventLayout(name = 'Event Layout (Sales & Service)'): this {
    return this.step(`withEncodedNameEventLayout(${name})`, () => {
      const layout = this.w.createLayout('Event', name, salesEventLayout());
      const standardUser = this.w.profile('Standard User');
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
      const layout = this.w.createLayout('Event', name, metadata, NAMESPACE);
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
    return this.step(`withUser(${options.username})`, () => void this.w.createUser(options));
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
      const ps = options.assigned ? this.w.packagePermissionSet() : undefined;
      for (let i = 1; i <= count; i++) {
        const n = String(i).padStart(width, '0');
        const user = this.w.createUser({ username: `user${n}@acme.example`, firstName: 'User', lastName: n, profile: options.profile ?? 'Standard User' });
        if (ps && isAssigned(i)) this.w.assign(user, ps);
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

  private step(name: string, fn: () => void): this {
    if (this.built) throw new Error(`OrgBuilder: ${name} after build()`);
    fn();
    this.org.meta.steps.push(name);
    return this;
  }
}

function requiredRegionField(): FieldDef {
  return field('Region__c', 'string', { length: 100, label: 'Region', nillable: false, custom: true });
}
