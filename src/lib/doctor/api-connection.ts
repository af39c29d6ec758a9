import { type Check, fail, pass, skip, warn } from '../checks.js';
import { judgeApiRefused, judgeApiUser } from '../connection/api-user.js';
import type { ConnectionRecord, ConnectMode, Environment } from '../connection/state.js';
import { environmentOf, sameId, sameUsername } from '../org/identity.js';
import { checkMessages as messages, checkTitle, skipAll, unreadableCheck } from '../check-text.js';
import type { Fetched } from '../fetched.js';
import type { ApiBlocked, DoctorFacts, DoctorTarget } from './facts.js';
import type { OrgFacts } from '../connection/api-user-facts.js';
import { commandLine, escapeControl, quoteArg, sfCommand } from '../cli/command-line.js';

/**
 * Phase 1 in the doctor: `api-access` (the edition has the API), the API-user checks of the mode (from
 * connection/api-user.ts, shared with `connect`), and `recorded-connection` (what `sf oncehub connect` recorded for
 * this environment is this org and this user).
 */

/** Why a check was not run when the API is blocked for the org or refused to the user sf is logged in as. */
export const blockedMessage = (blocked: ApiBlocked, target: Pick<DoctorTarget, 'username'>): string =>
  messages.getMessage(blocked === 'org' ? 'skip.apiDisabled' : 'skip.apiRefused', [target.username]);

/**
 * Professional Edition has the API only as a paid add-on (Salesforce REST API Developer Guide, "Supported Editions and
 * Required Permissions"): it may be missing or be removed later.
 */
const EDITIONS_WITH_OPTIONAL_API = ['Professional Edition'];

/**
 * `refusedUser`: the user sf is logged in as, when Salesforce refused its calls with API_DISABLED_FOR_ORG — which it
 * answers alike for an org without API and for a user without API Enabled (forcedotcom/salesforcedx-vscode#2387,
 * restforce/restforce#219), so the check names both. When the calls went through, the org has the API, and the
 * checked user's own permission is api-enabled's.
 */
export function judgeApiAccess(org: Fetched<OrgFacts>, refusedUser: string | false): Check {
  const id = 'api-access';
  if (refusedUser !== false) {
    return fail(
      id,
      checkTitle(id),
      messages.getMessage('api-access.disabled', [refusedUser, refusedUser]),
      messages.getMessage('api-access.disabled.fix', [quoteArg(refusedUser)])
    );
  }
  if (!org.ok) return unreadableCheck(id, messages.getMessage('api-access.what'), org);
  const edition = org.value.edition || messages.getMessage('api-access.unknownEdition');
  if (EDITIONS_WITH_OPTIONAL_API.includes(org.value.edition)) {
    return warn(id, checkTitle(id), messages.getMessage('api-access.professional', [edition]), messages.getMessage('api-access.professional.fix'));
  }
  return pass(id, checkTitle(id), messages.getMessage('api-access.pass', [edition]));
}

export type RecordedConnectionContext = {
  environment: Environment;
  orgId: string;
  apiUsername: string;
  /** The command that records the right connection. */
  connectCommand: string;
};

/**
 * What `sf oncehub connect` recorded for this org's environment. None yet is a warning, not a failure: the org may be
 * ready before anyone connected OnceHub, and the fix is one command.
 */
export function judgeRecordedConnection(record: ConnectionRecord | undefined, ctx: RecordedConnectionContext): Check {
  const id = 'recorded-connection';
  const title = checkTitle(id);
  const fix = messages.getMessage('recorded-connection.fix', [ctx.connectCommand]);
  if (!record) return warn(id, title, messages.getMessage('recorded-connection.none', [ctx.environment]), fix);
  if (!sameId(record.orgId, ctx.orgId)) {
    return warn(
      id,
      title,
      messages.getMessage('recorded-connection.otherOrg', [ctx.environment, record.alias, record.orgId, ctx.orgId]),
      fix
    );
  }
  if (!sameUsername(record.username, ctx.apiUsername)) {
    return warn(
      id,
      title,
      messages.getMessage('recorded-connection.otherUser', [ctx.environment, record.username, ctx.apiUsername]),
      fix
    );
  }
  return pass(id, title, messages.getMessage('recorded-connection.pass', [ctx.environment, record.username, record.connectedAt]));
}

/** The command that records the checked user as the API user: `connect` validates the user sf is logged in as. */
export function connectCommandFor(facts: Pick<DoctorFacts, 'target' | 'apiUser' | 'mode'>): string {
  const modeFlags = facts.mode === 'standard' ? [] : ['--mode', facts.mode];
  const connect = (alias: string): string => sfCommand('oncehub', 'connect', '-o', alias, ...modeFlags);
  if (sameUsername(facts.apiUser.username, facts.target.username)) return connect(facts.target.alias);
  if (facts.apiUser.localAlias) return connect(facts.apiUser.localAlias);
  const mode = modeFlags.length ? ` ${commandLine(modeFlags)}` : '';
  return messages.getMessage('recorded-connection.loginFirst', [escapeControl(facts.apiUser.username), mode]);
}

export const environmentOfFacts = (facts: Pick<DoctorFacts, 'org' | 'target'>): Environment | undefined =>
  facts.org.ok ? environmentOf(facts.org.value) : facts.target.knownEnvironment;

/** The checks of the API connection phase, in report order. */
export function apiConnectionChecks(facts: DoctorFacts): Check[] {
  const mode: ConnectMode = facts.mode;
  const username = facts.apiUser.username;
  const recordedTitle = checkTitle('recorded-connection');
  if (facts.apiBlocked === 'org') {
    const notChecked = blockedMessage('org', facts.target);
    return [
      judgeApiAccess(facts.org, facts.target.username),
      ...skipAll(judgeApiUser(username, undefined, mode), notChecked),
      skip('recorded-connection', recordedTitle, notChecked),
    ];
  }
  if (facts.apiBlocked === 'user') {
    const notChecked = blockedMessage('user', facts.target);
    return [
      skip('api-access', checkTitle('api-access'), notChecked),
      ...judgeApiRefused(username, mode),
      skip('recorded-connection', recordedTitle, notChecked),
    ];
  }
  const userChecks = facts.apiUserFacts.ok
    ? judgeApiUser(username, facts.apiUserFacts.value, mode)
    : judgeApiUser(username, undefined, mode).map((c) =>
        c.id === 'user-active' && !facts.apiUserFacts.ok
          ? unreadableCheck(c.id, messages.getMessage('user.what', [username]), facts.apiUserFacts, c.title)
          : skip(c.id, c.title, messages.getMessage('skip.userUnreadable'))
      );
  const environment = environmentOfFacts(facts);
  const recorded = environment
    ? judgeRecordedConnection(facts.connections[environment], {
        environment,
        orgId: facts.org.ok ? facts.org.value.id || facts.target.orgId : facts.target.orgId,
        apiUsername: facts.apiUserFacts.ok && facts.apiUserFacts.value ? facts.apiUserFacts.value.username : username,
        connectCommand: connectCommandFor(facts),
      })
    : skip('recorded-connection', recordedTitle, messages.getMessage('recorded-connection.noEnvironment'));
  return [judgeApiAccess(facts.org, false), ...userChecks, recorded];
}
