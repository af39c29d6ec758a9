import { quote, quoteList } from '../soql.js';
import type { SalesforceRecord } from '../org/requests.js';
import { ONCEHUB_NAMESPACE, sameNamespace } from './package.js';

/**
 * Installation step 2: the package's permission set. Its API name is not documented (domain.md §16), so it is found by
 * namespace and label: the current label first, then the ScheduleOnce-era one. `--permset-name` overrides the label.
 */

/** Current label first: when an org somehow has both, the current one wins. */
export const ONCEHUB_PERMSET_LABELS = ['OnceHub connector for Salesforce', 'ScheduleOnce connector for Salesforce'] as const;

export type OncehubPermissionSet = {
  id: string;
  name: string;
  label: string;
  namespacePrefix: string | null;
  /** The user license the set requires (PermissionSet.License), used to explain license errors. */
  licenseName?: string | null;
};

const PERMSET_FIELDS = 'Id, Name, Label, NamespacePrefix, LicenseId, License.Name';

/** `ns__Name` → namespace + name: managed sets store the name without the prefix, so `Name = 'ns__X'` never matches. */
export function splitNamespace(fullName: string): { namespace?: string; name: string } {
  const at = fullName.indexOf('__');
  return at > 0 ? { namespace: fullName.slice(0, at), name: fullName.slice(at + 2) } : { name: fullName };
}

/** The SOQL that finds OnceHub's permission set, by namespace + label, or by the `--permset-name` override. */
export function permissionSetQuery(nameOverride?: string): string {
  const where = ['IsOwnedByProfile = false'];
  if (nameOverride) {
    const { namespace, name } = splitNamespace(nameOverride);
    where.push(`Name = ${quote(name)}`);
    if (namespace) where.push(`NamespacePrefix = ${quote(namespace)}`);
  } else {
    where.push(`NamespacePrefix = ${quote(ONCEHUB_NAMESPACE)}`, `Label IN ${quoteList(ONCEHUB_PERMSET_LABELS)}`);
  }
  return `SELECT ${PERMSET_FIELDS} FROM PermissionSet WHERE ${where.join(' AND ')}`;
}

const labelRank = (label: unknown): number => {
  const at = ONCEHUB_PERMSET_LABELS.findIndex((l) => typeof label === 'string' && l.toLowerCase() === label.toLowerCase());
  return at === -1 ? ONCEHUB_PERMSET_LABELS.length : at;
};
const namespaceRank = (ns: unknown): number => (sameNamespace(ns) ? 0 : 1);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The permission set to assign among the query's rows: the current label before the legacy one, OnceHub's namespace
 * before any other (an override name may match a local copy too), then by Id so the choice is stable.
 */
export function pickPermissionSet(records: readonly SalesforceRecord[]): OncehubPermissionSet | undefined {
  const [best] = [...records].sort(
    (a, b) =>
      labelRank(a.Label) - labelRank(b.Label) ||
      namespaceRank(a.NamespacePrefix) - namespaceRank(b.NamespacePrefix) ||
      String(a.Id).localeCompare(String(b.Id))
  );
  if (!best) return undefined;
  return {
    id: String(best.Id),
    name: String(best.Name),
    label: String(best.Label),
    namespacePrefix: str(best.NamespacePrefix),
    licenseName: str((best.License as Record<string, unknown> | null | undefined)?.Name),
  };
}

/** Users by username, with what decides whether they can get the set (active, license). */
export const usersByUsernameQuery = (usernames: readonly string[]): string =>
  'SELECT Id, Username, IsActive, Profile.UserLicense.Name FROM User ' + `WHERE Username IN ${quoteList(usernames)}`;

/** The existing assignments of one permission set among some users. */
export const assignmentsForUsersQuery = (permsetId: string, userIds: readonly string[]): string =>
  `SELECT Id, AssigneeId FROM PermissionSetAssignment WHERE PermissionSetId = ${quote(permsetId)} ` +
  `AND AssigneeId IN ${quoteList(userIds)}`;

/**
 * A user's assignments of OnceHub's sets, by username, so a report can fetch it in the same Composite as
 * `permissionSetQuery()` (no permission set id needed yet) and compare the ids afterwards.
 */
export const oncehubAssignmentsOfUserQuery = (username: string): string =>
  'SELECT Id, AssigneeId, PermissionSetId FROM PermissionSetAssignment ' +
  `WHERE Assignee.Username = ${quote(username)} AND PermissionSet.IsOwnedByProfile = false ` +
  `AND PermissionSet.NamespacePrefix = ${quote(ONCEHUB_NAMESPACE)}`;
