import type { Connection } from '@salesforce/core';
import { Messages, StateAggregator } from '@salesforce/core';
import { chunkForInClause } from '../soql.js';
import { errorCodeOf, networkFailure } from '../org/errors.js';
import {
  dataPath,
  expectObject,
  OrgApiError,
  queryRequest,
  type SalesforceRecord,
  sendComposite,
  sendWrite,
  type SubResponse,
  subQuery,
} from '../org/requests.js';
import {
  assignmentsForUsersQuery,
  assignmentVia,
  groupComponentsQuery,
  groupsContaining,
  isExpired,
  type OncehubPermissionSet,
  permissionSetQuery,
  pickPermissionSet,
  usersByUsernameQuery,
} from './permset.js';
import { sameId } from '../org/identity.js';
import { escapeControl, quoteArg } from '../cli/command-line.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'installation');
const commandMessages = Messages.loadMessages('plugin-oncehub', 'oncehub.permset.assign');

/**
 * Bulk, idempotent assignment of the OnceHub permission set. Cost: one Composite reads the set, the groups that contain
 * it and every user, one Composite reads the existing assignments (direct or through those groups), then one sObject
 * Collections insert per 200 missing assignments (≤ 3 + ⌈missing/200⌉ requests for up to 800 users, also when the org
 * answers queries in pages of 200 rows; the core `sf org assign permset` needs 1 + 2 per user).
 */

/** `via`: the label of the permission set group through which an already-assigned user holds the set. */
export type AssigneeRow = { username: string; userId: string; via?: string };
export type FailedRow = { username: string; errorCode: string; message: string };
export type AssignmentOutcome = { assigned: AssigneeRow[]; alreadyAssigned: AssigneeRow[]; failed: FailedRow[] };

/** What `sf oncehub permset assign` returns (and setup's permission-set step). */
export type PermsetAssignResult = AssignmentOutcome & {
  permissionSet: { id: string; name: string; label: string; namespacePrefix: string | null };
  dryRun?: true;
};

/** The permission set as results show it. */
export const permissionSetView = ({
  id,
  name,
  label,
  namespacePrefix,
}: OncehubPermissionSet): PermsetAssignResult['permissionSet'] => ({ id, name, label, namespacePrefix });

export type UserFacts = {
  id: string;
  username: string;
  isActive: boolean;
  licenseName: string | null;
  /** The ExpirationDate of an assignment of the set that has expired (it grants nothing, but its row may remain). */
  expiredOn?: string;
};

export type AssignmentFacts = {
  permissionSet: OncehubPermissionSet | undefined;
  users: UserFacts[];
  /** Ids of the users that already hold the permission set. */
  assignedUserIds: Set<string>;
  /** Of those, the ones that hold it only through a permission set group: user id → the group's label. */
  assignedVia?: Map<string, string>;
};

export type AssignmentPlan = { toInsert: UserFacts[]; outcome: AssignmentOutcome };

/** Salesforce's limit for one sObject Collections request. */
export const COLLECTION_SIZE = 200;

/** Our own codes for rows Salesforce never saw. */
export const USER_NOT_FOUND = 'USER_NOT_FOUND';
export const INACTIVE_USER = 'INACTIVE_USER';

const key = (username: string): string => username.toLowerCase();
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The usernames to assign: `-b` values (repeatable, also space- or comma-separated; sf aliases resolved), else the
 * recorded API user of the org, else the authenticated user. Duplicates (same user typed twice, or as alias and
 * username) are dropped; usernames are case-insensitive in Salesforce.
 */
export function chooseAssignees(options: {
  onBehalfOf?: readonly string[];
  recordedUsername?: string;
  orgUsername: string;
  resolveAlias: (aliasOrUsername: string) => string;
}): string[] {
  const typed = (options.onBehalfOf ?? []).flatMap((v) => v.split(/[\s,]+/)).filter((v) => v.length > 0);
  const usernames = typed.length > 0 ? typed.map(options.resolveAlias) : [options.recordedUsername ?? options.orgUsername];
  const seen = new Set<string>();
  return usernames.filter((u) => {
    if (seen.has(key(u))) return false;
    seen.add(key(u));
    return true;
  });
}

const REF = { permset: 'permissionSet', groups: 'permissionSetGroups', users: 'users', assignments: 'assignments' } as const;

