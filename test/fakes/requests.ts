/**
 * The request side shared by the unit tests' fake orgs (plugged into TestContext's `fakeConnectionRequest`): how a
 * request jsforce hands over is recorded, how URLs, Composite bodies and SOQL literals are read back (independently of
 * the code under test), and how Composite subrequests and REST errors are answered the way Salesforce does.
 */

export type SentRequest = { method: string; url: string; body?: string };

/** A Composite subrequest as the plugin sends it. */
export type Subrequest = { referenceId: string; method?: string; url: string; body?: unknown };

/** One subrequest's answer without its referenceId. */
export type Answer = { httpStatusCode: number; body: unknown };

export type SubAnswer = Answer & { referenceId: string; httpHeaders: Record<string, string> };

/** The request as jsforce passes it: a URL string for a plain GET, else `{ method, url, body }`. */
export function sentRequest(request: unknown): SentRequest {
  return typeof request === 'string' ? { method: 'GET', url: request } : { method: 'GET', ...(request as Partial<SentRequest> & { url: string }) };
}

export const pathOf = (url: string): string => new URL(url, 'http://x').pathname;

/** The `q` parameter of a URL (a query), if it has one. */
export const soqlOf = (url: string): string | undefined => new URL(url, 'http://x').searchParams.get('q') ?? undefined;

/** sf's own API-version discovery, `GET /services/data`. */
export const isVersionDiscovery = (url: string): boolean => /\/services\/data\/?$/.test(pathOf(url));

export const isComposite = (url: string): boolean => /\/composite$/.test(pathOf(url));

export const isCollectionsInsert = (url: string): boolean => /\/composite\/sobjects$/.test(pathOf(url));

export const isTooling = (url: string): boolean => pathOf(url).includes('/tooling/');

/** Requests that change something: sObject Collections inserts and Composite bodies carrying PATCH subrequests. */
export function writesOf(requests: SentRequest[]): SentRequest[] {
  return requests.filter((r) => isCollectionsInsert(r.url) || (r.body ?? '').includes('"method":"PATCH"'));
}

/** The subrequests of a Composite body. */
export function subrequestsOf<S extends Subrequest = Subrequest>(body: string): S[] {
  return (JSON.parse(body) as { compositeRequest: S[] }).compositeRequest;
}

/** Every subrequest sent through Composite, with the URL of the Composite that carried it. */
export function sentSubrequests(requests: SentRequest[]): Array<{ composite: string; url: string }> {
  return requests.flatMap((r) =>
    r.body && isComposite(r.url) ? subrequestsOf(r.body).map((s) => ({ composite: r.url, url: s.url })) : []
  );
}

/** An error shaped like the HttpApiError jsforce throws for a non-2xx REST answer. */
export function apiError(errorCode: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode, data: { errorCode, message }, status });
}

/** Salesforce's Composite limits: 25 subrequests, 5 of them queries. */
export function checkCompositeLimits(subrequests: Array<{ url: string }>): void {
  if (subrequests.length > 25) throw apiError('INVALID_BATCH_REQUEST', 'more than 25 subrequests');
  if (subrequests.filter((s) => soqlOf(s.url) !== undefined).length > 5) throw apiError('INVALID_BATCH_REQUEST', 'more than 5 queries');
}

export const subAnswer = (referenceId: string, httpStatusCode: number, body: unknown): SubAnswer => ({ referenceId, httpStatusCode, httpHeaders: {}, body });

/** The body of a REST error answer. */
export const errorBody = (errorCode: string | undefined, message: string): unknown => [{ errorCode, message }];

export const notFound = (): Answer => ({ httpStatusCode: 404, body: errorBody('NOT_FOUND', 'The requested resource does not exist') });

/** A thrown error as a subrequest's answer: its errorCode and status (400 unless it has one). */
export function errorAnswer(err: unknown): Answer {
  const { errorCode, status, message } = err as { errorCode?: string; status?: number; message: string };
  return { httpStatusCode: status ?? 400, body: errorBody(errorCode, message) };
}

/** Whether a thrown error is a Salesforce error (from `apiError`) rather than a fault of the fake. */
export const isApiError = (err: unknown): boolean => Boolean((err as { errorCode?: string }).errorCode);

/** A Composite answer: each subrequest answered in order, under its referenceId. */
export function compositeAnswer<S extends Subrequest>(subrequests: S[], answer: (sub: S, i: number) => Answer): { compositeResponse: SubAnswer[] } {
  return {
    compositeResponse: subrequests.map((sub, i) => {
      const { httpStatusCode, body } = answer(sub, i);
      return subAnswer(sub.referenceId, httpStatusCode, body);
    }),
  };
}

const unescape = (literal: string): string => literal.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
const fieldPattern = (field: string): string => field.replace(/\./g, '\\.');

/** Reads the value of `Field = '…'` out of SOQL, undoing SOQL escapes independently of the code under test. */
export function literalAfter(soql: string, field: string): string | undefined {
  const match = new RegExp(`(?:^|[ (])${fieldPattern(field)} = '((?:\\\\.|[^'\\\\])*)'`).exec(soql);
  return match === null ? undefined : unescape(match[1]);
}

/** The string literals of the SOQL's `Field IN (…)` list, unescaped; undefined without such a list. */
export function inList(soql: string, field: string): string[] | undefined {
  const start = new RegExp(`${fieldPattern(field)} IN \\(`).exec(soql);
  if (!start) return undefined;
  const values: string[] = [];
  const literal = /'((?:\\.|[^'\\])*)'\s*([,)])/y;
  literal.lastIndex = start.index + start[0].length;
  for (let m = literal.exec(soql); m; m = literal.exec(soql)) {
    values.push(unescape(m[1]));
    if (m[2] === ')') break;
  }
  return values;
}

export const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
