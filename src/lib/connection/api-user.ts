import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { type Check, fail, pass, skip } from '../checks.js';
import { quote, quoteList } from '../soql.js';
import { errorCodeOf } from '../org/errors.js';
import {
  describeRequest,
  queryRequest,
  type SalesforceRecord,
  type SubRequest,
  type SubResponse,
  subQuery,
} from '../org/requests.js';
import type { ConnectMode } from './state.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'api-user-checks');

/**
 * Phase 1 facts and judgement: what OnceHub requires of its API user (domain.md §3.2, §10). `apiUserRequests` says
 * what to fetch (three SOQL in one Composite), `parseApiUserFacts` reads the answers, `judgeApiUser` is pure.
 */

export const OBJECTS_FOR_ADVANCED_MODE = ['Lead', 'Account', 'Contact', 'Case'] as const;
type AccessObject = (typeof OBJECTS_FOR_ADVANCED_MODE)[number];
const ACCESS_KINDS = ['Read', 'Create', 'Edit', 'Delete'] as const;
type AccessKind = (typeof ACCESS_KINDS)[number];

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
};

/** The user permissions the API-user checks need, by their column on Profile, PermissionSet and UserPermissionAccess. */
const PERMISSION_COLUMNS = {
  apiEnabled: 'PermissionsApiEnabled',
  modifyAllData: 'PermissionsModifyAllData',
  editEvent: 'PermissionsEditEvent',
} as const;
type GrantedPermission = keyof typeof PERMISSION_COLUMNS;
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

/**
 * Every permission set that reaches the user (salesforce-api.md §3.14): one per PermissionSetAssignment row, the
 * profile-owned set's row included, a group's row pointing at its Type='Group' aggregate set (already the union of
 * its components). Their permissions and object access, ORed, are what the user can really do.
 */
export const userPermissionSetsQuery = (username: string): string =>
  `SELECT Id, Label, Type, IsOwnedByProfile, Profile.Name, PermissionSetGroupId, PermissionSetGroup.MasterLabel, ${COLUMNS}, ` +
  `${objectPermsSubquery()} FROM PermissionSet WHERE Id IN ` +
  `(SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = ${quote(username)})`;

/** The running user's own effective permissions: one row (§3.14, as OrgCheck reads them). */
export const USER_PERMISSION_ACCESS_QUERY = `SELECT ${COLUMNS} FROM UserPermissionAccess`;

/** The running user's own effective access to the advanced-secure objects. */
export const userEntityAccessQuery = (userId: string): string =>
  'SELECT EntityDefinitionId, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess ' +
  `WHERE UserId = ${quote(userId)} AND EntityDefinitionId IN ${quoteList(OBJECTS_FOR_ADVANCED_MODE)}`;

/** Whether the user is frozen: User.IsActive stays true, only UserLogin tells (§3.14). */
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

export const describeRef = (object: AccessObject): string => `describe${object}`;