/**
 * Encoded size of one IN list. The whole query URI must stay under Salesforce's ~16 KB, so 12 KB leaves room for the
 * rest of the query; larger lists than soql.ts's default mean fewer queries, and up to five fit one Composite.
 */
const IN_CLAUSE_CHARS = 12_000;

/**
 * Values per IN list: a query answer's page size is the org's choice, and real orgs may page at 200 rows. Lists of at
 * most 200 users give answers of at most 200 rows (one row per user), so no list needs a query-more round trip.
 */
const IN_CLAUSE_VALUES = 200;

const parseUser = (r: SalesforceRecord): UserFacts => ({
  id: String(r.Id),
  username: String(r.Username),
  isActive: r.IsActive === true,
  licenseName: str(
    ((r.Profile as Record<string, unknown> | null | undefined)?.UserLicense as Record<string, unknown> | null | undefined)
      ?.Name
  ),
});

/**
 * Reads the permission set, the users and their existing assignments: two Composite requests (the second needs the
 * set's id and the users' ids). Long username lists are split into several IN clauses that travel in the same
 * Composite, so no request URI gets near Salesforce's 16 KB limit.
 */
export async function fetchAssignmentFacts(
  conn: Connection,
  usernames: readonly string[],
  permsetNameOverride?: string,
  now: Date = new Date()
): Promise<AssignmentFacts> {
  const userChunks = chunkForInClause(usernames, IN_CLAUSE_CHARS, IN_CLAUSE_VALUES);
  const first = await sendComposite(conn, [
    queryRequest(conn, REF.permset, permissionSetQuery(permsetNameOverride)),
    queryRequest(conn, REF.groups, groupComponentsQuery(permsetNameOverride)),
    ...userChunks.map((chunk, i) => queryRequest(conn, `${REF.users}${i}`, usersByUsernameQuery(chunk))),
  ]);
  const permissionSet = pickPermissionSet((await subQuery(conn, first, REF.permset)).records);
  const users = await recordsOf(conn, first, REF.users, userChunks.length);
  const facts: AssignmentFacts = { permissionSet, users: users.map(parseUser), assignedUserIds: new Set(), assignedVia: new Map() };
  if (!permissionSet || facts.users.length === 0) return facts;
  // A group still being recalculated (or whose recalculation failed) is not counted on: the user gets a direct assignment.
  const groups = groupsContaining(permissionSet.id, (await subQuery(conn, first, REF.groups)).records, { updatedOnly: true });

  const idChunks = chunkForInClause(facts.users.map((u) => u.id), IN_CLAUSE_CHARS, IN_CLAUSE_VALUES);
  const second = await sendComposite(
    conn,
    idChunks.map((chunk, i) =>
      queryRequest(conn, `${REF.assignments}${i}`, assignmentsForUsersQuery(permissionSet.id, chunk, [...groups.keys()]))
    )
  );
  const direct = new Set<string>();
  for (const row of await recordsOf(conn, second, REF.assignments, idChunks.length)) {
    const via = assignmentVia(row, permissionSet.id, groups);
    const userId = String(row.AssigneeId);
    if (via === null) continue;
    if (isExpired(row, now)) {
      const user = facts.users.find((u) => sameId(u.id, userId));
      if (user && via === undefined) user.expiredOn = String(row.ExpirationDate);
      continue;
    }
    facts.assignedUserIds.add(userId);
    if (via === undefined) direct.add(userId);
    else facts.assignedVia!.set(userId, via);
  }
  // A user who has the set both directly and through a group holds it directly.
  for (const userId of direct) facts.assignedVia!.delete(userId);
  return facts;
}

async function recordsOf(
  conn: Connection,
  answers: Map<string, SubResponse>,
  prefix: string,
  count: number
): Promise<SalesforceRecord[]> {
  const pages = await Promise.all(
    Array.from({ length: count }, (_, i) => subQuery<SalesforceRecord>(conn, answers, `${prefix}${i}`))
  );
  return pages.flatMap((p) => p.records);
}

/**
 * Who needs an insert. Unknown and inactive users fail here, before any write: Salesforce would accept an assignment
 * for an inactive user, but OnceHub's API user must be active, so such a request is almost always the wrong username.
 */
