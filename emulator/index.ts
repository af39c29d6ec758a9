/**
 * A protocol-faithful local Salesforce org over HTTP, for tests, demos and benchmarks.
 *
 *   const emu = await startEmulator({ org: scenarios.demo().build() });
 *   const conn = new Connection({ instanceUrl: emu.url, accessToken: emu.tokenFor('admin@acme.example'), version: '66.0' });
 *   ...
 *   await emu.stop();
 */
import { FaultController } from './faults.js';
import { RequestLog } from './log.js';
import type { OrgModel } from './model/org.js';
import { scenarios } from './scenarios/index.js';
import { exchange, type ExchangeOptions, type Outcome, type RawRequest } from './exchange.js';
import { listen } from './server.js';
import { CursorStore, TokenStore, type EmulatorState } from './state.js';

export type EmulatorOptions = {
  /** The org to serve (from the scenario builders); default `scenarios.base().build()`. */
  org?: OrgModel;
  /** Query page size (default 2000), so clients must page. */
  batchSize?: number;
  /** Delay added to every request, in ms. */
  latencyMs?: number;
  /** Highest API version served (default `66.0`). */
  apiVersion?: string;
  /** Port on 127.0.0.1 (default 0 = random). */
  port?: number;
};

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** The live in-memory data; tests may read and mutate it. */
  org: OrgModel;
  /** An access token `00D<15-char org id>!<random>` bound to that user (stable per user). */
  tokenFor(username: string): string;
  /** A refresh token for that user, accepted by `POST /services/oauth2/token` (grant_type=refresh_token). */
  refreshTokenFor(username: string): string;
  log: RequestLog;
  faults: FaultController;
  stop(): Promise<void>;
}

function createState(options: EmulatorOptions, url: string): EmulatorState {
  const org = options.org ?? scenarios.base().build();
  const apiVersion = options.apiVersion ?? '66.0';
  if (!/^\d{2}\.0$/.test(apiVersion)) throw new Error(`apiVersion must look like 66.0 (got ${apiVersion})`);
  return {
    org,
    options: { batchSize: options.batchSize ?? 2000, latencyMs: options.latencyMs ?? 0, apiVersion },
    tokens: new TokenStore(org),
    cursors: new CursorStore(),
    log: new RequestLog(),
    faults: new FaultController(),
    url,
  };
}

function facade(state: EmulatorState, port: number, stop: () => Promise<void>): Emulator {
  const { org } = state;
  return {
    url: state.url,
    port,
    org,
    tokenFor: (username) => state.tokens.accessTokenFor(org.requireUser(username)),
    refreshTokenFor: (username) => state.tokens.refreshTokenFor(org.requireUser(username)),
    log: state.log,
    faults: state.faults,
    stop,
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = createState(options, '');
  const running = await listen(state, options.port ?? 0);
  state.url = `http://127.0.0.1:${running.port}`;
  return facade(state, running.port, () => running.close());
}

/** An emulator without a server: requests are handed to `exchange` in-process (unit and command tests). */
export interface InProcessEmulator extends Emulator {
  /** Answers one request exactly as the HTTP server would (log, faults, latency, Sforce-Limit-Info). */
  exchange(req: RawRequest, options?: ExchangeOptions): Promise<Outcome>;
}

/**
 * The same org behind no socket: `url` (default `https://acme.my.salesforce.com`) is only the base of the URLs it
 * writes into its answers (identity, query locators); `port` is 0 and `stop()` does nothing.
 */
export function createEmulator(options: Omit<EmulatorOptions, 'port'> & { url?: string } = {}): InProcessEmulator {
  const state = createState(options, (options.url ?? 'https://acme.my.salesforce.com').replace(/\/+$/, ''));
  return { ...facade(state, 0, () => Promise.resolve()), exchange: (req, opts) => exchange(state, req, opts) };
}

export { scenarios, OrgBuilder, type BaseOptions, type PackageOptions, type UserOptions, type SalesObject, type GroupStatus } from './scenarios/index.js';
export {
  NAMESPACE,
  PERMSET_NAME,
  PERMSET_LABEL,
  LEGACY_PERMSET_LABEL,
  PACKAGE_NAME,
  EVENT_STATUS_FIELD,
  CANCEL_REASON_FIELD,
  PACKAGE_EVENT_FIELDS,
  ADMIN_USERNAME,
  OPS_ADMIN_USERNAME,
  SANDBOX_ADMIN_USERNAME,
  MINIMAL_PROFILE,
  API_ACCESS_PERMSET_LABEL,
  ONCEHUB_GROUP_LABEL,
  RECALCULATING_GROUP_LABEL,
  SESSION_PERMSET_LABEL,
  MINIMAL_API_PROFILE,
  AUDITOR_USERNAME,
  AUDITOR_PROFILE,
  EXPIRED_ON,
} from './scenarios/index.js';
export { OrgModel, type SRecord, type OrgConfig, type OrgMessages, type OrgMeta } from './model/org.js';
export { Schema, SObjectType, field, str, bool, picklist, ref, type FieldDef, type FieldType } from './model/schema.js';
export { RequestLog, type LogEntry, type LogFilter, type SubrequestLog } from './log.js';
export { FaultController, type DropMoment, type DropScope, type FaultHandle, type FaultScope, type FaultName } from './faults.js';
export { layoutFields, layoutItem, storedLayout, type LayoutMetadata } from './layouts.js';
export { checksum, to15, to18 } from './ids.js';
export type { AnsweredExchange, DroppedExchange, ExchangeOptions, Outcome, RawRequest } from './exchange.js';
