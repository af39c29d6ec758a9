/**
 * The emulator behind TestContext: unit and command tests run against the same org model as the e2e tests, without
 * HTTP. sfdx-core's TestContext stubs `Connection.request` (answering sf's version discovery itself); here its
 * `fakeConnectionRequest` calls the real request code, and jsforce's transport (`Transport.prototype.httpRequest`,
 * through which REST, Tooling, Composite and the SOAP Metadata API calls of `conn.metadata.read/update` all pass) is
 * replaced by the emulator's in-process `exchange()` — the code its HTTP server runs: log, faults, latency,
 * `Sforce-Limit-Info`. jsforce above the transport (status handling, HttpApiError, session refresh, SOAP parsing)
 * runs unchanged.
 *
 *   const $$ = new TestContext();
 *   beforeEach(async () => {
 *     ctx = await emulatorContext($$, scenarios.demo().build(), { username: ADMIN_USERNAME, alias: 'acme' });
 *   });
 *   ... await Doctor.run(['--target-org', 'acme']); ctx.emu.log.dataRequests() ...
 */
import { AuthInfo, ConfigAggregator, Connection, Org, type AuthFields, type SfError } from '@salesforce/core';
import { MockTestOrgData, type TestContext } from '@salesforce/core/testSetup';
import { Transport } from '@jsforce/jsforce-node/lib/transport.js';
import { StreamPromise } from '@jsforce/jsforce-node/lib/util/promise.js';
import { PassThrough } from 'node:stream';
import type { SinonStub } from 'sinon';
import { recordConnection, type ConnectionRecord } from '../../src/lib/connection/state.js';
import { createEmulator, type DroppedExchange, type InProcessEmulator, type OrgModel } from '../../emulator/index.js';

export type Environment = 'production' | 'sandbox' | 'scratch' | 'unknown';

export type LoginOptions = {
  username: string;
  /** An alias for this login (`--target-org <alias>`). */
  alias?: string;
  /**
   * What sf noted about the org at login (default: from the org's Organization row). 'unknown': a login made before
   * sf recorded it, so sfdx-core asks the org.
   */
  environment?: Environment;
};

export type OtherOrg = LoginOptions & {
  /** A second emulated org (e.g. a sandbox next to production); default the first context's org. */
  org?: OrgModel;
  /** Its instance URL (must differ from the first org's when `org` is given). */
  url?: string;
};

export type ContextOptions = LoginOptions & {
  /** The emulated org's instance URL (default `https://acme.my.salesforce.com`, or a sandbox URL for a sandbox). */
  url?: string;
  /** More logins: other users of the same org, or users of other emulated orgs. */
  also?: OtherOrg[];
  /** More aliases (alias → username). */
  aliases?: Record<string, string>;
  /** Query page size of the emulated orgs (default 2000; real orgs may page at 200 rows). */
  batchSize?: number;
};

export type EmulatorContext = {
  $$: TestContext;
  /** The emulated org of the main login. */
  emu: InProcessEmulator;
  /** The emulator each login talks to, by username. */
  emulators: Map<string, InProcessEmulator>;
  /** The logins as sf keeps them, by username. */
  logins: Map<string, MockTestOrgData>;
  username: string;
  /** A @salesforce/core Connection of the main login (or of another login). */
  conn: Connection;
  connection(username?: string): Promise<Connection>;
  org(username?: string): Promise<Org>;
};

const PRODUCTION_URL = 'https://acme.my.salesforce.com';
const SANDBOX_URL = 'https://acme--uat.sandbox.my.salesforce.com';

function environmentOf(org: OrgModel): Environment {
  if (!org.isSandbox) return 'production';
  return org.organization.TrialExpirationDate ? 'scratch' : 'sandbox';
}

/**
 * A login as sf keeps it after `sf org login`: the emulator's token, org id and user id, and the org facts sf reads at
 * login (edition, namespace, sandbox), so that sfdx-core does not query the org itself when a command starts.
 */
function sfLogin(emu: InProcessEmulator, { username, environment }: LoginOptions): MockTestOrgData {
  const user = emu.org.requireUser(username);
  const login = new MockTestOrgData(undefined, { username: String(user.Username) });
  login.instanceUrl = emu.url;
  login.loginUrl = emu.url;
  login.orgId = emu.org.orgId;
  login.userId = String(user.Id);
  login.accessToken = emu.tokenFor(username);
  login.refreshToken = emu.refreshTokenFor(username);
  const env = environment ?? environmentOf(emu.org);
  const getConfig = login.getConfig.bind(login);
  login.getConfig = async (): Promise<AuthFields> => {
    const config = await getConfig();
    if (env === 'unknown') return config;
    return { ...config, namespacePrefix: null as unknown as string, isSandbox: env === 'sandbox', isScratch: env === 'scratch' };
  };
  return login;
}