export function planAssignments(usernames: readonly string[], facts: AssignmentFacts): AssignmentPlan {
  const byUsername = new Map(facts.users.map((u) => [key(u.username), u]));
  const plan: AssignmentPlan = { toInsert: [], outcome: emptyOutcome() };
  for (const username of usernames) {
    const user = byUsername.get(key(username));
    if (!user) {
      plan.outcome.failed.push({
        username,
        errorCode: USER_NOT_FOUND,
        message: messages.getMessage('assign.userNotFound', [username]),
      });
    } else if (!user.isActive) {
      plan.outcome.failed.push({
        username: user.username,
        errorCode: INACTIVE_USER,
        message: messages.getMessage('assign.userInactive', [user.username]),
      });
    } else if (facts.assignedUserIds.has(user.id)) {
      const via = facts.assignedVia?.get(user.id);
      plan.outcome.alreadyAssigned.push({ username: user.username, userId: user.id, ...(via ? { via } : {}) });
    } else {
      plan.toInsert.push(user);
    }
  }
  return plan;
}

/**
 * Salesforce's reason in a sentence about licenses when the set and the user's license do not fit
 * (FIELD_INTEGRITY_EXCEPTION); other reasons are kept as Salesforce wrote them.
 */
export function explainFailure(
  errorCode: string,
  message: string,
  permissionSet: OncehubPermissionSet,
  user: UserFacts
): string {
  if (errorCode !== 'FIELD_INTEGRITY_EXCEPTION' || !/licen[cs]e/i.test(message)) return message;
  const userLicense = user.licenseName ?? messages.getMessage('assign.noLicense');
  if (permissionSet.licenseName && permissionSet.licenseName !== user.licenseName) {
    return messages.getMessage('assign.licenseMismatch', [permissionSet.label, permissionSet.licenseName, user.username, userLicense]);
  }
  return messages.getMessage('assign.licensePermission', [permissionSet.label, user.username, userLicense, message]);
}

type SaveResult = { id?: string | null; success?: boolean; errors?: Array<{ statusCode?: string; message?: string }> };

/**
 * Reads the SaveResults of one collection insert (same order as the records sent). A DUPLICATE_VALUE means someone
 * assigned the user between our read and our write: the user has the set, which is what was asked.
 */
export function readSaveResults(
  batch: readonly UserFacts[],
  results: readonly SaveResult[],
  permissionSet: OncehubPermissionSet
): AssignmentOutcome {
  const outcome = emptyOutcome();
  batch.forEach((user, i) => {
    const result = results[i];
    const row = { username: user.username, userId: user.id };
    if (result?.success === true) {
      outcome.assigned.push(row);
      return;
    }
    const error = result?.errors?.[0];
    const errorCode = error?.statusCode ?? 'UNKNOWN_ERROR';
    if (errorCode === 'DUPLICATE_VALUE' && user.expiredOn) {
      // The expired assignment's row is still stored: the set is not held, and a new row cannot be added yet.
      outcome.failed.push({ username: user.username, errorCode, message: messages.getMessage('assign.expired', [permissionSet.label, user.username, user.expiredOn]) });
      return;
    }
    if (errorCode === 'DUPLICATE_VALUE') {
      outcome.alreadyAssigned.push(row);
      return;
    }
    const message = error?.message ?? messages.getMessage('assign.noResult');
    outcome.failed.push({ username: user.username, errorCode, message: explainFailure(errorCode, message, permissionSet, user) });
  });
  return outcome;
}

/** The collection insert bodies, at most 200 records each (allOrNone false: one bad user must not block the rest). */
export function insertBodies(permissionSet: OncehubPermissionSet, users: readonly UserFacts[]): Array<{ users: UserFacts[]; body: string }> {
  const batches: Array<{ users: UserFacts[]; body: string }> = [];
  for (let i = 0; i < users.length; i += COLLECTION_SIZE) {
    const batch = users.slice(i, i + COLLECTION_SIZE);
    const records = batch.map((u) => ({
      attributes: { type: 'PermissionSetAssignment' },
      AssigneeId: u.id,
      PermissionSetId: permissionSet.id,
    }));
    batches.push({ users: batch, body: JSON.stringify({ allOrNone: false, records }) });
  }
  return batches;
}

/**
 * The one place that writes: inserts the missing assignments, one collection request per 200. If the very first
 * request fails as a whole (expired session, rate limit), nothing was written and the error is thrown for the command
 * to explain; a later failure marks the users of that batch and the ones not yet sent as failed, keeping what was done.
 */
