/**
 * The in-memory org: schema + records + the org-level settings that Salesforce leaves unspecified
 * (messages and limits that no public source pins down, marked [U] in emulator/README.md, are configurable here).
 */
import { IdFactory, to18 } from '../ids.js';
import { Schema, SObjectType, type FieldDef, type Permission } from './schema.js';
import { asText } from '../util.js';
import { virtualRecords } from './virtual.js';

export type SRecord = Record<string, unknown> & { Id: string };

export interface LicenseMismatchContext {
  permissionSet: SRecord;
  assignee: SRecord;
  permissionSetLicense: SRecord | undefined;
  userLicense: SRecord | undefined;
}

/** Texts Salesforce does not document precisely; tests and scenarios may override them. */
export interface OrgMessages {
  duplicateAssignment: (assigneeId: string, permissionSetId: string) => string;
  licenseMismatch: (ctx: LicenseMismatchContext) => string;
  profileOwnedAssignment: (permissionSet: SRecord) => string;
  malformedId: (fieldLabel: string, value: string) => string;
  invalidCrossReference: (fieldLabel: string, value: string) => string;
  requiredFieldsMissing: (fields: string[]) => string;
  insufficientAccess: string;
  layoutDuplicateField: (field: string) => string;
  layoutUnknownField: (field: string, entity: string) => string;
  tooManyCollectionRecords: (max: number) => string;
  tooManySubrequests: (max: number) => string;
  tooManyQueryOrCollectionSubrequests: (max: number) => string;
}

export interface OrgConfig {
  messages: OrgMessages;
  /** Error code used for a PermissionSet/UserLicense mismatch. */
  licenseMismatchCode: string;
  /** Whether a permission set may be assigned to an inactive user (unconfirmed; defaults to allowed). */
  allowAssignToInactiveUser: boolean;
  limits: {
    dailyApiRequestsMax: number;
    dailyApiRequestsUsed: number;
  };
  composite: { maxSubrequests: number; maxQueryOrCollectionSubrequests: number; tooManyCode: string };
  collections: { maxRecords: number; tooManyCode: string };
  /** Salesforce's login host, as it appears in identity `id`/`sub` URLs. The emulator's own URL by default. */
  loginUrl?: string;
}

export function defaultConfig(): OrgConfig {
  return {
    messages: {
      duplicateAssignment: (assignee, ps) => `Duplicate PermissionSetAssignment. Assignee: ${assignee}; Permission Set: ${ps}`,
      licenseMismatch: ({ permissionSet, permissionSetLicense, userLicense }) =>
        `The user license doesn't match the permission set license. Permission set ${asText(permissionSet.Label)} requires the ` +
        `${asText(permissionSetLicense?.Name) || 'unknown'} license, but the user has the ${asText(userLicense?.Name) || 'unknown'} license.`,
      profileOwnedAssignment: () => "You can't assign or unassign this permission set because it's associated with a profile.",
      malformedId: (label, value) => `${label}: id value of incorrect type: ${value}`,
      invalidCrossReference: () => 'invalid cross reference id',
      requiredFieldsMissing: (fields) => `Required fields are missing: [${fields.join(', ')}]`,
      insufficientAccess: 'insufficient access rights on cross-reference id',
      layoutDuplicateField: (f) => `Field ${f} appears more than once in the layout`,
      layoutUnknownField: (f, entity) => `Field ${f} does not exist on ${entity}. Check the spelling.`,
      tooManyCollectionRecords: (max) => `Number of records in the request exceeds the limit of ${max}`,
      tooManySubrequests: (max) => `Exceeded max limit of ${max} subrequests in a composite request.`,
      tooManyQueryOrCollectionSubrequests: (max) =>
        `Exceeded max limit of ${max} query or sObject Collections subrequests in a composite request.`,
    },
    licenseMismatchCode: 'FIELD_INTEGRITY_EXCEPTION',
    allowAssignToInactiveUser: true,
    limits: { dailyApiRequestsMax: 15000, dailyApiRequestsUsed: 118 },
    composite: { maxSubrequests: 25, maxQueryOrCollectionSubrequests: 5, tooManyCode: 'INVALID_REQUEST' },
    collections: { maxRecords: 200, tooManyCode: 'EXCEEDED_ID_LIMIT' },
  };
}

export interface OrgMeta {
  /** The user the scenario's API-user modifiers applied to (default `admin@acme.example`). */
  apiUsername: string;
  /** A user that can always log in and administer the org. */
  adminUsername: string;
  /** Names of the builder steps that produced this org, for test output. */
  steps: string[];
}

