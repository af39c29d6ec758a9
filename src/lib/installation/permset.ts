import { quote, quoteList } from '../soql.js';
import type { SalesforceRecord } from '../org/requests.js';
import { ONCEHUB_NAMESPACE, sameNamespace } from './package.js';
import { sameId } from '../org/identity.js';

/**
 * Installation step 2: the package's permission set. OnceHub's help ("How to assign the OnceHub permission set to the
 * Salesforce API user") gives only its label, not its API name, so it is found by namespace and label: the current label first, then the ScheduleOnce-era one. `--permset-name` overrides the label.
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

/** The WHERE conditions that find OnceHub's permission set, by namespace + label, or by the `--permset-name` override. */
function permissionSetWhere(nameOverride?: string): string {
  const where = ['IsOwnedByProfile = false'];
  if (nameOverride) {
    const { namespace, name } = splitNamespace(nameOverride);
    where.push(`Name = ${quote(name)}`);
    if (namespace) where.push(`NamespacePrefix = ${quote(namespace)}`);
  } else {
    where.push(`NamespacePrefix = ${quote(ONCEHUB_NAMESPACE)}`, `Label IN ${quoteList(ONCEHUB_PERMSET_LABELS)}`);
  }
  return where.join(' AND ');
}

/** The SOQL that finds OnceHub's permission set, by namespace + label, or by the `--permset-name` override. */
export function permissionSetQuery(nameOverride?: string): string {
  return `SELECT ${PERMSET_FIELDS} FROM PermissionSet WHERE ${permissionSetWhere(nameOverride)}`;
}

/**
 * The permission set groups that contain the candidate sets (Salesforce Object Reference, PermissionSetGroupComponent;
 * PermissionSetAssignment covers group assignments): a user assigned such a group
 * holds the set. Needs no set id, so it travels with `permissionSetQuery()`; rows are matched to the picked set after.
 */
export function groupComponentsQuery(nameOverride?: string): string {
  return (
    'SELECT PermissionSetId, PermissionSetGroupId, PermissionSetGroup.MasterLabel, PermissionSetGroup.Status FROM PermissionSetGroupComponent ' +
    `WHERE PermissionSetId IN (SELECT Id FROM PermissionSet WHERE ${permissionSetWhere(nameOverride)})`
  );
}

/**
 * The groups (id → label) that contain the permission set, from `groupComponentsQuery()`'s rows. `updatedOnly`: only
 * the groups whose Status is Updated (or not returned), whose permissions may be counted on; a group still being
 * recalculated (Outdated, Updating) or whose recalculation Failed is left out.
 */
export function groupsContaining(permsetId: string, components: readonly SalesforceRecord[], options: { updatedOnly?: boolean } = {}): Map<string, string> {
  const groups = new Map<string, string>();
  for (const c of components) {
    if (!sameId(String(c.PermissionSetId), permsetId) || typeof c.PermissionSetGroupId !== 'string') continue;
    const status = (c.PermissionSetGroup as Record<string, unknown> | null | undefined)?.Status;
    if (options.updatedOnly && typeof status === 'string' && status !== 'Updated') continue;
    const label = (c.PermissionSetGroup as Record<string, unknown> | null | undefined)?.MasterLabel;
    groups.set(c.PermissionSetGroupId.slice(0, 15), typeof label === 'string' ? label : c.PermissionSetGroupId);
  }
  return groups;
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

/**
 * The existing assignments among some users of one permission set, directly or through one of the groups that contain
 * it (a group assignment stores the group's id; its PermissionSetId is the group's aggregate set).
 */
export const assignmentsForUsersQuery = (permsetId: string, userIds: readonly string[], groupIds: readonly string[] = []): string =>
  'SELECT Id, AssigneeId, PermissionSetId, PermissionSetGroupId, ExpirationDate FROM PermissionSetAssignment ' +
  `WHERE AssigneeId IN ${quoteList(userIds)} AND ` +
  (groupIds.length
    ? `(PermissionSetId = ${quote(permsetId)} OR PermissionSetGroupId IN ${quoteList(groupIds)})`
    : `PermissionSetId = ${quote(permsetId)}`);

/**
 * How an assignment row gives the set: directly (undefined), or through a group (its label); null when it does not.
 * Ids are compared on their 15-character form.
 */
export function assignmentVia(row: SalesforceRecord, permsetId: string, groups: ReadonlyMap<string, string>): string | undefined | null {
  const groupId = typeof row.PermissionSetGroupId === 'string' ? row.PermissionSetGroupId.slice(0, 15) : undefined;
  if (groupId && groups.has(groupId)) return groups.get(groupId);
  return typeof row.PermissionSetId === 'string' && sameId(row.PermissionSetId, permsetId) ? undefined : null;
}

/**
 * Whether an assignment row has expired: its ExpirationDate is past. Such a row grants nothing (Salesforce removes the
 * access on that date, and the row itself soon after).
 */
export function isExpired(row: SalesforceRecord, now: Date): boolean {
  if (typeof row.ExpirationDate !== 'string') return false;
  const at = Date.parse(row.ExpirationDate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return !Number.isNaN(at) && at <= now.getTime();
}
