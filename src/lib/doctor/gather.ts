import type { Connection } from '@salesforce/core';
import { apiUserRequests, parseApiUserFacts, parseOrgFacts, REF as USER_REF, whyNotCounted } from '../connection/api-user-facts.js';
import { describeRef, sameUsername } from '../org/identity.js';
import { errorCodeOf, isOrgLevelError, toSfError } from '../org/errors.js';
import {
  describeRequest,
  queryRequest,
  type SalesforceRecord,
  sendComposite,
  type SubRequest,
  type SubResponse,
  subBody,
  subQuery,
} from '../org/requests.js';
import { INSTALLED_PACKAGE_QUERY, type PackageDetection, packageDetectionFromError, parsePackageDetection } from '../installation/package.js';
import {
  assignmentVia,
  groupComponentsQuery,
  groupsContaining,
  permissionSetQuery,
  pickPermissionSet,
} from '../installation/permset.js';
import { EVENT_LAYOUT_ASSIGNMENTS_QUERY, eventLayoutsInUse, missingFields, readLayoutMetadata } from '../installation/layout.js';
import { ASSIGNMENT_RULES_QUERY, bookingOwnersQuery, needsAssignmentRules, parseAssignmentRules, parseOwners } from '../mapping/creation-rules.js';
import { BOOKING_OBJECTS, type BookingObject } from '../mapping/setup-file.js';
import { type ObjectFields, parseDescribe } from '../validation/fields.js';
import { DUPLICATE_RULES_QUERY, parseDuplicateRules, parseValidationRules, VALIDATION_RULES_QUERY } from '../validation/rules.js';
import { blockedFacts } from './report.js';
import { type FetchFailure, type Fetched, fetched, notFetched } from '../fetched.js';
import type { DoctorFacts, InstallationReads } from './facts.js';

/**
 * The one layer of the doctor that talks to the org. The whole report costs at most four HTTP requests:
 *
 *   1–2. REST Composites (at most 10 queries, 5 per Composite, filled in order by sendComposite): Organization, the
 *      API user (license, profile), every permission set in force that reaches it (profile-owned, regular, group
 *      aggregates, with their permissions and object access), its UserLogin (frozen; not when it checks itself) or,
 *      when it checks itself, its own UserPermissionAccess, OnceHub's permission set and the groups that contain it,
 *      active duplicate rules, plus with a setup file active assignment rules and the booking page owners; and the
 *      describes of Lead, Contact, Account, Event and Case (describes are not queries, so they share the requests).
 *   3. Tooling Composite: installed packages, Event layout assignments, active validation rules (3 queries).
 *   4. Tooling Composite: `GET Layout/<id>` for each Event layout in use (none when no layout is assigned).
 *
 * 1–2 run alongside 3–4, so the report waits for two round trips. A subrequest that
 * fails becomes that concern's failure (`Fetched`); only org-level failures (expired session, rate limit, HTML page,
 * unreachable org) end the run, as SfErrors with actions. API disabled for the org, or for the user sf is logged in
 * as, is a finding: the report says so in Phase 1 and marks the rest not checked.
 */

export type GatherRequest = Pick<DoctorFacts, 'target' | 'mode' | 'apiUser' | 'connections' | 'setup'>;

const REF = {
  permset: 'oncehubPermissionSet',
  groups: 'oncehubPermissionSetGroups',
  duplicateRules: 'duplicateRules',
  assignmentRules: 'assignmentRules',
  owners: 'bookingPageOwners',
  packages: 'installedPackages',
  layouts: 'eventLayouts',
  validationRules: 'validationRules',
} as const;

/** Failures that concern the whole org or session, never one concern: they end the run. */
const failureOf = (err: unknown): FetchFailure => ({
  errorCode: errorCodeOf(err) ?? 'UNKNOWN_ERROR',
  message: err instanceof Error ? err.message : String(err),
});

/** A package query that failed for a reason of its own, named in the report. */
const unreadablePackage = ({ errorCode, message }: FetchFailure): PackageDetection => ({
  status: 'unreadable',
  reason: `${errorCode}: ${message}`,
});

/** Reads one concern; its own failure becomes a `Fetched` failure, an org-level one is rethrown. */
async function read<T>(parse: () => Promise<T> | T): Promise<Fetched<T>> {
  try {
    return fetched(await parse());
  } catch (err) {
    if (isOrgLevelError(err)) throw err;
    return notFetched(failureOf(err));
  }
}