/** Salesforce's datetime format: `2024-02-08T17:46:17.000+0000`. */
export function sfDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

interface JournalEntry {
  table: Map<string, SRecord>;
  id: string;
  before: SRecord | undefined;
}

export class OrgModel {
  public readonly tables = new Map<string, Map<string, SRecord>>();
  /** The clock used for audit fields; scenarios pin it so builds are reproducible. */
  public now: () => Date = () => new Date();
  private journal: JournalEntry[] | undefined;
  private actorId: string | undefined;
  private autoNumber = 1000;

  public constructor(
    public readonly schema: Schema,
    public readonly config: OrgConfig = defaultConfig(),
    public readonly meta: OrgMeta = { apiUsername: 'admin@acme.example', adminUsername: 'admin@acme.example', steps: [] },
    public readonly ids = new IdFactory()
  ) {}

  // ---- identity -------------------------------------------------------------------------------

  public get organization(): SRecord {
    const org = this.records('Organization')[0];
    if (!org) throw new Error('Emulator org has no Organization row');
    return org;
  }

  public get orgId(): string {
    return this.organization.Id;
  }

  public get isSandbox(): boolean {
    return this.organization.IsSandbox === true;
  }

  /** Usernames are case-insensitive in Salesforce. */
  public user(username: string): SRecord | undefined {
    const wanted = username.toLowerCase();
    return this.records('User').find((u) => String(u.Username).toLowerCase() === wanted);
  }

  public requireUser(username: string): SRecord {
    const u = this.user(username);
    if (!u) throw new Error(`Emulator org has no user '${username}'`);
    return u;
  }

  // ---- records --------------------------------------------------------------------------------

  public type(name: string): SObjectType {
    return this.schema.require(name);
  }

  /**
   * All rows of an object (live objects for stored tables, fresh ones for virtual tables). `viewerId` is the calling
   * user, for the views that depend on it (UserPermissionAccess).
   */
  public records(typeName: string, viewerId?: string): SRecord[] {
    const type = this.schema.get(typeName);
    if (!type) return [];
    if (type.virtual) return virtualRecords(this, type.name, viewerId);
    return [...this.table(type.name).values()];
  }

  public get(typeName: string, id: unknown): SRecord | undefined {
    const id18 = to18(id);
    if (!id18) return undefined;
    const type = this.schema.get(typeName);
    if (!type) return undefined;
    if (type.virtual) return this.records(type.name).find((r) => r.Id === id18);
    return this.table(type.name).get(id18);
  }

  /** Find any record by id, using the key prefix to pick the table. */
  public find(id: unknown): { type: SObjectType; record: SRecord } | undefined {
    const id18 = to18(id);
    if (!id18) return undefined;
    const type = this.schema.byKeyPrefix(id18.slice(0, 3));
    if (!type) return undefined;
    const record = this.get(type.name, id18);
    return record ? { type, record } : undefined;
  }

  public where(typeName: string, predicate: (r: SRecord) => boolean): SRecord[] {
    return this.records(typeName).filter(predicate);
  }

  /**
   * Store a record without API validation (scenario builders, DML after validation).
   * Field names are matched case-insensitively and stored with their canonical casing.
   */
  public insert(typeName: string, values: Record<string, unknown>): SRecord {
    const type = this.type(typeName);
    const now = this.timestamp();
    const record: SRecord = { Id: '' };
    for (const f of type.fields) {
      if (f.name === 'Id') continue;
      record[f.name] = f.defaultValue === undefined ? null : structuredClone(f.defaultValue);
    }
    for (const [key, value] of Object.entries(values)) {
      const def = this.requireField(type, key);
      record[def.name] = normalizeValue(def, value);
    }
    record.Id = to18(values.Id ?? values.id) ?? this.ids.next(type.keyPrefix ?? '000');
    for (const f of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) if (type.field(f) && record[f] == null) record[f] = now;
    for (const f of ['CreatedById', 'LastModifiedById', 'OwnerId']) if (type.field(f) && record[f] == null) record[f] = this.actorId ?? null;
    for (const f of type.fields) {
      if (f.autoNumber && record[f.name] == null) record[f.name] = String(++this.autoNumber).padStart(8, '0');
    }
    this.deriveFields(type, record);
    this.write(type.name, record.Id, record);
    return record;
  }

