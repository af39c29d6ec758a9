/**
 * One request/answer exchange, independent of the transport: logging, latency, faults, the routing and the
 * `Sforce-Limit-Info` header. `server.ts` (node:http) and the in-process bridge for unit tests
 * (`test/support/emulator-context.ts`) both run this, so an HTTP client and an in-process one see the same org.
 */
import { STATUS_CODES } from 'node:http';
import type { Fault } from './faults.js';
import { RequestLog, type LogEntry } from './log.js';
import { apiOf, classify, dispatch } from './router/index.js';
import { METADATA_PATH, soapFaultResponse } from './router/metadata.js';
import { json, type ApiRequest, type ApiResponse, type Scope } from './router/types.js';
import type { EmulatorState } from './state.js';

export const JSON_TYPE = 'application/json;charset=UTF-8';

const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html><head><title>Salesforce - Down For Maintenance</title></head>
<body><h1>Down For Maintenance</h1><p>Salesforce is currently undergoing scheduled maintenance. We apologize for the inconvenience.</p></body></html>
`;

/** A request as it arrived: `target` is the request target (path and query, as in the HTTP request line). */
export interface RawRequest {
  method: string;
  target: string;
  headers: Record<string, string | string[] | undefined>;
  /** Read after the request is logged (the server reads the body from the socket). */
  body(): Promise<string>;
}

/** A dropped connection: `head` is the partial answer sent before it goes down ('' before any answer). */
export type DroppedExchange = { dropped: Fault & { name: 'resetConnection' | 'closeConnection' }; head: string; status?: number };

/**
 * A complete answer. Header names are as Salesforce writes them. `cut`: the transport sends the whole header block
 * with the full Content-Length, then half of the payload, then drops the connection (the `cutBodies` fault).
 */
export type AnsweredExchange = { dropped?: undefined; status: number; headers: Record<string, string>; payload: string; cut?: true };

export type Outcome = DroppedExchange | AnsweredExchange;

export type ExchangeOptions = {
  /** How latency is waited for (default a timer). */
  wait?: (ms: number) => Promise<void>;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `//services//data/v66.0/` → `/services/data/v66.0` (sf stores instance URLs with a trailing slash). */
export function normalizePath(pathname: string): string {
  const p = pathname.replace(/\/{2,}/g, '/');
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return new URLSearchParams(raw);
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    if (contentType?.includes('json')) throw new SyntaxError(raw);
    return raw;
  }
}

/** Salesforce's answer to an internal failure, with an ErrorId to quote to support (restforce/restforce#821). */
export const UNKNOWN_EXCEPTION_MESSAGE =
  'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-123456789)';

