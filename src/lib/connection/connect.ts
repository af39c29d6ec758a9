import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { Check } from '../checks.js';
import { errorCodeOf, toSfError } from '../org/errors.js';
import { sendComposite } from '../org/requests.js';
import { environmentOf, sameId, sameUsername } from '../org/identity.js';
import type { ConnectTarget } from '../org/target.js';
import { type ApiUserFacts, apiUserRequests, objectDescribeRequests, type OrgFacts, parseApiUserFacts, parseOrgFacts } from './api-user-facts.js';
import { judgeApiRefused, judgeApiUser } from './api-user.js';
import { type ConnectionRecord, type ConnectMode, type Environment, readConnections, recordConnection } from './state.js';
import { escapeControl, quoteArg, sfCommand } from '../cli/command-line.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.connect');

/**
 * Phase 1, `sf oncehub connect`: the org's authenticated user is validated as OnceHub's API user with one Composite
 * request, and on success recorded for its environment (production or sandbox), like OnceHub's "API connection" tab.
 */

/** What `connect` returns (and prints under --json). `connectedAt` is set only when the connection was recorded. */
export type ConnectResult = Omit<ConnectionRecord, 'connectedAt'> & { connectedAt?: string; checks: Check[] };

export type ConnectRequest = {
  mode: ConnectMode;
  /** --sandbox / --production: the environment the user means to connect. */
  environment?: Environment;
  /** --api-user: the username the authenticated user must have. */
  apiUser?: string;
};

export type ConnectOutcome = {
  result: ConnectResult;
  /** For the human header; undefined when the org could not be read. */
  orgName?: string;
  /** The earlier record of that environment, when it was for another user or org and has just been replaced. */
  replaced?: ConnectionRecord;
};

type ConnectFacts =
  | { apiAccess: true; org: OrgFacts; user: ApiUserFacts | undefined }
  | { apiAccess: false; errorCode: string };

/**
 * How Salesforce refuses a user's API calls: over REST 403 API_DISABLED_FOR_ORG, for a user without API Enabled as for
 * an org without API (forcedotcom/salesforcedx-vscode#2387, restforce/restforce#219); API_CURRENTLY_DISABLED ("API is
 * disabled for this User", a fault code of the SOAP API's ExceptionCode list) is the SOAP form, accepted for robustness.
 */
const API_REFUSED = ['API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED'];

/** Salesforce login URL of an environment, for the "log in to the right org" actions. */
const loginUrlOf = (environment: Environment): string =>
  environment === 'sandbox' ? 'https://test.salesforce.com' : 'https://login.salesforce.com';

/** Throws when --api-user names someone other than the user sf is logged in as. */
export function assertApiUser(target: ConnectTarget, expected: string | undefined): void {
  if (expected === undefined || sameUsername(expected, target.username)) return;
  throw messages.createError(
    'error.apiUserMismatch',
    [escapeControl(target.alias), escapeControl(target.username), escapeControl(expected)],
    [escapeControl(expected), quoteArg(expected)]
  );
}

/** Throws when --sandbox / --production does not match the org sf is logged in to: the "wrong org" trap. */
export function assertEnvironment(
  actual: Environment,
  expected: Environment | undefined,
  target: ConnectTarget,
  orgName: string
): void {
  if (expected === undefined || expected === actual) return;
  const key = expected === 'sandbox' ? 'error.expectedSandbox' : 'error.expectedProduction';
  const suggestedAlias = `oncehub-${expected}`;
  throw messages.createError(
    key,
    [escapeControl(target.alias), escapeControl(orgName || target.orgId)],
    [loginUrlOf(expected), suggestedAlias, suggestedAlias, `--${expected}`]
  );
}

/**
 * The one round trip: org, user with license and profile, its permission sets and groups, and its own effective
 * permissions (for when it may not read its permission sets), in one Composite of at most five queries.
 * A user whose API calls are refused is a finding, not an error.
 */
