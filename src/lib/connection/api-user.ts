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
  profileName: string | null;
  licenseName: string | null;
  apiEnabled: boolean;
  modifyAllData: boolean;
  editEvent: boolean;
  /** Object permissions of the user's profile on the objects advanced secure mode needs. */
  objectAccess: Record<AccessObject, Record<AccessKind, boolean>>;
  /**
   * Where `objectAccess` comes from: the profile's object permissions (the default when absent); or, when the caller
   * may not read permission sets (no View Setup and Configuration, typical of an advanced-secure API user checking
   * itself), the caller's own describe of each object, which shows its effective access; or nowhere.
   */
  objectAccessSource?: 'profile' | 'describe' | 'unreadable';
};

export const ORG_QUERY = 'SELECT Id, Name, IsSandbox, TrialExpirationDate, OrganizationType, InstanceName FROM Organization';

export const userQuery = (username: string): string =>
  'SELECT Id, Username, Name, IsActive, ProfileId, Profile.Name, Profile.UserLicense.Name, ' +
  'Profile.PermissionsApiEnabled, Profile.PermissionsModifyAllData, Profile.PermissionsEditEvent ' +
  `FROM User WHERE Username = ${quote(username)}`;

export const profileObjectAccessQuery = (username: string): string =>
  'SELECT Id, (SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete FROM ObjectPerms ' +
  `WHERE SobjectType IN ${quoteList(OBJECTS_FOR_ADVANCED_MODE)}) ` +
  `FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId IN (SELECT ProfileId FROM User WHERE Username = ${quote(username)})`;

export const REF = { org: 'org', user: 'apiUser', access: 'apiUserAccess' } as const;

export const describeRef = (object: AccessObject): string => `describe${object}`;

/** The subrequests that fetch the org and the API user with license, profile permissions and object access. */
export function apiUserRequests(conn: Connection, username: string): SubRequest[] {
  return [
    queryRequest(conn, REF.org, ORG_QUERY),
    queryRequest(conn, REF.user, userQuery(username)),
    queryRequest(conn, REF.access, profileObjectAccessQuery(username)),
  ];
}

/**
 * Describes of the advanced-secure objects. Sent as the API user itself, they tell its effective access when it may
 * not read its profile's object permissions. Describes are not queries, so they fit in the same Composite.
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
  const access = await readObjectAccess(conn, answers);
  return {
    id: String(user.Id),
    username: String(user.Username),
    name: String(user.Name ?? user.Username),
    isActive: bool(user.IsActive),
    profileName: str(profile?.Name),
    licenseName: str(rel(profile, 'UserLicense')?.Name),
    apiEnabled: bool(profile?.PermissionsApiEnabled),
    modifyAllData: bool(profile?.PermissionsModifyAllData),
    editEvent: bool(profile?.PermissionsEditEvent),
    ...access,
  };
}

type ObjectAccess = ApiUserFacts['objectAccess'];

const accessOf = (grants: (object: AccessObject, kind: AccessKind) => boolean): ObjectAccess =>
  Object.fromEntries(
    OBJECTS_FOR_ADVANCED_MODE.map((object) => [object, Object.fromEntries(ACCESS_KINDS.map((k) => [k, grants(object, k)]))])
  ) as ObjectAccess;

/** Salesforce hides permission sets from users without View Setup and Configuration (INVALID_TYPE). */
const isHiddenFromCaller = (err: unknown): boolean => {
  const code = errorCodeOf(err) ?? '';
  return code === 'INVALID_TYPE' || code.startsWith('INSUFFICIENT_ACCESS');
};

const DESCRIBE_FLAG: Record<AccessKind, string> = { Read: 'queryable', Create: 'createable', Edit: 'updateable', Delete: 'deletable' };

async function readObjectAccess(
  conn: Connection,
  answers: Map<string, SubResponse>
): Promise<Pick<ApiUserFacts, 'objectAccess' | 'objectAccessSource'>> {
  try {
    const [profileSet] = (await subQuery<SalesforceRecord>(conn, answers, REF.access)).records;
    const rows = (profileSet?.ObjectPerms as { records?: SalesforceRecord[] } | null)?.records ?? [];
    const rowOf = (object: string): SalesforceRecord | undefined =>
      rows.find((r) => String(r.SobjectType).toLowerCase() === object.toLowerCase());
    // The default source is left out, so that facts read from the profile look as they always did.
    return { objectAccess: accessOf((object, k) => bool(rowOf(object)?.[`Permissions${k}`])) };
  } catch (err) {
    if (!isHiddenFromCaller(err)) throw err;
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

const title = (id: string): string => messages.getMessage(`${id}.title`);
const yes = (id: string, ...tokens: string[]): Check => pass(id, title(id), messages.getMessage(`${id}.pass`, tokens));
const no = (id: string, tokens: string[], fixTokens: string[]): Check =>
  fail(id, title(id), messages.getMessage(`${id}.fail`, tokens), messages.getMessage(`${id}.fix`, fixTokens));

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
  const judge: Record<string, () => Check> = {
    'user-active': () => (user.isActive ? yes('user-active', user.username) : no('user-active', [user.username], [user.username])),
    'user-license': () =>
      user.licenseName === 'Salesforce'
        ? yes('user-license', user.username)
        : no('user-license', [user.username, user.licenseName ?? 'none'], []),
    'user-profile': () =>
      user.profileName === 'System Administrator'
        ? yes('user-profile', user.username)
        : no('user-profile', [user.username, profile], [user.username]),
    'api-enabled': () => (user.apiEnabled ? yes('api-enabled', profile) : no('api-enabled', [profile], [profile])),
    'modify-all-data': () =>
      user.modifyAllData ? yes('modify-all-data', profile) : no('modify-all-data', [profile], [profile]),
    'edit-events': () => (user.editEvent ? yes('edit-events', profile) : no('edit-events', [profile], [profile])),
    'object-access': () => {
      if (user.objectAccessSource === 'unreadable') {
        return skip('object-access', title('object-access'), messages.getMessage('object-access.unreadable', [user.username, user.username]));
      }
      const missing = OBJECTS_FOR_ADVANCED_MODE.flatMap((object) => {
        const lacking = ACCESS_KINDS.filter((k) => !user.objectAccess[object][k]);
        return lacking.length ? [`${lacking.join('/')} on ${object}`] : [];
      });
      // Seen through the user's own describes, the access is the user's, not (only) its profile's.
      const [subject, variant] = user.objectAccessSource === 'describe' ? [user.username, '.user'] : [profile, ''];
      return missing.length === 0
        ? pass('object-access', title('object-access'), messages.getMessage(`object-access.pass${variant}`, [subject]))
        : fail(
            'object-access',
            title('object-access'),
            messages.getMessage(`object-access.fail${variant}`, [subject, missing.join(', ')]),
            messages.getMessage('object-access.fix', [profile])
          );
    },
  };
  return ids.map((id) => judge[id]());
}

/**
 * The checks when Salesforce refuses the user's own API calls (403 API_CURRENTLY_DISABLED): api-enabled fails, and
 * nothing else can be read as that user, so the other checks are skipped and point to an admin's doctor run.
 */
export function judgeApiRefused(username: string, mode: ConnectMode): Check[] {
  return apiUserCheckIds(mode).map((id) =>
    id === 'api-enabled'
      ? fail(id, title(id), messages.getMessage('api-enabled.refused', [username]), messages.getMessage('api-enabled.refused.fix', [username]))
      : skip(id, title(id), messages.getMessage('not-checked.api-refused', [username, username]))
  );
}