function restRequests(conn: Connection, request: GatherRequest): SubRequest[] {
  const username = request.apiUser.username;
  const setup = request.setup?.file;
  const owners = setup?.bookingPageOwners ?? [];
  // The checked user's own effective permissions help only when it is the one asking (and may not read its sets);
  // then its own session proves it is not frozen (Salesforce refuses a frozen user's sessions), so UserLogin is not
  // asked for: another user's UserLogin needs Manage Users.
  const self = sameUsername(username, request.target.username) ? {} : undefined;
  // At most 10 queries: sendComposite fills a Composite up to 5 queries, so these go in two requests.
  return [
    ...apiUserRequests(conn, username, { self, login: !self }),
    queryRequest(conn, REF.permset, permissionSetQuery()),
    queryRequest(conn, REF.groups, groupComponentsQuery()),
    ...BOOKING_OBJECTS.map((object) => describeRequest(conn, describeRef(object), object)),
    queryRequest(conn, REF.duplicateRules, DUPLICATE_RULES_QUERY),
    ...(needsAssignmentRules(setup) ? [queryRequest(conn, REF.assignmentRules, ASSIGNMENT_RULES_QUERY)] : []),
    ...(owners.length ? [queryRequest(conn, REF.owners, bookingOwnersQuery(owners))] : []),
  ];
}

const toolingRequests = (conn: Connection): SubRequest[] => [
  queryRequest(conn, REF.packages, INSTALLED_PACKAGE_QUERY, true),
  queryRequest(conn, REF.layouts, EVENT_LAYOUT_ASSIGNMENTS_QUERY, true),
  queryRequest(conn, REF.validationRules, VALIDATION_RULES_QUERY, true),
];

type RestFacts = Pick<
  DoctorFacts,
  'org' | 'apiUserFacts' | 'describes' | 'duplicateRules' | 'assignmentRules' | 'bookingOwners'
> &
  Pick<InstallationReads, 'permissionSet' | 'apiUserAssigned' | 'apiUserAssignedVia' | 'apiUserPendingVia'>;

type Holding = { assigned: boolean; via?: string; pending?: InstallationReads['apiUserPendingVia'] };

/**
 * Whether the user's sets (assignments in force only: the query leaves out expired ones) include the permission set,
 * directly or (only) through a group: then that group's label. A group whose Status is not Updated is not counted
 * on: it is named as `pending`.
 */
function holding(sets: readonly SalesforceRecord[], permsetId: string, groups: ReadonlyMap<string, string>): Holding {
  const vias = sets.map((set) => ({
    via: assignmentVia({ PermissionSetId: set.Id, PermissionSetGroupId: set.PermissionSetGroupId }, permsetId, groups),
    why: whyNotCounted(set),
  }));
  if (vias.some((v) => v.via === undefined && !v.why)) return { assigned: true };
  const counted = vias.find((v) => typeof v.via === 'string' && !v.why);
  if (counted) return { assigned: true, via: counted.via as string };
  const pending = vias.find((v) => typeof v.via === 'string' && v.why?.reason === 'group-status');
  return pending?.why?.reason === 'group-status' ? { assigned: false, pending: { group: pending.via as string, status: pending.why.status } } : { assigned: false };
}

async function readRestFacts(conn: Connection, answers: Map<string, SubResponse>): Promise<RestFacts> {
  const records = async (ref: string): Promise<SalesforceRecord[]> => (await subQuery(conn, answers, ref)).records;
  const permissionSet = await read(async () => pickPermissionSet(await records(REF.permset)));
  // The sets that reach the API user (profile, permission sets, group aggregates) against OnceHub's set and its groups.
  const held = await read(async () => {
    const sets = await records(USER_REF.sets);
    const groups = await records(REF.groups);
    return permissionSet.ok && permissionSet.value ? holding(sets, permissionSet.value.id, groupsContaining(permissionSet.value.id, groups)) : { assigned: false };
  });
  const apiUserAssigned: Fetched<boolean> = !permissionSet.ok ? permissionSet : !held.ok ? held : fetched(held.value.assigned);
  const apiUserAssignedVia = held.ok ? held.value.via : undefined;
  const apiUserPendingVia = held.ok ? held.value.pending : undefined;
  const describes = {} as Record<BookingObject, Fetched<ObjectFields>>;
  for (const object of BOOKING_OBJECTS) {
    describes[object] = await read(() => parseDescribe(object, subBody<Record<string, unknown>>(answers, describeRef(object))));
  }
  return {
    org: await read(() => parseOrgFacts(conn, answers)),
    apiUserFacts: await read(() => parseApiUserFacts(conn, answers)),
    permissionSet,
    apiUserAssigned,
    ...(apiUserAssignedVia ? { apiUserAssignedVia } : {}),
    ...(apiUserPendingVia ? { apiUserPendingVia } : {}),
    describes,
    duplicateRules: await read(async () => parseDuplicateRules(await records(REF.duplicateRules))),
    assignmentRules: answers.has(REF.assignmentRules)
      ? await read(async () => parseAssignmentRules(await records(REF.assignmentRules)))
      : undefined,
    bookingOwners: answers.has(REF.owners) ? await read(async () => parseOwners(await records(REF.owners))) : undefined,
  };
}