  public update(typeName: string, id: string, values: Record<string, unknown>): SRecord {
    const type = this.type(typeName);
    const current = this.get(type.name, id);
    if (!current) throw new Error(`No ${type.name} ${id}`);
    const next: SRecord = { ...current };
    for (const [key, value] of Object.entries(values)) {
      const def = this.requireField(type, key);
      next[def.name] = normalizeValue(def, value);
    }
    const now = this.timestamp();
    if (type.field('LastModifiedDate')) next.LastModifiedDate = now;
    if (type.field('SystemModstamp')) next.SystemModstamp = now;
    if (type.field('LastModifiedById') && this.actorId) next.LastModifiedById = this.actorId;
    this.deriveFields(type, next);
    this.write(type.name, current.Id, next);
    return next;
  }

  public delete(typeName: string, id: string): boolean {
    const type = this.type(typeName);
    const id18 = to18(id);
    if (!id18 || !this.table(type.name).has(id18)) return false;
    this.write(type.name, id18, undefined);
    return true;
  }

  /** Run `fn` with `userId` as CreatedById/LastModifiedById/OwnerId of what it writes. */
  public as<T>(userId: string | undefined, fn: () => T): T {
    const previous = this.actorId;
    this.actorId = userId;
    try {
      return fn();
    } finally {
      this.actorId = previous;
    }
  }

  // ---- transactions ---------------------------------------------------------------------------

  /** Start recording writes so they can be undone (allOrNone collections and composite). */
  public begin(): { rollback(): void; commit(): void } {
    const outer = this.journal;
    const journal: JournalEntry[] = [];
    this.journal = journal;
    return {
      rollback: (): void => {
        for (const entry of journal.reverse()) {
          if (entry.before) entry.table.set(entry.id, entry.before);
          else entry.table.delete(entry.id);
        }
        this.journal = outer;
      },
      commit: (): void => {
        outer?.push(...journal);
        this.journal = outer;
      },
    };
  }

  // ---- users and permissions ------------------------------------------------------------------

  /**
   * The permission sets whose grants reach a user's API session (Salesforce Object Reference: PermissionSetAssignment,
   * PermissionSet, PermissionSetGroupComponent): one per PermissionSetAssignment row — the
   * profile-owned set's row included, a group's row pointing at the group's Type='Group' aggregate set — plus the
   * profile itself, so that a hand-made user without the profile-owned row keeps its profile's permissions.
   * Not counted: an assignment whose `ExpirationDate` has passed (Salesforce removes access on that date), and a
   * session-based set (`HasActivationRequired`), which grants nothing until activated in a session. A group's
   * aggregate set counts whatever its `Status`: it holds the permissions of its last recalculation.
   */
  public grantingSetsOf(userId: string): SRecord[] {
    const user = this.get('User', userId);
    if (!user) return [];
    const sets: SRecord[] = [];
    const profile = this.get('Profile', user.ProfileId);
    if (profile) sets.push(profile);
    for (const psa of this.where('PermissionSetAssignment', (a) => a.AssigneeId === user.Id && !this.isExpired(a))) {
      const ps = this.get('PermissionSet', psa.PermissionSetId);
      if (ps && ps.HasActivationRequired !== true) sets.push(ps);
    }
    return sets;
  }