export async function fetchConnectFacts(conn: Connection, target: ConnectTarget, mode: ConnectMode): Promise<ConnectFacts> {
  const userId = target.userId || undefined;
  // Advanced-secure mode judges object access: besides UserEntityAccess, the user's own describes show it (not
  // queries, so still one request).
  const describes = mode === 'advanced-secure' ? objectDescribeRequests(conn) : [];
  try {
    const answers = await sendComposite(conn, [...apiUserRequests(conn, target.username, { self: { userId } }), ...describes]);
    return { apiAccess: true, org: await parseOrgFacts(conn, answers), user: await parseApiUserFacts(conn, answers) };
  } catch (err) {
    const code = errorCodeOf(err) ?? '';
    if (API_REFUSED.includes(code)) return { apiAccess: false, errorCode: code };
    throw toSfError(err, target);
  }
}

const sameConnection = (a: ConnectionRecord, b: ConnectionRecord): boolean =>
  sameUsername(a.username, b.username) && sameId(a.orgId, b.orgId);

/**
 * Validates the authenticated user as the API user, without recording anything (`setup` records only after its plan
 * is confirmed, and not at all on --dry-run). Throws SfErrors for the assertions (--api-user, --sandbox/--production)
 * and for org-level failures; failing checks are returned, not thrown, so that --json still carries them.
 */
export async function checkConnection(conn: Connection, target: ConnectTarget, request: ConnectRequest): Promise<ConnectOutcome> {
  assertApiUser(target, request.apiUser);
  const facts = await fetchConnectFacts(conn, target, request.mode);
  const identity = { alias: target.alias, username: target.username, userId: target.userId, orgId: target.orgId };
  const instanceUrl = target.instanceUrl.replace(/\/+$/, '');

  if (!facts.apiAccess) {
    // The org cannot be asked which environment it is: rely on what sf noted at login, else on the flag.
    const environment = target.knownEnvironment ?? request.environment ?? 'production';
    if (target.knownEnvironment) assertEnvironment(environment, request.environment, target, '');
    const checks = judgeApiRefused(target.username, request.mode, facts.errorCode);
    return { result: { environment, ...identity, instanceUrl, mode: request.mode, checks } };
  }

  const environment = environmentOf(facts.org);
  assertEnvironment(environment, request.environment, target, facts.org.name);
  const checks = judgeApiUser(target.username, facts.user, request.mode);
  const connection = {
    environment,
    ...identity,
    username: facts.user?.username ?? target.username,
    userId: facts.user?.id ?? target.userId,
    orgId: facts.org.id || target.orgId,
    instanceUrl,
    mode: request.mode,
  };
  return { result: { ...connection, checks }, orgName: facts.org.name };
}

export const connectionPassed = (result: Pick<ConnectResult, 'checks'>): boolean => result.checks.every((c) => c.status === 'pass');

/** Records a connection whose checks all passed, replacing that environment's record; says what it replaced. */
export async function recordCheckedConnection(
  outcome: ConnectOutcome,
  now: () => Date = (): Date => new Date()
): Promise<ConnectOutcome & { record: ConnectionRecord }> {
  const { environment, alias, username, userId, orgId, instanceUrl, mode, checks } = outcome.result;
  const record: ConnectionRecord = { environment, alias, username, userId, orgId, instanceUrl, mode, connectedAt: now().toISOString() };
  const previous = (await readConnections())[environment];
  await recordConnection(record);
  const replaced = previous && !sameConnection(previous, record) ? previous : undefined;
  return { result: { ...record, checks }, orgName: outcome.orgName, replaced, record };
}

/**
 * Validates the authenticated user as the API user and records the connection when every check passes.
 * Throws SfErrors for the assertions (--api-user, --sandbox/--production) and for org-level failures; failing checks
 * are returned, not thrown, so that --json still carries them.
 */
export async function connect(
  conn: Connection,
  target: ConnectTarget,
  request: ConnectRequest,
  now: () => Date = (): Date => new Date()
): Promise<ConnectOutcome> {
  const checked = await checkConnection(conn, target, request);
  if (!connectionPassed(checked.result)) return checked;
  const { result, orgName, replaced } = await recordCheckedConnection(checked, now);
  return { result, orgName, replaced };
}

/** The command that retries this connect, with the flags that matter. */
export function retryCommand(result: Pick<ConnectResult, 'alias' | 'environment' | 'mode'>): string {
  const mode = result.mode === 'standard' ? [] : ['--mode', result.mode];
  return sfCommand('oncehub', 'connect', '--target-org', result.alias, `--${result.environment}`, ...mode);
}