type ToolingFacts = Pick<DoctorFacts, 'validationRules'> & {
  package: PackageDetection;
  layouts: Fetched<Array<{ name: string; missing: string[] }>>;
};

async function detectPackage(conn: Connection, answers: Map<string, SubResponse>): Promise<PackageDetection> {
  try {
    return parsePackageDetection((await subQuery(conn, answers, REF.packages)).records);
  } catch (err) {
    if (isOrgLevelError(err)) throw err;
    try {
      return packageDetectionFromError(err);
    } catch {
      return unreadablePackage(failureOf(err));
    }
  }
}

/** Request 3, then request 4 for the layouts request 3 found in use. */
async function gatherToolingFacts(conn: Connection): Promise<ToolingFacts> {
  let answers: Map<string, SubResponse>;
  try {
    answers = await sendComposite(conn, toolingRequests(conn), { tooling: true });
  } catch (err) {
    // A Tooling API the user may not use at all (rare; an org without it answers 404) leaves those checks unread.
    if (isOrgLevelError(err) || !/^(NOT_FOUND|INVALID_TYPE|INSUFFICIENT_ACCESS|ERROR_HTTP_4)/.test(errorCodeOf(err) ?? '')) throw err;
    const failure = failureOf(err);
    return {
      package: unreadablePackage(failure),
      layouts: notFetched(failure),
      validationRules: notFetched(failure),
    };
  }
  const inUse = await read(async () => eventLayoutsInUse((await subQuery(conn, answers, REF.layouts)).records));
  const layouts = !inUse.ok
    ? inUse
    : await read(async () =>
        (await readLayoutMetadata(conn, inUse.value)).map((metadata, i) => ({ name: inUse.value[i].name, missing: missingFields(metadata) }))
      );
  return {
    package: await detectPackage(conn, answers),
    layouts,
    validationRules: await read(async () => parseValidationRules((await subQuery(conn, answers, REF.validationRules)).records)),
  };
}

async function gatherRestFacts(conn: Connection, request: GatherRequest): Promise<RestFacts> {
  const answers = await sendComposite(conn, restRequests(conn, request));
  return readRestFacts(conn, answers);
}

/** Every fact of the report, in at most four requests (see above). */
export async function gatherFacts(conn: Connection, request: GatherRequest): Promise<DoctorFacts> {
  const [rest, tooling] = await Promise.allSettled([gatherRestFacts(conn, request), gatherToolingFacts(conn)]);
  const failed = [rest, tooling].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const codes = failed.map((err) => errorCodeOf(err));
  if (codes.includes('API_DISABLED_FOR_ORG') || codes.includes('API_CURRENTLY_DISABLED')) {
    const blockedBy = codes.includes('API_DISABLED_FOR_ORG') ? 'API_DISABLED_FOR_ORG' : 'API_CURRENTLY_DISABLED';
    const cause = failed[codes.indexOf(blockedBy)];
    return {
      ...blockedFacts(request, failureOf(cause)),
      apiBlocked: blockedBy === 'API_DISABLED_FOR_ORG' ? 'org' : 'user',
    };
  }
  if (rest.status === 'rejected') throw toSfError(rest.reason, request.target);
  if (tooling.status === 'rejected') throw toSfError(tooling.reason, request.target);
  const { permissionSet, apiUserAssigned, apiUserAssignedVia, apiUserPendingVia, ...restFacts } = rest.value;
  return {
    ...request,
    ...restFacts,
    validationRules: tooling.value.validationRules,
    installation: {
      package: tooling.value.package,
      permissionSet,
      apiUserAssigned,
      ...(apiUserAssignedVia ? { apiUserAssignedVia } : {}),
      ...(apiUserPendingVia ? { apiUserPendingVia } : {}),
      layouts: tooling.value.layouts,
    },
  };
}