export type ApiUserRequestOptions = {
  /**
   * The checked user is the one sending the requests: its own effective permissions come along (UserPermissionAccess,
   * and UserEntityAccess when its id is known), for when it may not read permission sets.
   */
  self?: { userId?: string };
  /** Read UserLogin for the frozen flag (not for the running user: a frozen user's session is refused). */
  login?: boolean;
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
    queryRequest(conn, REF.sets, userPermissionSetsQuery(username)),
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

type Grants = Pick<ApiUserFacts, GrantedPermission | 'objectAccess' | 'objectAccessSource' | 'grantedBy'>;
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
function sourceOf(set: SalesforceRecord, profileName: string | null): string {
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
export function grantsOfSets(
  sets: readonly SalesforceRecord[],
  profileName: string | null,
  fromProfile: (p: GrantedPermission) => boolean = () => false
): Grants {
  const grantedBy = { apiEnabled: [], modifyAllData: [], editEvent: [], objectAccess: [] } as Record<GrantedPermission | 'objectAccess', string[]>;
  const profileSource = `the profile "${profileName ?? '?'}"`;
  for (const p of PERMISSIONS) {
    grantedBy[p] = sets.filter((set) => bool(set[PERMISSION_COLUMNS[p]])).map((set) => sourceOf(set, profileName));
    if (grantedBy[p].length === 0 && fromProfile(p)) grantedBy[p] = [profileSource];
  }
  const grants = (object: AccessObject, k: AccessKind): boolean =>
    sets.some((set) => objectRowsOf(set).some((r) => String(r.SobjectType).toLowerCase() === object.toLowerCase() && bool(r[`Permissions${k}`])));
  grantedBy.objectAccess = sets
    .filter((set) => objectRowsOf(set).some((r) => ACCESS_KINDS.some((k) => bool(r[`Permissions${k}`]))))
    .map((set) => sourceOf(set, profileName));
  return {
    apiEnabled: grantedBy.apiEnabled.length > 0,
    modifyAllData: grantedBy.modifyAllData.length > 0,
    editEvent: grantedBy.editEvent.length > 0,
    objectAccess: accessOf(grants),
    objectAccessSource: 'sets',
    grantedBy,
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

/** The frozen flag, when UserLogin was asked for and the caller may read it. */
async function readFrozen(conn: Connection, answers: Map<string, SubResponse>): Promise<Pick<ApiUserFacts, 'isFrozen'>> {
  const logins = await readHidden(conn, answers, REF.login);
  return logins ? { isFrozen: logins.some((r) => bool(r.IsFrozen)) } : {};
}

const title = (id: string): string => messages.getMessage(`${id}.title`);
const yes = (id: string, ...tokens: string[]): Check => pass(id, title(id), messages.getMessage(`${id}.pass`, tokens));
const no = (id: string, tokens: string[], fixTokens: string[]): Check =>
  fail(id, title(id), messages.getMessage(`${id}.fail`, tokens), messages.getMessage(`${id}.fix`, fixTokens));

/** `A`, `A and B`, `A, B and C`, without repeats. */
function listOf(items: readonly string[]): string {
  const unique = [...new Set(items)];
  return unique.length <= 1 ? unique.join('') : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/** The ids of the API-user checks of a mode, in report order. */
export function apiUserCheckIds(mode: ConnectMode): string[] {
  return mode === 'advanced-secure'
    ? ['user-active', 'user-license', 'api-enabled', 'edit-events', 'object-access']
    : ['user-active', 'user-license', 'user-profile', 'api-enabled', 'modify-all-data'];
}

/** Judges the API user against the requirements of the mode. Pure: same facts, same checks. */
export function judgeApiUser(username: string, user: ApiUserFacts | undefined, mode: ConnectMode): Check[] {
  const ids = apiUserCheckIds(mode);
  if (!user) {
    return ids.map((id) =>
      id === 'user-active'
        ? fail(id, title(id), messages.getMessage('user-active.missing', [username]), messages.getMessage('user-active.missing.fix'))
        : skip(id, title(id), messages.getMessage('not-checked'))
    );
  }
  const profile = user.profileName ?? '(no profile)';
  const permission = (id: string, p: GrantedPermission) => (): Check => {
    if (!user[p]) return no(id, [profile, user.username], [profile, user.username]);
    const sources = user.grantedBy?.[p] ?? [];
    return sources.length ? yes(id, user.username, listOf(sources)) : pass(id, title(id), messages.getMessage(`${id}.pass.effective`, [user.username]));
  };
  const judge: Record<string, () => Check> = {
    'user-active': () => {
      if (!user.isActive) return no('user-active', [user.username], [user.username]);
      if (user.isFrozen) {
        return fail('user-active', title('user-active'), messages.getMessage('user-active.frozen', [user.username]), messages.getMessage('user-active.frozen.fix', [user.username]));
      }
      return yes('user-active', user.username);
    },
    'user-license': () =>
      user.licenseName === 'Salesforce'
        ? yes('user-license', user.username)
        : no('user-license', [user.username, user.licenseName ?? 'none'], []),
    'user-profile': () =>
      user.profileName === 'System Administrator'
        ? yes('user-profile', user.username)
        : no('user-profile', [user.username, profile], [user.username]),
    'api-enabled': permission('api-enabled', 'apiEnabled'),
    'modify-all-data': permission('modify-all-data', 'modifyAllData'),
    'edit-events': permission('edit-events', 'editEvent'),
    'object-access': () => {
      if (user.objectAccessSource === 'unreadable') {
        return skip('object-access', title('object-access'), messages.getMessage('object-access.unreadable', [user.username, user.username]));
      }
      const missing = OBJECTS_FOR_ADVANCED_MODE.flatMap((object) => {
        const lacking = ACCESS_KINDS.filter((k) => !user.objectAccess[object][k]);
        return lacking.length ? [`${lacking.join('/')} on ${object}`] : [];
      });
      // Profile alone (the default), the union of the user's sets (with where it comes from), or its own effective access.
      const variant = user.objectAccessSource === 'sets' ? '.sets' : user.objectAccessSource === 'describe' ? '.user' : '';
      const subject = variant ? user.username : profile;
      return missing.length === 0
        ? pass(
            'object-access',
            title('object-access'),
            messages.getMessage(`object-access.pass${variant}`, variant === '.sets' ? [subject, listOf(user.grantedBy?.objectAccess ?? [])] : [subject])
          )
        : fail(
            'object-access',
            title('object-access'),
            messages.getMessage(`object-access.fail${variant}`, [subject, missing.join(', ')]),
            messages.getMessage('object-access.fix', [profile, user.username])
          );
    },
  };
  return ids.map((id) => judge[id]());
}

/**
 * The checks when Salesforce refuses the user's own API calls: over REST a user without API Enabled gets 403
 * API_DISABLED_FOR_ORG, the same answer as an org whose edition has no API (salesforce-api.md §2.8), so api-enabled
 * fails naming both causes and how an admin tells them apart; nothing else can be read as that user, so the other
 * checks are skipped and point to the admin's doctor run.
 */
export function judgeApiRefused(username: string, mode: ConnectMode, errorCode = 'API_DISABLED_FOR_ORG'): Check[] {
  return apiUserCheckIds(mode).map((id) =>
    id === 'api-enabled'
      ? fail(id, title(id), messages.getMessage('api-enabled.refused', [username, errorCode]), messages.getMessage('api-enabled.refused.fix', [username]))
      : skip(id, title(id), messages.getMessage('not-checked.api-refused', [username, username]))
  );
}
