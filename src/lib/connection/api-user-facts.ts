import type { Connection } from '@salesforce/core';
import { quote, quoteList } from '../soql.js';
import { errorCodeOf } from '../org/errors.js';
import { describeRef } from '../org/identity.js';
import {
  describeRequest,
  queryRequest,
  type SalesforceRecord,
  type SubRequest,
  type SubResponse,
  subQuery,
} from '../org/requests.js';

/**
 * Phase 1 facts: what the org says about OnceHub's API user. `apiUserRequests` says what to fetch (at most five
 * queries, one Composite), `parseApiUserFacts` reads the answers into plain facts; `api-user.ts` judges them.
 */

export const OBJECTS_FOR_ADVANCED_MODE = ['Lead', 'Account', 'Contact', 'Case'] as const;
export type AccessObject = (typeof OBJECTS_FOR_ADVANCED_MODE)[number];
export const ACCESS_KINDS = ['Read', 'Create', 'Edit', 'Delete'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

export type OrgFacts = {
  id: string;
  name: string;
  isSandbox: boolean;
  /** Scratch orgs report IsSandbox with a trial expiry; they count as sandboxes here. */
  isScratch: boolean;
  edition: string;
  instanceName: string | null;
};

export type ApiUserFacts = {
  id: string;
  username: string;
  name: string;
  isActive: boolean;
  /** UserLogin.IsFrozen; undefined when not read (a frozen user's own session is refused, so connect never asks). */
  isFrozen?: boolean;
  /** UserLogin was asked for but the caller may not read it (it needs Manage Users): frozen is unknown. */
  frozenUnreadable?: boolean;
  profileName: string | null;
  licenseName: string | null;
  apiEnabled: boolean;
  modifyAllData: boolean;
  editEvent: boolean;
  /** The user's access to the objects advanced secure mode needs. */
  objectAccess: Record<AccessObject, Record<AccessKind, boolean>>;
  /**
   * Where `objectAccess` comes from: the profile's object permissions (the default when absent); the union of the
   * user's profile, permission sets and groups (`sets`); or, when the caller may not read permission sets (no View
   * Setup and Configuration, typical of an advanced-secure API user checking itself), its own effective access
   * (UserEntityAccess or its describes: `describe`); or nowhere.
   */
  objectAccessSource?: 'profile' | 'sets' | 'describe' | 'unreadable';
  /**
   * Where each permission comes from, as phrases (`the profile "X"`, `the permission set "Y"`, `the permission set
   * group "Z"`); absent when the user's permission sets could not be read (then the booleans are still effective).
   */
  grantedBy?: Record<GrantedPermission | 'objectAccess', string[]>;
  /**
   * Sets that would grant a permission but do not count: a session-based permission set (nothing until activated in a
   * session, so never for an API client) and a permission set group whose Status is not Updated (its permissions are
   * being recalculated). Absent when nothing was left out.
   */
  notCounted?: Record<GrantedPermission | 'objectAccess', NotCounted[]>;
};

/** A set left out of the union, and why. */
export type NotCountedReason = { reason: 'session-based' } | { reason: 'group-status'; status: string };
export type NotCounted = { source: string } & NotCountedReason;

/** The user permissions the API-user checks need, by their column on Profile, PermissionSet and UserPermissionAccess. */
export const PERMISSION_COLUMNS = {
  apiEnabled: 'PermissionsApiEnabled',
  modifyAllData: 'PermissionsModifyAllData',
  editEvent: 'PermissionsEditEvent',
} as const;
export type GrantedPermission = keyof typeof PERMISSION_COLUMNS;
const PERMISSIONS = Object.keys(PERMISSION_COLUMNS) as GrantedPermission[];
const COLUMNS = Object.values(PERMISSION_COLUMNS).join(', ');

export const ORG_QUERY = 'SELECT Id, Name, IsSandbox, TrialExpirationDate, OrganizationType, InstanceName FROM Organization';

export const userQuery = (username: string): string =>
  'SELECT Id, Username, Name, IsActive, ProfileId, Profile.Name, Profile.UserLicense.Name, ' +
  'Profile.PermissionsApiEnabled, Profile.PermissionsModifyAllData, Profile.PermissionsEditEvent ' +
  `FROM User WHERE Username = ${quote(username)}`;

const objectPermsSubquery = (): string =>
  '(SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete FROM ObjectPerms ' +
  `WHERE SobjectType IN ${quoteList(OBJECTS_FOR_ADVANCED_MODE)})`;

/** A SOQL datetime literal (UTC, no quotes). */
export const soqlDateTime = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The assignments still in force: no ExpirationDate, or one still ahead. Salesforce removes an expired assignment's
 * access on its date (Salesforce Help, "Set Assignment Expiration Details for Users in Permission Sets and
 * Permission Set Groups"); the row may linger until it is removed, so the filter does not trust its absence.
 */
export const unexpired = (now: Date): string => `(ExpirationDate = null OR ExpirationDate > ${soqlDateTime(now)})`;

/**
 * Every permission set that reaches the user: one per PermissionSetAssignment row in force, the profile-owned set's
 * row included, a group's row pointing at its Type='Group' aggregate set (already the union of its components)
 * (Salesforce Object Reference: PermissionSetAssignment, "a user's assignment to a permission set or permission set
 * group"; PermissionSet, IsOwnedByProfile and "contains aggregated group permissions"; PermissionSetGroupComponent). Their permissions and object access, ORed, are what the user can really do, except a
 * session-based set (HasActivationRequired) and a group not yet recalculated (PermissionSetGroup.Status).
 */
export const userPermissionSetsQuery = (username: string, now: Date = new Date()): string =>
  'SELECT Id, Label, Type, IsOwnedByProfile, HasActivationRequired, Profile.Name, PermissionSetGroupId, ' +
  `PermissionSetGroup.MasterLabel, PermissionSetGroup.Status, ${COLUMNS}, ` +
  `${objectPermsSubquery()} FROM PermissionSet WHERE Id IN ` +
  `(SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = ${quote(username)} AND ${unexpired(now)})`;

/** The running user's own effective permissions: one row (as SalesforceLabs/OrgCheck and jetstreamapp/jetstream read them). */
export const USER_PERMISSION_ACCESS_QUERY = `SELECT ${COLUMNS} FROM UserPermissionAccess`;

/** The running user's own effective access to the advanced-secure objects. */
export const userEntityAccessQuery = (userId: string): string =>
  'SELECT EntityDefinitionId, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess ' +
  `WHERE UserId = ${quote(userId)} AND EntityDefinitionId IN ${quoteList(OBJECTS_FOR_ADVANCED_MODE)}`;

/**
 * Whether the user is frozen: User.IsActive stays true, only UserLogin tells (Salesforce Object Reference, UserLogin:
 * "If a user's account is frozen, they can't log in, but their account isn't deactivated").
 */
export const userLoginQuery = (username: string): string =>
  `SELECT UserId, IsFrozen FROM UserLogin WHERE UserId IN (SELECT Id FROM User WHERE Username = ${quote(username)})`;

export const REF = {
  org: 'org',
  user: 'apiUser',
  sets: 'apiUserPermissionSets',
  effective: 'apiUserEffectivePermissions',
  entityAccess: 'apiUserEntityAccess',
  login: 'apiUserLogin',
} as const;

export type ApiUserRequestOptions = {
  /**
   * The checked user is the one sending the requests: its own effective permissions come along (UserPermissionAccess,
   * and UserEntityAccess when its id is known), for when it may not read permission sets.
   */
  self?: { userId?: string };
  /** Read UserLogin for the frozen flag (not for the running user: a frozen user's session is refused). */
  login?: boolean;
  /** The clock that decides which assignments have expired. */
  now?: Date;
};

/**
 * The subrequests that fetch the org and the API user with license, profile, permission sets and groups, and as
 * options its own effective permissions and its login: at most five queries, one Composite.
 */
export function apiUserRequests(conn: Connection, username: string, options: ApiUserRequestOptions = {}): SubRequest[] {
  const userId = options.self?.userId;
  return [
    queryRequest(conn, REF.org, ORG_QUERY),
    queryRequest(conn, REF.user, userQuery(username)),
    queryRequest(conn, REF.sets, userPermissionSetsQuery(username, options.now)),
    ...(options.self ? [queryRequest(conn, REF.effective, USER_PERMISSION_ACCESS_QUERY)] : []),
    ...(userId ? [queryRequest(conn, REF.entityAccess, userEntityAccessQuery(userId))] : []),
    ...(options.login ? [queryRequest(conn, REF.login, userLoginQuery(username))] : []),
  ];
}

/**
 * Describes of the advanced-secure objects. Sent as the API user itself, they tell its effective access when it may
 * not read its permission sets. Describes are not queries, so they fit in the same Composite.
 */
export function objectDescribeRequests(conn: Connection): SubRequest[] {
  return OBJECTS_FOR_ADVANCED_MODE.map((object) => describeRequest(conn, describeRef(object), object));
}

type Rel = Record<string, unknown> | null | undefined;
const rel = (record: Rel, key: string): Rel => (record?.[key] as Rel) ?? null;
const bool = (v: unknown): boolean => v === true;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export async function parseOrgFacts(conn: Connection, answers: Map<string, SubResponse>): Promise<OrgFacts> {
  const [org] = (await subQuery<SalesforceRecord>(conn, answers, REF.org)).records;
  const isSandbox = bool(org?.IsSandbox);
  return {
    id: String(org?.Id ?? ''),
    name: str(org?.Name) ?? '',
    isSandbox,
    isScratch: isSandbox && Boolean(org?.TrialExpirationDate),
    edition: str(org?.OrganizationType) ?? '',
    instanceName: str(org?.InstanceName),
  };
}

/** The API user's facts, or undefined when no user has that username. */
export async function parseApiUserFacts(
  conn: Connection,
  answers: Map<string, SubResponse>
): Promise<ApiUserFacts | undefined> {
  const [user] = (await subQuery<SalesforceRecord>(conn, answers, REF.user)).records;
  if (!user) return undefined;
  const profile = rel(user, 'Profile');
  const profileName = str(profile?.Name);
  const fromProfile = (p: GrantedPermission): boolean => bool(profile?.[PERMISSION_COLUMNS[p]]);
  const sets = await readHidden(conn, answers, REF.sets);
  const granted = sets
    ? grantsOfSets(sets, profileName, fromProfile)
    : await effectiveGrants(conn, answers, fromProfile);
  return {
    id: String(user.Id),
    username: String(user.Username),
    name: String(user.Name ?? user.Username),
    isActive: bool(user.IsActive),
    ...(await readFrozen(conn, answers)),
    profileName,
    licenseName: str(rel(profile, 'UserLicense')?.Name),
    ...granted,
  };
}

type Grants = Pick<ApiUserFacts, GrantedPermission | 'objectAccess' | 'objectAccessSource' | 'grantedBy' | 'notCounted'>;
type ObjectAccess = ApiUserFacts['objectAccess'];

const accessOf = (grants: (object: AccessObject, kind: AccessKind) => boolean): ObjectAccess =>
  Object.fromEntries(
    OBJECTS_FOR_ADVANCED_MODE.map((object) => [object, Object.fromEntries(ACCESS_KINDS.map((k) => [k, grants(object, k)]))])
  ) as ObjectAccess;

/** Salesforce hides permission sets and UserLogin from users without View Setup or Manage Users (INVALID_TYPE). */
const isHiddenFromCaller = (err: unknown): boolean => {
  const code = errorCodeOf(err) ?? '';
  return code === 'INVALID_TYPE' || code.startsWith('INSUFFICIENT_ACCESS');
};

/** The records of a query the caller may be refused: undefined when it is hidden or was not sent; other failures throw. */
async function readHidden(conn: Connection, answers: Map<string, SubResponse>, ref: string): Promise<SalesforceRecord[] | undefined> {
  if (!answers.has(ref)) return undefined;
  try {
    return (await subQuery<SalesforceRecord>(conn, answers, ref)).records;
  } catch (err) {
    if (isHiddenFromCaller(err)) return undefined;
    throw err;
  }
}

/** How a report names where a permission comes from. */
export function sourceOf(set: SalesforceRecord, profileName: string | null): string {
  if (bool(set.IsOwnedByProfile)) return `the profile "${str(rel(set, 'Profile')?.Name) ?? profileName ?? '?'}"`;
  if (set.PermissionSetGroupId || set.Type === 'Group') {
    return `the permission set group "${str(rel(set, 'PermissionSetGroup')?.MasterLabel) ?? str(set.Label) ?? '?'}"`;
  }
  return `the permission set "${str(set.Label) ?? '?'}"`;
}

const objectRowsOf = (set: SalesforceRecord): SalesforceRecord[] =>
  (set.ObjectPerms as { records?: SalesforceRecord[] } | null)?.records ?? [];

/**
 * The union over the user's permission sets (profile-owned, regular, group aggregates), each permission with the sets
 * it comes from. The profile's own flags count too, in case an org answers without the profile-owned row.
 */
/**
 * Why a set's permissions do not reach an API session, or undefined when they do: a session-based permission set
 * grants nothing until activated in a session (Salesforce object reference, SessionPermSetActivation; a group's
 * aggregate set needs no activation, even for session-based components), and a group whose Status is not Updated is
 * awaiting (or failed) the recalculation of its aggregate set (PermissionSetGroup.Status: Updated, Outdated,
 * Updating, Failed). A Status the org does not return (older API versions) counts as Updated.
 */
export function whyNotCounted(set: SalesforceRecord): NotCountedReason | undefined {
  if (bool(set.HasActivationRequired)) return { reason: 'session-based' };
  const status = str(rel(set, 'PermissionSetGroup')?.Status);
  if ((set.PermissionSetGroupId || set.Type === 'Group') && status && status !== 'Updated') return { reason: 'group-status', status };
  return undefined;
}

const grantsObjectAccess = (set: SalesforceRecord): boolean =>
  objectRowsOf(set).some((r) => ACCESS_KINDS.some((k) => bool(r[`Permissions${k}`])));

/**
 * The union over the user's permission sets (profile-owned, regular, group aggregates), each permission with the sets
 * it comes from; sets that do not reach an API session (`whyNotCounted`) are listed apart. The profile's own flags
 * count too, in case an org answers without the profile-owned row.
 */
export function grantsOfSets(
  all: readonly SalesforceRecord[],
  profileName: string | null,
  fromProfile: (p: GrantedPermission) => boolean = () => false
): Grants {
  const sets = all.filter((set) => !whyNotCounted(set));
  const grantedBy = { apiEnabled: [], modifyAllData: [], editEvent: [], objectAccess: [] } as Record<GrantedPermission | 'objectAccess', string[]>;
  const notCounted = { apiEnabled: [], modifyAllData: [], editEvent: [], objectAccess: [] } as Record<GrantedPermission | 'objectAccess', NotCounted[]>;
  const leftOut = (grants: (set: SalesforceRecord) => boolean): NotCounted[] =>
    all.flatMap((set) => {
      const why = whyNotCounted(set);
      return why && grants(set) ? [{ source: sourceOf(set, profileName), ...why }] : [];
    });
  const profileSource = `the profile "${profileName ?? '?'}"`;
  for (const p of PERMISSIONS) {
    grantedBy[p] = sets.filter((set) => bool(set[PERMISSION_COLUMNS[p]])).map((set) => sourceOf(set, profileName));
    if (grantedBy[p].length === 0 && fromProfile(p)) grantedBy[p] = [profileSource];
    notCounted[p] = leftOut((set) => bool(set[PERMISSION_COLUMNS[p]]));
  }
  const grants = (object: AccessObject, k: AccessKind): boolean =>
    sets.some((set) => objectRowsOf(set).some((r) => String(r.SobjectType).toLowerCase() === object.toLowerCase() && bool(r[`Permissions${k}`])));
  grantedBy.objectAccess = sets.filter(grantsObjectAccess).map((set) => sourceOf(set, profileName));
  notCounted.objectAccess = leftOut(grantsObjectAccess);
  const anyLeftOut = Object.values(notCounted).some((list) => list.length > 0);
  return {
    apiEnabled: grantedBy.apiEnabled.length > 0,
    modifyAllData: grantedBy.modifyAllData.length > 0,
    editEvent: grantedBy.editEvent.length > 0,
    objectAccess: accessOf(grants),
    objectAccessSource: 'sets',
    grantedBy,
    ...(anyLeftOut ? { notCounted } : {}),
  };
}

const DESCRIBE_FLAG: Record<AccessKind, string> = { Read: 'queryable', Create: 'createable', Edit: 'updateable', Delete: 'deletable' };
const ENTITY_ACCESS_FLAG: Record<AccessKind, string> = { Read: 'IsReadable', Create: 'IsCreatable', Edit: 'IsEditable', Delete: 'IsDeletable' };

/**
 * When the caller may not read permission sets (it checks itself without View Setup): its own effective permissions
 * (UserPermissionAccess, else its profile's flags) and object access (UserEntityAccess, else its describes), without
 * saying where they come from.
 */
async function effectiveGrants(
  conn: Connection,
  answers: Map<string, SubResponse>,
  fromProfile: (p: GrantedPermission) => boolean
): Promise<Grants> {
  const [effective] = (await readHidden(conn, answers, REF.effective)) ?? [];
  const has = (p: GrantedPermission): boolean => (effective ? bool(effective[PERMISSION_COLUMNS[p]]) : fromProfile(p));
  const entityAccess = await readHidden(conn, answers, REF.entityAccess);
  return { apiEnabled: has('apiEnabled'), modifyAllData: has('modifyAllData'), editEvent: has('editEvent'), ...ownObjectAccess(answers, entityAccess) };
}

function ownObjectAccess(answers: Map<string, SubResponse>, entityAccess: SalesforceRecord[] | undefined): Pick<Grants, 'objectAccess' | 'objectAccessSource'> {
  // No rows at all (an id the org does not know) tells nothing: the describes, when sent, still do.
  if (entityAccess?.length) {
    const rowOf = (object: string): SalesforceRecord | undefined =>
      entityAccess.find((r) => String(r.EntityDefinitionId ?? r.DurableId).split('.')[0].toLowerCase() === object.toLowerCase());
    return { objectAccess: accessOf((object, k) => bool(rowOf(object)?.[ENTITY_ACCESS_FLAG[k]])), objectAccessSource: 'describe' };
  }
  if (!OBJECTS_FOR_ADVANCED_MODE.every((object) => answers.has(describeRef(object)))) {
    return { objectAccess: accessOf(() => false), objectAccessSource: 'unreadable' };
  }
  // A describe the caller is refused (an object it cannot see) means no access at all to that object.
  const describe = (object: AccessObject): Record<string, unknown> | undefined => {
    const sub = answers.get(describeRef(object));
    return sub && sub.httpStatusCode < 400 && sub.body && typeof sub.body === 'object' ? (sub.body as Record<string, unknown>) : undefined;
  };
  return { objectAccess: accessOf((object, k) => bool(describe(object)?.[DESCRIBE_FLAG[k]])), objectAccessSource: 'describe' };
}

/** The frozen flag, when UserLogin was asked for and the caller may read it (it needs Manage Users). */
async function readFrozen(conn: Connection, answers: Map<string, SubResponse>): Promise<Pick<ApiUserFacts, 'isFrozen' | 'frozenUnreadable'>> {
  const logins = await readHidden(conn, answers, REF.login);
  if (logins) return { isFrozen: logins.some((r) => bool(r.IsFrozen)) };
  return answers.has(REF.login) ? { frozenUnreadable: true } : {};
}


