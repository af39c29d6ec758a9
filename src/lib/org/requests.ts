import type { Connection } from '@salesforce/core';
import pRetry, { AbortError } from 'p-retry';
import { errorCodeOf, errorIdOf, networkFailure } from './errors.js';

/**
 * The one place that talks HTTP to the org. Facts are gathered through Composite requests (REST and Tooling),
 * one SOQL per concern, so a whole report costs a handful of round trips; every answer's shape is checked before use
 * because jsforce hands back HTML maintenance pages and broken JSON as plain strings.
 */

export type SubRequest = {
  referenceId: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
};

export type SubResponse = { referenceId: string; httpStatusCode: number; body: unknown };

export type QueryResult<T> = { totalSize: number; done: boolean; records: T[]; nextRecordsUrl?: string };

export type SalesforceRecord = Record<string, unknown> & { Id?: string };

/** An error answered by Salesforce for one request or subrequest, carrying its error code like jsforce's errors. */
export class OrgApiError extends Error {
  public constructor(message: string, public readonly errorCode: string, public readonly status?: number) {
    super(message);
    this.name = errorCode;
  }
}

/** Salesforce's limits for one Composite request. */
export const COMPOSITE_MAX_SUBREQUESTS = 25;
export const COMPOSITE_MAX_QUERIES = 5;

export const dataPath = (conn: Connection, path: string): string => `/services/data/v${conn.getApiVersion()}${path}`;

const queryPath = (conn: Connection, soql: string, tooling: boolean): string =>
  dataPath(conn, `${tooling ? '/tooling' : ''}/query?q=${encodeURIComponent(soql)}`);

export function queryRequest(conn: Connection, referenceId: string, soql: string, tooling = false): SubRequest {
  return { referenceId, url: queryPath(conn, soql, tooling) };
}

export function describeRequest(conn: Connection, referenceId: string, sobject: string): SubRequest {
  return { referenceId, url: dataPath(conn, `/sobjects/${sobject}/describe`) };
}

export function getRequest(conn: Connection, referenceId: string, path: string, tooling = false): SubRequest {
  return { referenceId, url: dataPath(conn, `${tooling ? '/tooling' : ''}${path}`) };
}

const isQuery = (r: SubRequest): boolean => /\/query(All)?\?|\/composite\/sobjects/.test(r.url);

