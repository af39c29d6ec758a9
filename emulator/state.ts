/** Per-emulator runtime state shared by the routers: tokens, query cursors, options. */
import { IdFactory, randomToken } from './ids.js';
import type { FaultController } from './faults.js';
import type { RequestLog } from './log.js';
import type { OrgModel, SRecord } from './model/org.js';

export interface ResolvedOptions {
  batchSize: number;
  latencyMs: number;
  apiVersion: string;
}

/** Opaque tokens bound to users: `00D<15-char org id>!<random>` like real session ids. */
export class TokenStore {
  private readonly access = new Map<string, string>();
  private readonly refresh = new Map<string, string>();
  private readonly issued = new Map<string, string>();

  public constructor(private readonly org: OrgModel) {}

  /** The access token for a user (stable per user until `revoke`). */
  public accessTokenFor(user: SRecord): string {
    const existing = this.issued.get(user.Id);
    if (existing && this.access.has(existing)) return existing;
    const token = this.newAccessToken(user);
    this.issued.set(user.Id, token);
    return token;
  }

  /** A fresh token (refresh grant); `accessTokenFor` keeps returning the first one. */
  public newAccessToken(user: SRecord): string {
    const token = `${this.org.orgId.slice(0, 15)}!AQ${randomToken(8)}.${randomToken(96)}`;
    this.access.set(token, user.Id);
    return token;
  }

  public refreshTokenFor(user: SRecord): string {
    for (const [t, id] of this.refresh) if (id === user.Id) return t;
    const token = `5Aep861${randomToken(80)}`;
    this.refresh.set(token, user.Id);
    return token;
  }

  public userForAccessToken(token: string): SRecord | undefined {
    const id = this.access.get(token);
    return id ? this.org.get('User', id) : undefined;
  }

  public userForRefreshToken(token: string): SRecord | undefined {
    const id = this.refresh.get(token);
    return id ? this.org.get('User', id) : undefined;
  }

  public revoke(token: string): void {
    this.access.delete(token);
    this.refresh.delete(token);
  }
}

export interface Cursor {
  records: Array<Record<string, unknown>>;
  tooling: boolean;
  entityTypeName: string;
  batchSize: number;
}

/** Server-side query cursors addressed by `01g…-offset` locators. */
export class CursorStore {
  private readonly cursors = new Map<string, Cursor>();
  private readonly ids = new IdFactory('Dn', 1);

  public open(cursor: Cursor): string {
    const id = this.ids.next('01g');
    this.cursors.set(id, cursor);
    return id;
  }

  public get(id: string): Cursor | undefined {
    return this.cursors.get(id);
  }

  public close(id: string): void {
    this.cursors.delete(id);
  }
}

export interface EmulatorState {
  org: OrgModel;
  options: ResolvedOptions;
  tokens: TokenStore;
  cursors: CursorStore;
  log: RequestLog;
  faults: FaultController;
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  url: string;
}