export async function insertAssignments(
  conn: Connection,
  permissionSet: OncehubPermissionSet,
  users: readonly UserFacts[],
  onProgress: (done: number) => void = () => {}
): Promise<AssignmentOutcome> {
  const outcome = emptyOutcome();
  const url = dataPath(conn, '/composite/sobjects');
  let done = 0;
  for (const { users: batch, body } of insertBodies(permissionSet, users)) {
    try {
      // Sequential on purpose: an org limits concurrent long requests, and progress is reported in order.
      const answer = await sendWrite(() => conn.request({ method: 'POST', url, body, headers: { 'content-type': 'application/json' } }));
      if (!Array.isArray(answer)) throw notSaveResults(answer);
      mergeInto(outcome, readSaveResults(batch, answer as SaveResult[], permissionSet));
    } catch (err) {
      if (done === 0) throw err;
      outcome.failed.push(...users.slice(done).map((u) => ({ username: u.username, ...batchFailure(err) })));
      return outcome;
    }
    done += batch.length;
    onProgress(done);
  }
  return outcome;
}

/** Why a whole insert batch failed; a dropped connection (`fetch failed`) is named by its socket code. */
function batchFailure(err: unknown): { errorCode: string; message: string } {
  const dropped = networkFailure(err);
  if (dropped) return { errorCode: dropped.code, message: messages.getMessage('assign.batchDropped', [dropped.code]) };
  return { errorCode: errorCodeOf(err) ?? 'UNKNOWN_ERROR', message: err instanceof Error ? err.message : String(err) };
}

function notSaveResults(answer: unknown): Error {
  expectObject(answer, 'an sObject Collections insert'); // throws for HTML pages and broken bodies
  return new OrgApiError('sObject Collections answer is not a list of SaveResults', 'MALFORMED_RESPONSE');
}

const emptyOutcome = (): AssignmentOutcome => ({ assigned: [], alreadyAssigned: [], failed: [] });

export function mergeInto(target: AssignmentOutcome, more: AssignmentOutcome): AssignmentOutcome {
  target.assigned.push(...more.assigned);
  target.alreadyAssigned.push(...more.alreadyAssigned);
  target.failed.push(...more.failed);
  return target;
}

/** sf's alias resolver, for `-b` values: an unknown alias is taken as a username, as `sf org assign permset` does. */
export async function aliasResolver(): Promise<(aliasOrUsername: string) => string> {
  const { aliases } = await StateAggregator.getInstance();
  return (value) => aliases.resolveUsername(value);
}

/** Progress of the inserts, for a progress bar; started only when they take more than one request. */
export type AssignProgress = { start(total: number, permsetLabel: string): void; update(done: number): void; finish(): void };

/**
 * `sf oncehub permset assign`: reads the set, the users and their assignments (two Composites), plans, and inserts
 * the missing assignments (one request per 200; none on a dry run, where the result lists who would be assigned).
 * Throws when the set does not exist: the package is missing, or --permset-name names no set.
 */
export async function assignPermissionSet(
  conn: Connection,
  alias: string,
  options: { usernames: readonly string[]; permsetName?: string; dryRun: boolean; progress?: AssignProgress }
): Promise<PermsetAssignResult> {
  const facts = await fetchAssignmentFacts(conn, options.usernames, options.permsetName);
  const permissionSet = facts.permissionSet;
  if (!permissionSet) {
    throw options.permsetName
      ? commandMessages.createError('error.permsetNotFound', [escapeControl(options.permsetName), escapeControl(alias)], [quoteArg(alias)])
      : commandMessages.createError('error.packageNotInstalled', [escapeControl(alias)], [quoteArg(alias)]);
  }
  const { toInsert, outcome } = planAssignments(options.usernames, facts);
  const result: PermsetAssignResult = { permissionSet: permissionSetView(permissionSet), ...outcome };
  if (options.dryRun) {
    result.assigned = toInsert.map((u) => ({ username: u.username, userId: u.id }));
    result.dryRun = true;
    return result;
  }
  if (toInsert.length === 0) return result;
  const progress = toInsert.length > COLLECTION_SIZE ? options.progress : undefined;
  progress?.start(toInsert.length, permissionSet.label);
  try {
    mergeInto(result, await insertAssignments(conn, permissionSet, toInsert, (done) => progress?.update(done)));
    return result;
  } finally {
    progress?.finish();
  }
}
