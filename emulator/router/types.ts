/** Transport-independent request/response shapes, so composite subrequests reuse the same routes. */
import { ApiError, DmlFailure } from '../errors.js';
import type { LogEntry } from '../log.js';
import type { SRecord } from '../model/org.js';
import type { EmulatorState } from '../state.js';

export interface ApiRequest {
  method: string;
  /** Normalised path (single leading slash, no trailing slash, no query). */
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | undefined>;
}

export interface ApiResponse {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
  /** Non-JSON body (faults); sent as is with `contentType`. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Scope {
  state: EmulatorState;
  entry: LogEntry;
  /** The authenticated caller, once known. */
  user?: SRecord;
}

export type Api = 'rest' | 'tooling';

/** Context of a data call under `/services/data/vNN.0`. */
export interface DataCall {
  scope: Scope;
  user: SRecord;
  version: string;
  api: Api;
  /** Path segments after `vNN.0` (and after `tooling`). */
  segments: string[];
  req: ApiRequest;
}

export function json(status: number, body?: unknown, headers?: Record<string, string>): ApiResponse {
  return { status, body, headers };
}

export function errorResponse(e: unknown): ApiResponse {
  if (e instanceof ApiError) return json(e.status, e.toBody());
  if (e instanceof DmlFailure) return json(400, e.toBody());
  throw e;
}

export function isWriteMethod(method: string): boolean {
  return method === 'POST' || method === 'PATCH' || method === 'PUT' || method === 'DELETE';
}

/** Whether a request changes data (containers like /composite are decided by their subrequests). */
export function classify(method: string, path: string): 'read' | 'write' {
  if (!isWriteMethod(method)) return 'read';
  if (/\/(query|queryAll)(\/|$)/.test(path)) return 'read';
  if (/\/composite(\/batch)?$/.test(path)) return 'read';
  if (method === 'POST' && /\/composite\/sobjects\/[^/]+$/.test(path)) return 'read';
  return /\/sobjects(\/|$)/.test(path) ? 'write' : 'read';
}
