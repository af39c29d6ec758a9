import { Messages } from '@salesforce/core';
import { type Check, fail, pass, skip, warn } from '../checks.js';
import {
  ACCESS_KINDS,
  type ApiUserFacts,
  type GrantedPermission,
  type NotCounted,
  OBJECTS_FOR_ADVANCED_MODE,
} from './api-user-facts.js';
import type { ConnectMode } from './state.js';
import { escapeControl, quoteArg } from '../cli/command-line.js';

export type { ApiUserFacts, OrgFacts } from './api-user-facts.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'api-user-checks');

/**
 * Phase 1 judgement: what OnceHub requires of its API user (OnceHub help, "How to connect a Salesforce API User" and
 * "How to customize the API User's Profile when working in advanced secure mode"), judged purely from the facts
 * `api-user-facts.ts` reads. Same facts, same checks.
 */

const title = (id: string): string => messages.getMessage(`${id}.title`);
const yes = (id: string, ...tokens: string[]): Check => pass(id, title(id), messages.getMessage(`${id}.pass`, tokens));
const no = (id: string, tokens: string[], fixTokens: string[]): Check =>
  fail(id, title(id), messages.getMessage(`${id}.fail`, tokens), messages.getMessage(`${id}.fix`, fixTokens));

/** `A`, `A and B`, `A, B and C`, without repeats. */
function listOf(items: readonly string[]): string {
  const unique = [...new Set(items)];
  return unique.length <= 1 ? unique.join('') : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/** "the permission set group "Z" (Status Outdated)" for each group left out, "A and B" for several. */
const groupsText = (left: readonly NotCounted[]): string =>
  listOf(left.map((l) => (l.reason === 'group-status' ? `${l.source} (Status ${l.status})` : l.source)));

/**
 * A permission the counted sets do not grant. When only permission set groups awaiting recalculation would grant it,
 * that is a warning: Salesforce is recalculating their permissions, so they cannot be counted on yet, and the run
 * after the recalculation tells. A session-based set grants nothing to an API session: the failure says so.
 */
function notGranted(id: string, left: readonly NotCounted[], failed: () => Check): Check {
  if (left.length === 0) return failed();
  const session = left.filter((l) => l.reason === 'session-based');
  if (session.length === 0) {
    return warn(id, title(id), messages.getMessage('notCounted.groupStatus', [groupsText(left)]), messages.getMessage('notCounted.groupStatus.fix'));
  }
  const check = failed();
  const sources = listOf(session.map((l) => l.source));
  return {
    ...check,
    message: `${check.message} ${messages.getMessage('notCounted.sessionBased', [sources])}`,
    fix: messages.getMessage('notCounted.sessionBased.fix', [sources, check.fix ?? '']),
  };
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
        : skip(id, title(id), messages.getMessage('notChecked'))
    );
  }
  const profile = user.profileName ?? '(no profile)';
  const permission = (id: string, p: GrantedPermission) => (): Check => {
    if (!user[p]) return notGranted(id, user.notCounted?.[p] ?? [], () => no(id, [profile, user.username], [profile, user.username]));
    const sources = user.grantedBy?.[p] ?? [];
    return sources.length ? yes(id, user.username, listOf(sources)) : pass(id, title(id), messages.getMessage(`${id}.pass.effective`, [user.username]));
  };
  const judge: Record<string, () => Check> = {
    'user-active': () => {
      if (!user.isActive) return no('user-active', [user.username], [user.username]);
      if (user.isFrozen) {
        return fail('user-active', title('user-active'), messages.getMessage('user-active.frozen', [user.username]), messages.getMessage('user-active.frozen.fix', [user.username]));
      }
      if (user.frozenUnreadable) {
        return warn(
          'user-active',
          title('user-active'),
          messages.getMessage('user-active.frozenUnknown', [user.username]),
          messages.getMessage('user-active.frozenUnknown.fix', [user.username])
        );
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
        return skip('object-access', title('object-access'), messages.getMessage('object-access.unreadable', [escapeControl(user.username), quoteArg(user.username)]));
      }
      const missing = OBJECTS_FOR_ADVANCED_MODE.flatMap((object) => {
        const lacking = ACCESS_KINDS.filter((k) => !user.objectAccess[object][k]);
        return lacking.length ? [`${lacking.join('/')} on ${object}`] : [];
      });
      // Profile alone (the default), the union of the user's sets (with where it comes from), or its own effective access.
      const variant = user.objectAccessSource === 'sets' ? '.sets' : user.objectAccessSource === 'describe' ? '.user' : '';
      const subject = variant ? user.username : profile;
      if (missing.length === 0) {
        return pass(
          'object-access',
          title('object-access'),
          messages.getMessage(`object-access.pass${variant}`, variant === '.sets' ? [subject, listOf(user.grantedBy?.objectAccess ?? [])] : [subject])
        );
      }
      return notGranted('object-access', user.notCounted?.objectAccess ?? [], () =>
        fail(
          'object-access',
          title('object-access'),
          messages.getMessage(`object-access.fail${variant}`, [subject, missing.join(', ')]),
          messages.getMessage('object-access.fix', [profile, user.username])
        )
      );
    },
  };
  return ids.map((id) => judge[id]());
}

/**
 * The checks when Salesforce refuses the user's own API calls: over REST a user without API Enabled gets 403
 * API_DISABLED_FOR_ORG, the same answer as an org whose edition has no API (forcedotcom/salesforcedx-vscode#2387,
 * restforce/restforce#219), so api-enabled
 * fails naming both causes and how an admin tells them apart; nothing else can be read as that user, so the other
 * checks are skipped and point to the admin's doctor run.
 */
export function judgeApiRefused(username: string, mode: ConnectMode, errorCode = 'API_DISABLED_FOR_ORG'): Check[] {
  return apiUserCheckIds(mode).map((id) =>
    id === 'api-enabled'
      ? fail(id, title(id), messages.getMessage('api-enabled.refused', [escapeControl(username), errorCode]), messages.getMessage('api-enabled.refused.fix', [quoteArg(username)]))
      : skip(id, title(id), messages.getMessage('notChecked.apiRefused', [escapeControl(username), quoteArg(username)]))
  );
}
