/** Every HTTP request the emulator served, for tests that count round trips and writes. */

/** `metadata`: the SOAP Metadata API (`/services/Soap/m/…`). */
export type LogApi = 'rest' | 'tooling' | 'metadata' | 'auth' | 'other';

export interface SubrequestLog {
  method: string;
  url: string;
  status: number;
  kind: 'read' | 'write';
  /** Decoded SOQL of a query subrequest. */
  soql?: string;
  /** `subrequestError` when the answer was injected (`faults.subrequestErrors`). */
  fault?: string;
}

export interface LogEntry {
  method: string;
  /** Path with leading slashes collapsed, without the query string. */
  path: string;
  /** Raw query string without `?` (e.g. `q=SELECT...`), when present. */
  query?: string;
  status: number;
  kind: 'read' | 'write';
  api: LogApi;
  /** Composite, batch and collection items, in order. */
  subrequests?: SubrequestLog[];
  /** Username of the caller when a token identified one. */
  user?: string;
  /** Time spent answering, including injected latency. */
  ms: number;
  /** The injected fault that produced the answer, if any. */
  fault?: string;
  /** `errorCode` of an error answer. */
  errorCode?: string;
  /** Decoded SOQL of a query request. */
  soql?: string;
}

export interface LogFilter {
  method?: string;
  path?: string | RegExp;
  api?: LogApi;
  kind?: 'read' | 'write';
  user?: string;
  status?: number;
  /** true: only data requests (see `RequestLog.isData`); false: only sf's auth/versions traffic. */
  data?: boolean;
}

export class RequestLog {
  public readonly entries: LogEntry[] = [];

  /** sf's own traffic: the versions list, OAuth endpoints and identity URLs. */
  public static isData(path: string): boolean {
    return !(/^\/services\/data\/?$/.test(path) || path.startsWith('/services/oauth2/') || path.startsWith('/id/'));
  }

  public add(entry: LogEntry): void {
    this.entries.push(entry);
  }

  public clear(): void {
    this.entries.length = 0;
  }

  public filter(filter: LogFilter = {}): LogEntry[] {
    return this.entries.filter((e) => {
      if (filter.method && e.method !== filter.method.toUpperCase()) return false;
      if (filter.path !== undefined && !(typeof filter.path === 'string' ? e.path === filter.path : filter.path.test(e.path))) return false;
      if (filter.api && e.api !== filter.api) return false;
      if (filter.kind && e.kind !== filter.kind) return false;
      if (filter.user && e.user?.toLowerCase() !== filter.user.toLowerCase()) return false;
      if (filter.status !== undefined && e.status !== filter.status) return false;
      if (filter.data !== undefined && RequestLog.isData(e.path) !== filter.data) return false;
      return true;
    });
  }

  public count(filter?: LogFilter): number {
    return this.filter(filter).length;
  }

  /** Requests that created, updated or deleted something (directly or inside composite/collections). */
  public writes(): LogEntry[] {
    return this.filter({ kind: 'write' });
  }

  /** Everything except sf's auth/versions traffic: the round trips a command itself caused. */
  public dataRequests(): LogEntry[] {
    return this.filter({ data: true });
  }

  /** SOQL statements received, in order (REST and Tooling, including composite subrequests). */
  public queries(): string[] {
    return this.entries.flatMap((e) => [
      ...(e.soql !== undefined ? [e.soql] : []),
      ...(e.subrequests ?? []).flatMap((s) => (s.soql !== undefined ? [s.soql] : [])),
    ]);
  }
}
