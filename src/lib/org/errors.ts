import { Messages, SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'org-errors');

/** Who we were talking to, so that an error can name the alias and suggest the exact command. */
export type OrgContext = { alias: string; username: string; instanceUrl: string };

type ApiErrorLike = { errorCode?: string; name?: string; message?: string; code?: string; data?: unknown };

/** The Salesforce error code of anything jsforce or our own request layer threw. */
export function errorCodeOf(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const e = err as ApiErrorLike;
    return e.errorCode ?? e.code ?? e.name;
  }
  return undefined;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

type OrgLevelFailure =
  | 'SessionRefused'
  | 'ApiDisabledForOrg'
  | 'ApiDisabledForUser'
  | 'RequestLimitExceeded'
  | 'HtmlPage'
  | 'MalformedResponse'
  | 'ServerUnavailable'
  | 'Unreachable';

/**
 * Which org-level failure an error is, if any: failures that concern the whole org or session (expired session, API
 * disabled, rate limit, maintenance page, unreadable answers, server down, unreachable host), as opposed to one
 * query's own error. The single place that knows them: toSfError explains them, the doctor stops on them.
 */
export function orgLevelFailure(err: unknown): OrgLevelFailure | undefined {
  const code = errorCodeOf(err) ?? '';
  const message = messageOf(err);
  if (code === 'INVALID_SESSION_ID' || /invalid_grant|Unable to refresh session|Session expired/i.test(message)) {
    return 'SessionRefused';
  }
  if (code === 'API_DISABLED_FOR_ORG') return 'ApiDisabledForOrg';
  if (code === 'API_CURRENTLY_DISABLED') return 'ApiDisabledForUser';
  if (code === 'REQUEST_LIMIT_EXCEEDED') return 'RequestLimitExceeded';
  if (/html content/i.test(message) || code === 'HTML_RESPONSE') return 'HtmlPage';
  if (code === 'MALFORMED_RESPONSE') return 'MalformedResponse';
  if (code === 'SERVER_UNAVAILABLE' || /^ERROR_HTTP_5\d\d$/.test(code)) return 'ServerUnavailable';
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed/i.test(`${code} ${message}`)) {
    return 'Unreachable';
  }
  return undefined;
}

export const isOrgLevelError = (err: unknown): boolean => orgLevelFailure(err) !== undefined;

/**
 * Turns an org-level failure into an SfError with a one-line message and the actions that fix it; an insufficient
 * access error into a sentence; anything else is wrapped as-is.
 */
export function toSfError(err: unknown, ctx: OrgContext): SfError {
  if (err instanceof SfError && err.actions?.length) return err as SfError;
  const code = errorCodeOf(err) ?? '';
  const message = messageOf(err);
  const who = ctx.alias || ctx.username;

  switch (orgLevelFailure(err)) {
    case 'SessionRefused':
      return messages.createError('error.SessionRefused', [who], [ctx.alias || ctx.username, ctx.username], err as Error);
    case 'ApiDisabledForOrg':
      return messages.createError('error.ApiDisabledForOrg', [who]);
    case 'ApiDisabledForUser':
      return messages.createError('error.ApiDisabledForUser', [ctx.username], [ctx.username]);
    case 'RequestLimitExceeded':
      return messages.createError('error.RequestLimitExceeded', [who], [who]);
    case 'HtmlPage':
      return messages.createError('error.HtmlPage', [/HTTP status code: (\d+)/.exec(message)?.[1] ?? '200'], [who]);
    case 'MalformedResponse':
      return messages.createError('error.MalformedResponse', [message], []);
    case 'ServerUnavailable':
      return messages.createError('error.ServerUnavailable', [code], [who]);
    case 'Unreachable':
      return messages.createError('error.Unreachable', [ctx.instanceUrl, code || message], [who]);
    case undefined:
      break;
  }
  if (code.startsWith('INSUFFICIENT_ACCESS')) {
    return messages.createError('error.InsufficientAccess', [ctx.username, message]);
  }
  return new SfError(message, code || 'OrgRequestError', undefined, 1, err instanceof Error ? err : undefined);
}
