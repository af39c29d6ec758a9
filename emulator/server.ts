/** The HTTP transport: node:http on 127.0.0.1, request logging, latency and fault injection. */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Fault } from './faults.js';
import { RequestLog, type LogEntry } from './log.js';
import { apiOf, classify, dispatch } from './router/index.js';
import { json, type ApiRequest, type ApiResponse, type Scope } from './router/types.js';
import type { EmulatorState } from './state.js';

const JSON_TYPE = 'application/json;charset=UTF-8';

const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html><head><title>Salesforce - Down For Maintenance</title></head>
<body><h1>Down For Maintenance</h1><p>Salesforce is currently undergoing scheduled maintenance. We apologize for the inconvenience.</p></body></html>
`;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

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

function faultResponse(fault: Fault, path: string): ApiResponse {
  switch (fault.name) {
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
    case 'malformedJson':
      return { status: 200, text: `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"User","url":"${path}"`, contentType: JSON_TYPE };
    default:
      return json(500, [{ message: 'An unexpected error occurred', errorCode: 'UNKNOWN_EXCEPTION' }]);
  }
}

const isDrop = (fault: Fault): boolean => fault.name === 'resetConnection' || fault.name === 'closeConnection';

/**
 * Drops the connection after writing `partial` (if any): an RST for resetConnection, so clients see ECONNRESET as
 * with a real network reset; a FIN for closeConnection, so undici reports "other side closed" (UND_ERR_SOCKET).
 */
function dropConnection(socket: Socket, fault: Fault, partial = ''): void {
  if (fault.name === 'closeConnection') {
    socket.end(partial, () => socket.destroy());
    return;
  }
  // The pause lets the client read the partial head before the reset arrives (an RST discards unread data).
  if (partial) socket.write(partial, () => setTimeout(() => socket.resetAndDestroy(), 20));
  else socket.resetAndDestroy();
}

function errorCodeOf(body: unknown): string | undefined {
  if (Array.isArray(body)) return (body[0] as { errorCode?: string } | undefined)?.errorCode;
  if (body && typeof body === 'object' && 'error' in body) return String(body.error);
  return undefined;
}

async function handle(state: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const started = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL((req.url ?? '/').replace(/^\/+/, '/'), 'http://127.0.0.1');
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

  const raw = await readBody(req);
  const { latencyMs, fault } = state.faults.take(method, path, isData);
  const delay = state.options.latencyMs + latencyMs;
  if (delay > 0) await sleep(delay);

  const drop = fault && isDrop(fault) ? fault : undefined;
  if (drop?.when === 'beforeAnswer') {
    entry.fault = drop.name;
    entry.ms = Date.now() - started;
    dropConnection(req.socket, drop);
    return;
  }

  let response: ApiResponse;
  if (fault && !drop) {
    entry.fault = fault.name;
    response = faultResponse(fault, path);
  } else {
    let body: unknown;
    try {
      body = parseBody(raw, req.headers['content-type']);
    } catch {
      body = Symbol.for('invalid');
    }
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
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
    const head = [`HTTP/1.1 ${response.status} ${http.STATUS_CODES[response.status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    dropConnection(req.socket, drop, `${head.join('\r\n')}\r\n`);
    return;
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(state: EmulatorState, port: number): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    handle(state, req, res).catch((e: unknown) => {
      // A bug in the emulator: answer like Salesforce's generic failure and keep serving.
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': JSON_TYPE });
      res.end(JSON.stringify([{ message: `Emulator error: ${message}`, errorCode: 'UNKNOWN_EXCEPTION' }]));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