/** Splits subrequests into groups that respect the Composite limits (25 subrequests, at most 5 queries). */
export function planComposites(subrequests: readonly SubRequest[]): SubRequest[][] {
  const groups: SubRequest[][] = [];
  let current: SubRequest[] = [];
  let queries = 0;
  for (const sub of subrequests) {
    const q = isQuery(sub) ? 1 : 0;
    if (current.length === COMPOSITE_MAX_SUBREQUESTS || queries + q > COMPOSITE_MAX_QUERIES) {
      groups.push(current);
      current = [];
      queries = 0;
    }
    current.push(sub);
    queries += q;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Checks that an answer is the JSON object we asked for, not an HTML page or a broken body handed back as a string. */
export function expectObject(answer: unknown, what: string): Record<string, unknown> {
  if (answer !== null && typeof answer === 'object') return answer as Record<string, unknown>;
  const text = typeof answer === 'string' ? answer.trim() : String(answer);
  if (/^<(!doctype|html)/i.test(text)) throw new OrgApiError(`HTML content in answer to ${what}`, 'HTML_RESPONSE');
  throw new OrgApiError(`${what}: not JSON (${text.slice(0, 40)}…)`, 'MALFORMED_RESPONSE');
}

/**
 * A failure of the server itself: jsforce names a 5xx by its JSON errorCode when there is one (503 →
 * SERVER_UNAVAILABLE, 500 → UNKNOWN_EXCEPTION), else ERROR_HTTP_<status>; a SOAP fault keeps its `sf:` prefix.
 */
export const isServerFailure = (err: unknown): boolean =>
  /^(?:sf:)?(ERROR_HTTP_5\d\d|SERVER_UNAVAILABLE|UNKNOWN_EXCEPTION)$/.test(errorCodeOf(err) ?? '');

/**
 * Whether a read that failed is worth sending again: a 5xx (a 500 UNKNOWN_EXCEPTION included), or a network failure
 * anywhere in the error's cause chain (a connection reset or closed mid-answer reaches us as `TypeError: fetch failed`
 * with the socket code in `cause`; an answer cut off mid-body as `TypeError: terminated`). Refused or unresolvable
 * hosts are retried too, like jsforce does for GETs; the backoff keeps that under 1.5 s.
 */
export const isTransientFailure = (err: unknown): boolean => isServerFailure(err) || networkFailure(err) !== undefined;

/** Three retries after 0.2, 0.4 and 0.8 s: a dropped connection is survived, an unreachable org fails fast. */
export const READ_RETRIES = { retries: 3, minTimeout: 200, factor: 2 };

/**
 * Internal, for tests only: `ONCEHUB_RETRY_MIN_TIMEOUT_MS` replaces the first retry delay (the next ones double it),
 * so that tests, in-process or through the real `sf`, exercise every retry without sleeping. Read on each retry run.
 */
export function readRetries(): typeof READ_RETRIES {
  const override = Number(process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS ?? '');
  const minTimeout = process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS && Number.isFinite(override) && override >= 0 ? override : READ_RETRIES.minTimeout;
  return { ...READ_RETRIES, minTimeout };
}

/**
 * A write that the server failed on unexpectedly (500 UNKNOWN_EXCEPTION or another 5xx): it may or may not have been
 * saved. Carries Salesforce's ErrorId (to quote to support) and the original error as `cause`.
 */
export class WriteOutcomeUnknownError extends OrgApiError {
  public constructor(public readonly errorId: string | undefined, public readonly serverCode: string, cause: unknown) {
    super(`The org failed while handling a change (${serverCode}${errorId ? `, ErrorId ${errorId}` : ''})`, 'WRITE_OUTCOME_UNKNOWN', 500);
    this.cause = cause;
  }
}

let writesInFlight = 0;

/** Whether a write has been sent and its answer has not arrived yet (what Ctrl-C has to warn about). */
export const writeInFlight = (): boolean => writesInFlight > 0;

/**
 * Sends a write, once: never retried (it may have been saved). While it is in flight, `writeInFlight()` says so. A
 * server failure (5xx) becomes a WriteOutcomeUnknownError; a dropped connection stays a network failure, which
 * toSfError explains the same way ("may or may not have been saved; run the command again").
 */
export async function sendWrite<T>(send: () => Promise<T>): Promise<T> {
  writesInFlight++;
  try {
    return await send();
  } catch (err) {
    if (isServerFailure(err)) {
      const message = err instanceof Error ? err.message : String(err);
      throw new WriteOutcomeUnknownError(errorIdOf(message), (errorCodeOf(err) ?? 'ERROR').replace(/^sf:/, ''), err);
    }
    throw err;
  } finally {
    writesInFlight--;
  }
}

/**
 * Sends a request that only reads, retrying transient failures: jsforce never retries a POST, and a Composite of
 * queries is a POST. Writes never come here: a dropped write may have been saved, and sending it again would repeat it.
 */
export async function readWithRetry<T>(send: () => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await send();
      } catch (err) {
        if (isTransientFailure(err)) throw err;
        throw new AbortError(err as Error);
      }
    },
    readRetries()
  );
}

/** The org does not serve the API version the connection uses (`--api-version` above the org's highest). */
export class ApiVersionNotServedError extends OrgApiError {
  public constructor(public readonly requested: string, public readonly highest: string, cause: unknown) {
    super(`API version ${requested} is not served by the org (highest: ${highest})`, 'API_VERSION_NOT_SERVED', 404);
    this.cause = cause;
  }
}

const byVersion = (a: string, b: string): number => Number(a) - Number(b);

/**
 * A request to a version the org does not serve answers 404 NOT_FOUND "The requested resource does not exist", like
 * any unknown URL. When a request fails that way, the org's versions list (`GET /services/data`, no session needed)
 * tells whether the connection's version is the cause: then the error names the highest version the org offers.
 */
async function explainNotFound(conn: Connection, err: unknown): Promise<unknown> {
  if (errorCodeOf(err) !== 'NOT_FOUND') return err;
  const requested = conn.getApiVersion();
  try {
    const list = await conn.request<Array<{ version?: unknown }>>('/services/data', NO_JSFORCE_RETRY);
    const served = (Array.isArray(list) ? list : []).map((v) => String(v?.version)).filter((v) => /^\d+\.\d+$/.test(v));
    if (served.length === 0 || served.includes(requested)) return err;
    return new ApiVersionNotServedError(requested, served.sort(byVersion).at(-1)!, err);
  } catch {
    return err;
  }
}

/**
 * Runs subrequests through `/composite` (or `/tooling/composite`), as few requests as the limits allow, and returns
 * the answers by referenceId. Read-only batches are retried on transient failures.
 */