/** An error with a socket code, as Node's net module raises it. */
const socketError = (code: string, message: string): Error => Object.assign(new Error(message), { code, errno: code === 'ECONNRESET' ? -104 : undefined, syscall: 'read' });

/**
 * What undici's fetch (jsforce 3's HTTP client) rejects with when the connection drops: `TypeError: fetch failed`,
 * the socket error in `cause` — for a FIN a `SocketError` "other side closed" (UND_ERR_SOCKET), for an RST the
 * ECONNRESET error (see the `faults.test.ts` cases of the emulator, which observe them over real HTTP).
 */
export function fetchFailure({ dropped }: Pick<DroppedExchange, 'dropped'>): TypeError {
  const cause =
    dropped.name === 'closeConnection'
      ? Object.assign(socketError('UND_ERR_SOCKET', 'other side closed'), { name: 'SocketError', syscall: undefined })
      : socketError('ECONNRESET', 'read ECONNRESET');
  return new TypeError('fetch failed', { cause });
}

/**
 * An answer cut off after its header block (the `cutBodies` fault): undici has resolved `fetch()` and fails the body
 * with `TypeError: terminated`, cause "other side closed"; jsforce (as patched by scripts/patches/jsforce-body-errors.ts)
 * rejects the request with it and does not retry.
 */
export const bodyTerminated = (): TypeError =>
  new TypeError('terminated', { cause: Object.assign(socketError('UND_ERR_SOCKET', 'other side closed'), { name: 'SocketError', syscall: undefined }) });

type TransportRequest = { method?: string; url: string; headers?: Record<string, string>; body?: unknown };
type TransportOptions = { retry?: { maxRetries?: number; statusCodes?: number[]; methods?: string[]; errorCodes?: string[] } };
type TransportResponse = { statusCode: number; headers: Record<string, string>; body: string };

/**
 * jsforce's fetch wrapper (`request.js`) retries GET/PUT/HEAD/OPTIONS/DELETE after 420/429/5xx and after socket errors
 * whose code it knows (ECONNRESET, but not a SocketError's UND_ERR_SOCKET), up to `retry.maxRetries` (5) times. The
 * transport is replaced below that wrapper, so its rule is kept here — without its waits.
 */
function jsforceRetries(method: string, options: TransportOptions, outcome: TransportResponse | Error): boolean {
  const retry = options.retry ?? {};
  if (!(retry.methods ?? ['GET', 'PUT', 'HEAD', 'OPTIONS', 'DELETE']).includes(method)) return false;
  if (!(outcome instanceof Error)) return (retry.statusCodes ?? [420, 429, 500, 502, 503, 504]).includes(outcome.statusCode);
  const cause = (outcome as { cause?: { name?: string; code?: string; cause?: { code?: string } } }).cause;
  const code = cause?.name === 'SocketError' ? cause.cause?.code : cause?.code;
  return code !== undefined && (retry.errorCodes ?? ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'UND_ERR_SOCKET', 'ETIMEDOUT', 'EPIPE']).includes(code);
}

type Routes = Map<string, InProcessEmulator>;
type RoutedStub = SinonStub & { emulatorRoutes?: Routes };

