/**
 * The low-level writes the scenario builders share: licenses, profiles with their permission sets, users,
 * permission set assignments and groups, page layouts. Each keeps the org as Salesforce keeps it (a profile owns
 * a permission set, an assignment row per user and set, …); the builders (builder.ts) and the base org
 * (base-org.ts) call them.
 */
import { type GroupStatus, MINIMAL_API_PROFILE, NAMESPACE, OPS_ADMIN_USERNAME, PERMSET_NAME, type UserOptions } from './names.js';
import { layoutItem, type LayoutMetadata, metadataLayoutFullName } from '../layouts.js';
import { sfDateTime, type OrgModel, type SRecord } from '../model/org.js';
import { PERMISSION_FIELDS, type PermissionName } from '../model/standard-objects.js';

/** Reproducible timestamps for everything the builders create. */
export const BUILD_TIME = new Date('2025-01-15T09:30:00.000Z');

export type Perms = Partial<Record<PermissionName, boolean>>;
export type ObjectAccess = Record<string, { create?: boolean; read?: boolean; edit?: boolean; delete?: boolean; viewAll?: boolean; modifyAll?: boolean }>;

export const ALL_PERMS: Perms = Object.fromEntries(PERMISSION_FIELDS.map((p) => [p, true]));
export const CRUD = { create: true, read: true, edit: true, delete: true };
export const FULL = { ...CRUD, viewAll: true, modifyAll: true };
export const SALES_OBJECTS = ['Account', 'Contact', 'Lead', 'Case'] as const;
export type SalesObject = (typeof SALES_OBJECTS)[number];

export const STANDARD_USER_PERMS: Perms = {
  PermissionsApiEnabled: true,
  PermissionsEditEvent: true,
  PermissionsEditTask: true,
  PermissionsConvertLeads: true,
  PermissionsRunReports: true,
  PermissionsLightningExperienceUser: true,
};

export function adminAccess(modifyAll = true): ObjectAccess {
  const a = modifyAll ? FULL : { ...CRUD, viewAll: true };
  return { Account: a, Contact: a, Lead: a, Case: a };
}

export class OrgWriter {
  public constructor(public readonly org: OrgModel) {}

  public license(key: string): SRecord {
    const lic = this.org.records('UserLicense').find((l) => l.LicenseDefinitionKey === key);
    if (!lic) throw new Error(`No user license ${key}`);
    return lic;
  }

  public profile(name: string): SRecord {
    const p = this.org.records('Profile').find((r) => r.Name === name);
    if (!p) throw new Error(`No profile '${name}'`);
    return p;
  }

  public profilePermissionSet(profileName: string): SRecord {
    const profile = this.profile(profileName);
    const ps = this.org.records('PermissionSet').find((p) => p.IsOwnedByProfile === true && p.ProfileId === profile.Id);
    if (!ps) throw new Error(`No profile permission set for '${profileName}'`);
    return ps;
  }

  public packagePermissionSet(): SRecord {
    const ps = this.org.records('PermissionSet').find((p) => p.NamespacePrefix === NAMESPACE && p.Name === PERMSET_NAME);
    if (!ps) throw new Error('The OnceHub permission set needs the package: call withPackage() first');
    return ps;
  }

  /** A permission set group with its Type='Group' aggregate set (the union of the components); returns that set. */
  public createGroup(label: string, components: SRecord[], status: GroupStatus = 'Updated'): SRecord {
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
  public ensureProfile(name: string, licenseKey: string, perms: Perms, access: ObjectAccess, custom: boolean): SRecord {
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

  public objectPermission(parentId: string, objectName: string, a: ObjectAccess[string]): void {
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

  public fieldPermission(parentId: string, objectName: string, fieldName: string): void {
    this.org.insert('FieldPermissions', { ParentId: parentId, SobjectType: objectName, Field: `${objectName}.${fieldName}`, PermissionsRead: true, PermissionsEdit: true });
  }

  public createUser(options: UserOptions): SRecord {
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
  public moveUser(username: string, profileName: string): void {
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
  public protectAdmin(username: string): void {
    if (username.toLowerCase() === this.org.meta.adminUsername.toLowerCase()) this.org.meta.adminUsername = OPS_ADMIN_USERNAME;
  }

  public assign(user: SRecord, ps: SRecord, extra: { ExpirationDate?: string } = {}): void {
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
  public apiAccessSet(username: string | undefined, values: Record<string, unknown>): { user: SRecord; set: SRecord } {
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

  public createLayout(objectName: string, name: string, metadata: LayoutMetadata, namespacePrefix: string | null = null): SRecord {
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

  public eventLayouts(names: string[]): SRecord[] {
    const all = this.org.where('Layout', (l) => l.TableEnumOrId === 'Event');
    const chosen = names.length ? all.filter((l) => names.includes(String(l.Name))) : all;
    if (names.length && chosen.length !== names.length) throw new Error(`Unknown Event layout in ${names.join(', ')}`);
    return chosen;
  }

  public addLayoutFields(layout: SRecord, fields: string[]): void {
    const metadata = structuredClone(layout.Metadata) as LayoutMetadata;
    const column = metadata.layoutSections[0].layoutColumns[metadata.layoutSections[0].layoutColumns.length - 1];
    for (const f of fields) column.layoutItems.push(layoutItem(f, 'Edit'));
    this.org.update('Layout', layout.Id, { Metadata: metadata });
  }
}