export async function sendComposite(
  conn: Connection,
  subrequests: readonly SubRequest[],
  options: { tooling?: boolean; allOrNone?: boolean } = {}
): Promise<Map<string, SubResponse>> {
  try {
    return await sendCompositeGroups(conn, subrequests, options);
  } catch (err) {
    throw await explainNotFound(conn, err);
  }
}

async function sendCompositeGroups(
  conn: Connection,
  subrequests: readonly SubRequest[],
  options: { tooling?: boolean; allOrNone?: boolean }
): Promise<Map<string, SubResponse>> {
  const answers = new Map<string, SubResponse>();
  const url = dataPath(conn, `${options.tooling ? '/tooling' : ''}/composite`);
  for (const group of planComposites(subrequests)) {
    const body = JSON.stringify({
      allOrNone: options.allOrNone ?? false,
      compositeRequest: group.map((s) => ({ method: s.method ?? 'GET', ...s })),
    });
    const send = (): Promise<unknown> =>
      conn.request({ method: 'POST', url, body, headers: { 'content-type': 'application/json' } });
    const raw = group.every((s) => (s.method ?? 'GET') === 'GET') ? await readWithRetry(send) : await sendWrite(send);
    const answer = expectObject(raw, 'a Composite request');
    if (!Array.isArray(answer.compositeResponse)) throw new OrgApiError('Composite answer without compositeResponse', 'MALFORMED_RESPONSE');
    for (const sub of answer.compositeResponse as SubResponse[]) answers.set(sub.referenceId, sub);
  }
  return answers;
}

/** The error a failed subrequest carries, as an OrgApiError. */
export function subError(sub: SubResponse): OrgApiError {
  const first = Array.isArray(sub.body) ? (sub.body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
  return new OrgApiError(first?.message ?? `HTTP ${sub.httpStatusCode}`, first?.errorCode ?? `ERROR_HTTP_${sub.httpStatusCode}`, sub.httpStatusCode);
}

/** The body of a successful subrequest; throws the subrequest's own error otherwise. */
export function subBody<T>(answers: Map<string, SubResponse>, referenceId: string): T {
  const sub = answers.get(referenceId);
  if (!sub) throw new OrgApiError(`No answer for ${referenceId}`, 'MALFORMED_RESPONSE');
  if (sub.httpStatusCode >= 400) throw subError(sub);
  return expectObject(sub.body, referenceId) as T;
}

/** A query answer whose records are an array (a page without them is a broken answer, not an empty one). */
function recordsOf<T>(page: QueryResult<T>, what: string): QueryResult<T> {
  if (!Array.isArray(page.records)) throw new OrgApiError(`${what}: answer without records`, 'MALFORMED_RESPONSE');
  return page;
}

/**
 * jsforce retries GETs itself, but misses a connection the org closed (undici's "other side closed" carries no socket
 * code in its own cause) and waits up to 15.5 s; our GETs switch its retries off and use readWithRetry's rule instead.
 */
const NO_JSFORCE_RETRY = { retry: { maxRetries: 0 } };

/** A GET of one resource (a describe, a record), retried by readWithRetry's rule like every other read. */
export async function readResource(conn: Connection, path: string): Promise<unknown> {
  try {
    return await readWithRetry(() => conn.request(path, NO_JSFORCE_RETRY));
  } catch (err) {
    throw await explainNotFound(conn, err);
  }
}

/** Appends the records of the page at `next` and of every page after it, each answer's shape checked. */
async function readPages<T>(conn: Connection, next: string | undefined, what: string, records: T[]): Promise<T[]> {
  for (let url = next; url; ) {
    const page = recordsOf(expectObject(await readResource(conn, url), what) as QueryResult<T>, what);
    records.push(...page.records);
    url = page.done ? undefined : page.nextRecordsUrl;
  }
  return records;
}

/**
 * The query result of a subrequest with every page: a Composite answers one page, so further pages are fetched
 * with query-more (rare: batches are 2000 rows).
 */
export async function subQuery<T extends SalesforceRecord>(
  conn: Connection,
  answers: Map<string, SubResponse>,
  referenceId: string
): Promise<QueryResult<T>> {
  const first = recordsOf(subBody<QueryResult<T>>(answers, referenceId), referenceId);
  const records = await readPages(conn, first.nextRecordsUrl, referenceId, [...first.records]);
  return { totalSize: first.totalSize, done: true, records };
}

/** A plain query (every page), with each answer's shape checked (jsforce's own query() crashes on an HTML page). */
export async function queryAll<T extends SalesforceRecord>(
  conn: Connection,
  soql: string,
  tooling = false
): Promise<T[]> {
  return readPages(conn, queryPath(conn, soql, tooling), 'a query', []);
}