function faultResponse(fault: Fault, path: string): ApiResponse {
  switch (fault.name) {
    case 'unknownException':
      return METADATA_PATH.test(path)
        ? soapFaultResponse('UNKNOWN_EXCEPTION', UNKNOWN_EXCEPTION_MESSAGE)
        : json(500, [{ message: UNKNOWN_EXCEPTION_MESSAGE, errorCode: 'UNKNOWN_EXCEPTION' }]);
    case 'serverError':
      return json(fault.status ?? 503, [{ message: 'Service Unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    case 'expiredSession':
      return json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    case 'requestLimit':
      return json(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    case 'apiDisabledForOrg':
      return json(403, [{ message: 'The REST API is not enabled for this Organization.', errorCode: 'API_DISABLED_FOR_ORG' }]);
    case 'maintenancePage':
      return { status: 200, text: MAINTENANCE_PAGE, contentType: 'text/html;charset=UTF-8' };
    case 'soapFault':
      return soapFaultResponse(fault.soap?.code ?? 'UNKNOWN_EXCEPTION', fault.soap?.message ?? 'An unexpected error occurred');
    case 'error':
      return json(fault.status ?? 400, [{ message: fault.error?.message ?? '', errorCode: fault.error?.errorCode ?? 'UNKNOWN_EXCEPTION' }]);
    case 'malformedJson':
      return { status: 200, text: `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"User","url":"${path}"`, contentType: JSON_TYPE };
    default:
      return json(500, [{ message: 'An unexpected error occurred', errorCode: 'UNKNOWN_EXCEPTION' }]);
  }
}

const isDrop = (fault: Fault): fault is DroppedExchange['dropped'] => fault.name === 'resetConnection' || fault.name === 'closeConnection';

function errorCodeOf(body: unknown): string | undefined {
  if (Array.isArray(body)) return (body[0] as { errorCode?: string } | undefined)?.errorCode;
  if (body && typeof body === 'object' && 'error' in body) return String(body.error);
  return undefined;
}

/** Logs the request, applies latency and faults, answers it through the router, and logs the answer. */
export async function exchange(state: EmulatorState, req: RawRequest, options: ExchangeOptions = {}): Promise<Outcome> {
  const started = Date.now();
  const method = req.method.toUpperCase();
  const url = new URL(req.target.replace(/^\/+/, '/'), 'http://127.0.0.1');
  const path = normalizePath(url.pathname);
  const isData = RequestLog.isData(path);
  const entry: LogEntry = {
    method,
    path,
    // Identity URLs carry the token in `oauth_token`: keep it out of the log.
    ...(url.search ? { query: url.search.slice(1).replace(/(^|&)(oauth_token|access_token)=[^&]*/g, '$1$2=REDACTED') } : {}),
    status: 0,
    kind: classify(method, path),
    api: apiOf(path),
    ms: 0,
  };
  state.log.add(entry);

  const raw = await req.body();
  const { latencyMs, fault } = state.faults.take(method, path, isData);
  const delay = state.options.latencyMs + latencyMs;
  if (delay > 0) await (options.wait ?? sleep)(delay);
  // faults.concurrentChange: another client acts on the org before this request is processed.
  for (const change of state.faults.takeConcurrentChanges(method, path, isData)) change(state.org);

  const drop = fault && isDrop(fault) ? fault : undefined;
  if (drop?.when === 'beforeAnswer') {
    entry.fault = drop.name;
    entry.ms = Date.now() - started;
    return { dropped: drop, head: '' };
  }

  // A cut answer is processed like any other; only its delivery is cut (server.ts).
  const cut = fault?.name === 'cutBody' ? fault : undefined;
  let response: ApiResponse;
  if (fault && !drop && !cut) {
    entry.fault = fault.name;
    response = faultResponse(fault, path);
    if (fault.name === 'unknownException') entry.errorCode = 'UNKNOWN_EXCEPTION';
  } else {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    let body: unknown;
    try {
      body = parseBody(raw, headers['content-type']);
    } catch {
      body = Symbol.for('invalid');
    }
    const apiReq: ApiRequest = { method, path, query: url.searchParams, body, headers };
    const scope: Scope = { state, entry };
    response =
      typeof body === 'symbol'
        ? json(400, [{ message: 'Unexpected character in the JSON request body', errorCode: 'JSON_PARSER_ERROR' }])
        : dispatch(scope, apiReq);
    if (scope.user) entry.user = String(scope.user.Username);
  }

  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  if (isData && /^\/services\/data\/v/.test(path)) {
    const { dailyApiRequestsUsed, dailyApiRequestsMax } = state.org.config.limits;
    headers['Sforce-Limit-Info'] = `api-usage=${dailyApiRequestsUsed}/${dailyApiRequestsMax}`;
  }
  let payload = '';
  if (response.text !== undefined) {
    headers['Content-Type'] = response.contentType ?? 'text/plain;charset=UTF-8';
    payload = response.text;
  } else if (response.body !== undefined && response.status !== 204) {
    headers['Content-Type'] = JSON_TYPE;
    payload = JSON.stringify(response.body);
  } else if (response.status !== 204) {
    headers['Content-Type'] = JSON_TYPE;
  }
  entry.status = response.status;
  const code = errorCodeOf(response.body);
  if (response.status >= 400 && code) entry.errorCode = code;
  entry.ms = Date.now() - started;
  if (drop) {
    // Mid-answer: the request was processed; the status line and headers go out, the blank line ending them never does.
    entry.fault = drop.name;
    const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    return { dropped: drop, head: `${head.join('\r\n')}\r\n`, status: response.status };
  }
  if (cut) {
    entry.fault = cut.name;
    return { status: response.status, headers, payload, cut: true };
  }
  return { status: response.status, headers, payload };
}