async function send(routes: Routes, req: TransportRequest, options: TransportOptions): Promise<TransportResponse> {
  const url = new URL(req.url);
  const emu = routes.get(url.origin);
  if (!emu) throw new Error(`request outside the emulated orgs: ${req.method ?? 'GET'} ${url.origin}${url.pathname}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const body = typeof req.body === 'string' ? req.body : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const maxRetries = options.retry?.maxRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const outcome = await emu.exchange({ method, target: `${url.pathname}${url.search}`, headers: req.headers ?? {}, body: () => Promise.resolve(body) });
    const answer: TransportResponse | Error = outcome.dropped
      ? fetchFailure(outcome)
      : outcome.cut
        ? bodyTerminated()
        : { statusCode: outcome.status, headers: Object.fromEntries(Object.entries(outcome.headers).map(([k, v]) => [k.toLowerCase(), v])), body: outcome.payload };
    if (attempt < maxRetries && jsforceRetries(method, options, answer)) continue;
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** Routes jsforce's transport to the emulators (one stub per test; later contexts add their orgs to it). */
function routeTransport($$: TestContext): Routes {
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const current = Transport.prototype.httpRequest as RoutedStub;
  if (current.emulatorRoutes) return current.emulatorRoutes;
  const routes: Routes = new Map();
  const stub = $$.SANDBOX.stub(Transport.prototype, 'httpRequest').callsFake((req: TransportRequest, options: TransportOptions = {}) =>
    StreamPromise.create(() => ({ stream: new PassThrough(), promise: send(routes, req, options) }))
  ) as RoutedStub;
  stub.emulatorRoutes = routes;
  return routes;
}

/**
 * Puts `org` behind TestContext for the logins given: sf knows each login (auth files, aliases), and every request any
 * Connection of theirs sends is answered by the emulator. Call it once per test (in `beforeEach`).
 */
export async function emulatorContext($$: TestContext, org: OrgModel, options: ContextOptions): Promise<EmulatorContext> {
  const routes = routeTransport($$);
  const main = createEmulator({ org, url: options.url ?? (org.isSandbox ? SANDBOX_URL : PRODUCTION_URL), batchSize: options.batchSize });
  routes.set(new URL(main.url).origin, main);
  const emulators = new Map<string, InProcessEmulator>();
  const logins = new Map<string, MockTestOrgData>();
  const aliases: Record<string, string> = { ...options.aliases };
  for (const login of [options, ...(options.also ?? [])]) {
    let emu = main;
    if ('org' in login && login.org && login.org !== org) {
      const known = [...routes.values()].find((e) => e.org === login.org);
      emu = known ?? createEmulator({ org: login.org, url: login.url ?? (login.org.isSandbox ? SANDBOX_URL : PRODUCTION_URL), batchSize: options.batchSize });
      const origin = new URL(emu.url).origin;
      if (!known && routes.has(origin)) throw new Error(`two emulated orgs at ${origin}: give one a url`);
      routes.set(origin, emu);
    }
    const mock = sfLogin(emu, login);
    emulators.set(mock.username, emu);
    logins.set(mock.username, mock);
    if (login.alias) aliases[login.alias] = mock.username;
  }
  await $$.stubAuths(...logins.values());
  if (Object.keys(aliases).length) $$.stubAliases(aliases);

  // TestContext stubs Connection.request; let the real one (and jsforce below it) run, down to the transport.
  const realRequest = (Connection.prototype.request as unknown as SinonStub).wrappedMethod as (...args: unknown[]) => Promise<unknown>;
  $$.fakeConnectionRequest = function (this: Connection, request, requestOptions) {
    return realRequest.call(this, request, requestOptions) as never;
  };

  const username = [...logins.keys()][0];
  const connection = async (name = username): Promise<Connection> => Connection.create({ authInfo: await AuthInfo.create({ username: name }) });
  const conn = await connection();
  // Creating the connection read sf's config: forget it, so a test's later `$$.stubConfig` is what commands see.
  await ConfigAggregator.clearInstance();
  return {
    $$,
    emu: main,
    emulators,
    logins,
    username,
    conn,
    connection,
    org: (name = username) => Org.create({ aliasOrUsername: name }),
  };
}

/** The URLs of every Composite subrequest the emulator received, without the `/services/data/vNN.0` prefix. */
export function subrequestsSent(emu: Pick<InProcessEmulator, 'log'>): string[] {
  return emu.log.dataRequests().flatMap((e) => (e.subrequests ?? []).map((s) => s.url.replace(/^\/services\/data\/v\d+\.\d+/, '')));
}

/** The paths of the data requests, without the `/services/data/vNN.0` prefix. */
export function pathsSent(emu: Pick<InProcessEmulator, 'log'>): string[] {
  return emu.log.dataRequests().map((e) => e.path.replace(/^\/services\/data\/v\d+\.\d+/, ''));
}

/**
 * What `sf oncehub connect` records for a login of this context (`username`, default the main login), as if it ran at
 * 2026-11-20T10:00Z in standard mode under the alias `acme`; `overrides` change any field.
 */
export async function recordLogin(ctx: EmulatorContext, overrides: Partial<ConnectionRecord> = {}): Promise<void> {
  const username = overrides.username ?? ctx.username;
  const emu = ctx.emulators.get(username) ?? ctx.emu;
  await recordConnection({
    environment: emu.org.isSandbox ? 'sandbox' : 'production',
    alias: 'acme',
    username,
    userId: String(emu.org.requireUser(username).Id),
    orgId: emu.org.orgId,
    instanceUrl: emu.url,
    mode: 'standard',
    connectedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  });
}

/** The error a command run rejected with (after sf-plugins-core gave it its exit code); fails when it succeeded. */
export async function failureOf(run: () => Promise<unknown>): Promise<SfError> {
  try {
    await run();
  } catch (err) {
    return err as SfError;
  }
  throw new Error('the command was expected to fail');
}
