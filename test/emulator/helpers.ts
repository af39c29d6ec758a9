// Shared helpers for the emulator's fidelity tests: everything talks to 127.0.0.1 only.
import { Connection } from '@jsforce/jsforce-node';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js';

export const API_VERSION = '66.0';
export const ADMIN = 'admin@acme.example';

export function connect(emu: Emulator, username = ADMIN, version = API_VERSION): Connection {
  return new Connection({ instanceUrl: emu.url, accessToken: emu.tokenFor(username), version });
}

/** Start an emulator for a `describe` block and stop it afterwards. */
export function useEmulator(options: () => EmulatorOptions = () => ({})): { readonly emu: Emulator; readonly conn: Connection } {
  let emu: Emulator | undefined;
  let conn: Connection | undefined;
  before(async () => {
    emu = await startEmulator(options());
    conn = connect(emu);
  });
  after(async () => {
    await emu?.stop();
  });
  return {
    get emu(): Emulator {
      if (!emu) throw new Error('emulator not started');
      return emu;
    },
    get conn(): Connection {
      if (!conn) throw new Error('emulator not started');
      return conn;
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** A raw HTTP call (no jsforce), to check exact statuses, headers and bodies. */
export async function raw(emu: Emulator, path: string, init: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  const token = init.token === undefined ? emu.tokenFor(ADMIN) : init.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${emu.url}${path}`, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(p: PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { errorCode?: string };
  }
  throw new Error('expected a rejection');
}

export type Rec = Record<string, unknown> & { Id?: string };