  /** An assignment whose ExpirationDate is in the past (by the org's clock) grants nothing. */
  public isExpired(assignment: SRecord): boolean {
    if (typeof assignment.ExpirationDate !== 'string') return false;
    const at = Date.parse(assignment.ExpirationDate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return !Number.isNaN(at) && at <= this.now().getTime();
  }

  /** Effective `Permissions*` of a user: profile plus every assigned permission set (or group). */
  public permissionsOf(userId: string): Set<Permission> {
    const granted = new Set<Permission>();
    for (const s of this.grantingSetsOf(userId)) {
      for (const [k, v] of Object.entries(s)) if (k.startsWith('Permissions') && v === true) granted.add(k as Permission);
    }
    return granted;
  }

  /** Effective object access of a user: the OR of the ObjectPermissions of its sets; View/Modify All Data grant all. */
  public objectAccessOf(userId: string, sobject: string): { read: boolean; create: boolean; edit: boolean; delete: boolean } {
    const perms = this.permissionsOf(userId);
    const all = perms.has('PermissionsModifyAllData');
    const access = { read: all || perms.has('PermissionsViewAllData'), create: all, edit: all, delete: all };
    const setIds = new Set(this.grantingSetsOf(userId).map((s) => s.Id));
    // The profile's grants live on its owned set.
    const user = this.get('User', userId);
    for (const ps of this.where('PermissionSet', (p) => p.IsOwnedByProfile === true && p.ProfileId === user?.ProfileId)) setIds.add(ps.Id);
    for (const op of this.where('ObjectPermissions', (o) => setIds.has(String(o.ParentId)) && String(o.SobjectType).toLowerCase() === sobject.toLowerCase())) {
      access.read ||= op.PermissionsRead === true;
      access.create ||= op.PermissionsCreate === true;
      access.edit ||= op.PermissionsEdit === true;
      access.delete ||= op.PermissionsDelete === true;
    }
    return access;
  }

  /** Frozen users keep IsActive=true; only their UserLogin row tells (Salesforce Object Reference, UserLogin). */
  public isFrozen(userId: string): boolean {
    return this.where('UserLogin', (l) => l.UserId === userId).some((l) => l.IsFrozen === true);
  }

  /**
   * Salesforce keeps a group's Type='Group' aggregate set equal to the union of its components (Status 'Updated'):
   * its `Permissions*` and its ObjectPermissions rows are recomputed here whenever a builder changes the group.
   */
  public recalculateGroup(groupId: string): SRecord {
    const aggregate = this.records('PermissionSet').find((p) => p.PermissionSetGroupId === groupId && p.Type === 'Group');
    if (!aggregate) throw new Error(`Permission set group ${groupId} has no aggregate permission set`);
    const components = this.where('PermissionSetGroupComponent', (c) => c.PermissionSetGroupId === groupId)
      .map((c) => this.get('PermissionSet', c.PermissionSetId))
      .filter((p): p is SRecord => p !== undefined);
    const perms: Record<string, boolean> = {};
    for (const key of Object.keys(aggregate)) if (key.startsWith('Permissions')) perms[key] = components.some((c) => c[key] === true);
    this.update('PermissionSet', aggregate.Id, perms);
    for (const op of this.where('ObjectPermissions', (o) => o.ParentId === aggregate.Id)) this.delete('ObjectPermissions', op.Id);
    const byObject = new Map<string, Record<string, boolean>>();
    for (const op of this.where('ObjectPermissions', (o) => components.some((c) => c.Id === o.ParentId))) {
      const merged = byObject.get(String(op.SobjectType)) ?? {};
      for (const [k, v] of Object.entries(op)) if (k.startsWith('Permissions')) merged[k] = merged[k] === true || v === true;
      byObject.set(String(op.SobjectType), merged);
    }
    for (const [sobject, merged] of byObject) this.insert('ObjectPermissions', { ParentId: aggregate.Id, SobjectType: sobject, ...merged });
    return aggregate;
  }

  public hasAnyPermission(userId: string, perms: readonly Permission[] | undefined): boolean {
    if (!perms || perms.length === 0) return true;
    const granted = this.permissionsOf(userId);
    return perms.some((p) => granted.has(p));
  }

  /** Whether the object exists at all for this user (Setup objects need View Setup etc.). */
  public canSee(userId: string | undefined, type: SObjectType): boolean {
    return userId === undefined || this.hasAnyPermission(userId, type.visibleWith);
  }

  public userLicenseOf(user: SRecord): SRecord | undefined {
    const profile = this.get('Profile', user.ProfileId);
    return profile ? this.get('UserLicense', profile.UserLicenseId) : undefined;
  }

  // ---- internals ------------------------------------------------------------------------------

  public requireField(type: SObjectType, name: string): FieldDef {
    const def = type.field(name);
    if (!def) throw new Error(`Emulator: no field '${name}' on ${type.name}`);
    return def;
  }

  private table(name: string): Map<string, SRecord> {
    let t = this.tables.get(name);
    if (!t) {
      t = new Map();
      this.tables.set(name, t);
    }
    return t;
  }

  private write(typeName: string, id: string, record: SRecord | undefined): void {
    const table = this.table(typeName);
    this.journal?.push({ table, id, before: table.get(id) });
    if (record) table.set(id, record);
    else table.delete(id);
  }

  private timestamp(): string {
    return sfDateTime(this.now());
  }

  /** Formula-like fields Salesforce computes (Name from first/last name). */
  private deriveFields(type: SObjectType, record: SRecord): void {
    if ((type.name === 'User' || type.name === 'Contact' || type.name === 'Lead') && type.field('FirstName')) {
      record.Name = [record.FirstName, record.LastName].filter((p) => p != null && p !== '').join(' ');
    }
  }
}

/** Store ids in 18-char form so lookups and comparisons are uniform. */
function normalizeValue(def: FieldDef, value: unknown): unknown {
  if (value === undefined) return null;
  if ((def.type === 'reference' || def.type === 'id') && !def.referenceKey && typeof value === 'string') return to18(value) ?? value;
  if (def.type === 'complexvalue') return structuredClone(value);
  return value;
}
