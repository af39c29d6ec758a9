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

/**
 * Turns an org-level failure (expired session, API disabled, rate limit, maintenance page, unreachable host) into an
 * SfError with a one-line message and the actions that fix it. Anything else is wrapped as-is.
 */
export function toSfError(err: unknown, ctx: OrgContext): SfError {
  if (err instanceof SfError && err.actions?.length) return err as SfError;
  const code = errorCodeOf(err) ?? '';
  const message = messageOf(err);
  const who = ctx.alias || ctx.username;

  if (code === 'INVALID_SESSION_ID' || /invalid_grant|Unable to refresh session|Session expired/i.test(message)) {
    return messages.createError('error.SessionRefused', [who], [ctx.alias || ctx.username, ctx.username], err as Error);
  }
  if (code === 'API_DISABLED_FOR_ORG') return messages.createError('error.ApiDisabledForOrg', [who]);
  if (code === 'API_CURRENTLY_DISABLED') {
    return messages.createError('error.ApiDisabledForUser', [ctx.username], [ctx.username]);
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED') return messages.createError('error.RequestLimitExceeded', [who], [who]);
  if (/html content/i.test(message) || code === 'HTML_RESPONSE') {
    const status = /HTTP status code: (\d+)/.exec(message)?.[1] ?? '200';
    return messages.createError('error.HtmlPage', [status], [who]);
  }
  if (code === 'MALFORMED_RESPONSE') return messages.createError('error.MalformedResponse', [message], []);
  if (code === 'SERVER_UNAVAILABLE' || /^ERROR_HTTP_5\d\d$/.test(code)) {
    return messages.createError('error.ServerUnavailable', [code], [who]);
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed/i.test(`${code} ${message}`)) {
    return messages.createError('error.Unreachable', [ctx.instanceUrl, code || message], [who]);
  }
  if (code.startsWith('INSUFFICIENT_ACCESS')) {
    return messages.createError('error.InsufficientAccess', [ctx.username, message]);
  }
  return new SfError(message, code || 'OrgRequestError', undefined, 1, err instanceof Error ? err : undefined);
}
