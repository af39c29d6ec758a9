import { Messages, SfError } from '@salesforce/core';
import { escapeControl, quoteArg } from '../cli/command-line.js';

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
 * The error and every error in its `cause` chain: undici's `TypeError: fetch failed` carries the socket's code only
 * in `cause`, sometimes one level deeper (nodejs/undici#1923, nodejs/undici#2400; test/lib/org/errors.test.ts).
 */
export function causeChain(err: unknown): ApiErrorLike[] {
  const chain: ApiErrorLike[] = [];
  for (let e = err; e && typeof e === 'object' && !chain.includes(e) && chain.length < 10; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}

// The connection went down after the request was sent: the org may have acted on it.
// An answer cut off mid-body fails undici's body stream with `TypeError: terminated` (cause UND_ERR_SOCKET).
const DROPPED = /ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|other side closed|socket hang up|^terminated$/i;
// No connection, or no answer at all: DNS, refused, timed out.
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT/i;

export type NetworkFailure = { kind: 'ConnectionDropped' | 'Unreachable'; code: string };

/** Whether an error is a network failure, found anywhere in its cause chain, and the socket code that says so. */
export function networkFailure(err: unknown): NetworkFailure | undefined {
  const chain = causeChain(err);
  for (const [kind, pattern] of [
    ['ConnectionDropped', DROPPED],
    ['Unreachable', UNREACHABLE],
  ] as const) {
    // A socket code anywhere in the chain names the failure best; a message (`terminated`, `socket hang up`) else.
    const coded = chain.find((e) => e.code && pattern.test(e.code));
    if (coded?.code) return { kind, code: coded.code };
    for (const e of chain) {
      const match = pattern.exec(e.message ?? '');
      if (match) return { kind, code: e.code ?? match[0] };
    }
  }
  // A fetch that failed without saying why: nothing came back, as far as we can tell.
  if (chain.some((e) => /fetch failed/i.test(e.message ?? ''))) return { kind: 'Unreachable', code: 'fetch failed' };
  return undefined;
}

type OrgLevelFailure =
  | 'SessionRefused'
  | 'ApiDisabledForOrg'
  | 'ApiDisabledForUser'
  | 'RequestLimitExceeded'
  | 'HtmlPage'
  | 'MalformedResponse'
  | 'ServerUnavailable'
  | 'ConnectionDropped'
  | 'WriteOutcomeUnknown'
  | 'ApiVersionNotServed'
  | 'Unreachable';

/**
 * Which org-level failure an error is, if any: failures that concern the whole org or session (expired session, API
 * disabled, rate limit, maintenance page, unreadable answers, server down, unreachable host), as opposed to one
 * query's own error. The single place that knows them: toSfError explains them, the doctor stops on them.
 */
export function orgLevelFailure(err: unknown): OrgLevelFailure | undefined {
  const code = errorCodeOf(err) ?? '';
  const message = messageOf(err);
  if (code === 'WRITE_OUTCOME_UNKNOWN') return 'WriteOutcomeUnknown';
  if (code === 'API_VERSION_NOT_SERVED') return 'ApiVersionNotServed';
  if (code === 'INVALID_SESSION_ID' || /invalid_grant|Unable to refresh session|Session expired/i.test(message)) {
    return 'SessionRefused';
  }
  if (code === 'API_DISABLED_FOR_ORG') return 'ApiDisabledForOrg';
  if (code === 'API_CURRENTLY_DISABLED') return 'ApiDisabledForUser';
  if (code === 'REQUEST_LIMIT_EXCEEDED') return 'RequestLimitExceeded';
  if (/html content/i.test(message) || code === 'HTML_RESPONSE') return 'HtmlPage';
  if (code === 'MALFORMED_RESPONSE') return 'MalformedResponse';
  if (/^(?:sf:)?(SERVER_UNAVAILABLE|UNKNOWN_EXCEPTION|ERROR_HTTP_5\d\d)$/.test(code)) return 'ServerUnavailable';
  return networkFailure(err)?.kind;
}

export const isOrgLevelError = (err: unknown): boolean => orgLevelFailure(err) !== undefined;

/**
 * The ErrorId in Salesforce's UNKNOWN_EXCEPTION message, "An unexpected error occurred. Please include this ErrorId if
 * you contact support: 1452464078-314667 (-1173371248)" (restforce/restforce#821).
 */
export function errorIdOf(message: string): string | undefined {
  return /ErrorId[^:]*:\s*(\d+-\d+(?:\s*\(-?\d+\))?)/i.exec(message)?.[1];
}

/** "UNKNOWN_EXCEPTION, ErrorId 1234567890-12345 (-123456789)": the code, and Salesforce's ErrorId when it gave one. */
function serverFailureText(code: string, errorId: string | undefined): string {
  return `${code.replace(/^sf:/, '')}${errorId ? `, ErrorId ${errorId}` : ''}`;
}

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
      return messages.createError('error.sessionRefused', [escapeControl(who)], [quoteArg(ctx.alias || ctx.username), quoteArg(ctx.username)], err as Error);
    case 'ApiDisabledForOrg':
      return messages.createError('error.apiDisabledForOrg', [escapeControl(who)], [quoteArg(ctx.username)]);
    case 'ApiDisabledForUser':
      return messages.createError('error.apiDisabledForUser', [ctx.username], [quoteArg(ctx.username)]);
    case 'RequestLimitExceeded':
      return messages.createError('error.requestLimitExceeded', [escapeControl(who)], [quoteArg(who)]);
    case 'HtmlPage':
      return messages.createError('error.htmlPage', [/HTTP status code: (\d+)/.exec(message)?.[1] ?? '200'], [quoteArg(who)]);
    case 'MalformedResponse':
      return messages.createError('error.malformedResponse', [message], []);
    case 'ServerUnavailable':
      return messages.createError('error.serverUnavailable', [serverFailureText(code, errorIdOf(message))], [quoteArg(who)]);
    case 'WriteOutcomeUnknown': {
      const { serverCode, errorId } = err as { serverCode?: string; errorId?: string };
      return messages.createError('error.writeOutcomeUnknown', [ctx.instanceUrl, serverFailureText(serverCode ?? code, errorId)], [quoteArg(who)]);
    }
    case 'ApiVersionNotServed': {
      const { requested, highest } = err as { requested?: string; highest?: string };
      return messages.createError('error.apiVersionNotServed', [requested ?? '?', ctx.instanceUrl, highest ?? '?'], [highest ?? '?']);
    }
    case 'ConnectionDropped':
      return messages.createError('error.connectionDropped', [ctx.instanceUrl, networkFailure(err)?.code ?? message], [quoteArg(who)]);
    case 'Unreachable':
      return messages.createError('error.unreachable', [ctx.instanceUrl, networkFailure(err)?.code ?? message], [quoteArg(who)]);
    case undefined:
      break;
  }
  if (code.startsWith('INSUFFICIENT_ACCESS')) {
    return messages.createError('error.insufficientAccess', [ctx.username, message]);
  }
  return new SfError(message, code || 'OrgRequestError', undefined, 1, err instanceof Error ? err : undefined);
}
