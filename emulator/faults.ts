/**
 * Fault injection, switchable while the emulator runs. Each fault can be limited to a number of
 * occurrences and, by default, only hits data requests (sf's versions list and OAuth calls pass),
 * so a CLI can still log in while the data calls fail. Most faults replace a whole answer; four act inside one:
 * a Composite subrequest (`subrequestErrors`), one component of a Metadata API call (`metadataSaveErrors`,
 * `emptyReads`), or the org itself just before a request is processed (`concurrentChange`).
 */
import type { OrgModel } from './model/org.js';

export type FaultName =
  | 'latency'
  | 'serverError'
  | 'resetConnection'
  | 'closeConnection'
  | 'cutBody'
  | 'unknownException'
  | 'expiredSession'
  | 'requestLimit'
  | 'apiDisabledForOrg'
  | 'maintenancePage'
  | 'malformedJson'
  | 'soapFault'
  | 'error'
  | 'subrequestError'
  | 'metadataSaveError'
  | 'emptyRead'
  | 'concurrentChange';

/** Faults that act inside an answer (or before it) and never replace a whole answer in `take`. */
const INNER: ReadonlySet<FaultName> = new Set(['subrequestError', 'metadataSaveError', 'emptyRead', 'concurrentChange']);

export interface FaultScope {
  /** How many requests the fault hits before switching itself off (default: unlimited, 1 for 5xx/resets). */
  times?: number;
  /** Only data requests (default true): not `/services/data`, `/services/oauth2/*`, `/id/*`. */
  dataOnly?: boolean;
  /** Only requests whose path matches (string = substring). */
  path?: string | RegExp;
  /** Only this HTTP method. */
  method?: string;
  /** Let this many matching requests through first (e.g. `skip: 2` hits the third). */
  skip?: number;
}

/**
 * When a dropped connection goes down: before any answer (the request is not processed), or mid-answer (the request
 * is processed, e.g. a write is saved, and the status line and headers are sent, but not the end of the header block).
 * Both reach jsforce as `TypeError: fetch failed` with the socket error in `cause`. A drop after the complete header
 * block is the separate `cutBodies` fault (undici then fails the body stream with `TypeError: terminated`).
 */
export type DropMoment = 'beforeAnswer' | 'midAnswer';

export type DropScope = FaultScope & { when?: DropMoment };

export interface FaultHandle {
  readonly name: FaultName;
  /** Requests hit so far. */
  readonly hits: number;
  /** Hits left (Infinity when unlimited). */
  readonly remaining: number;
  remove(): void;
}

export interface Fault extends FaultHandle {
  readonly scope: FaultScope;
  readonly status?: number;
  readonly ms?: number;
  /** For resetConnection and closeConnection. */
  readonly when?: DropMoment;
  /** For soapFault: the fault's code and text. */
  readonly soap?: SoapFaultDetail;
  /** For error: the REST error body's code and text. */
  readonly error?: RestErrorDetail;
}

/** A SOAP fault as Salesforce writes it: faultcode `sf:<code>`, faultstring `<code>: <message>`. */
export type SoapFaultDetail = { code: string; message: string };

/** A REST error answer's single entry `{ errorCode, message }`. */
export type RestErrorDetail = { errorCode: string; message: string };

/** A failed Composite subrequest: `httpStatusCode` and the body `[{ errorCode, message }]`. */
export type SubrequestError = { status: number; errorCode: string; message: string };

/** A refused component of an `updateMetadata` call: its SaveResult's `errors`. */
export type MetadataSaveError = { statusCode: string; message: string };

export type SubrequestErrorOptions = {
  /** The subrequest's URL (as the container runs it, references resolved): string = substring. */
  url: string | RegExp;
  /** Only subrequests with this method. */
  method?: string;
  /** `httpStatusCode` of the subrequest (default 400). */
  status?: number;
  errorCode: string;
  message: string;
  /** Default: unlimited. */
  times?: number;
  /** Let this many matching subrequests through first. */
  skip?: number;
};

export type ComponentFaultOptions = {
  /** The component's full name exactly as stored (the Salesforce spelling: `Event-Event Layout %28Sales%29`). */
  fullName: string;
  /** Default: unlimited. */
  times?: number;
  /** Let this many matching components through first. */
  skip?: number;
};

export type ConcurrentChangeOptions = FaultScope & {
  /** What the other client does, on the live org. */
  change: (org: OrgModel) => void;
};

type InnerDetail =
  | { target: string | RegExp; exact?: boolean; method?: string; subrequest: SubrequestError }
  | { target: string; exact: true; save: MetadataSaveError }
  | { target: string; exact: true; emptyRead: true }
  | { change: (org: OrgModel) => void };

class ActiveFault implements Fault {
  public hits = 0;
  public remaining: number;
  private skipped = 0;

  public constructor(
    private readonly owner: FaultController,
    public readonly name: FaultName,
    public readonly scope: FaultScope,
    defaultTimes: number,
    public readonly status?: number,
    public readonly ms?: number,
    public readonly when?: DropMoment,
    public readonly soap?: SoapFaultDetail,
    public readonly inner?: InnerDetail,
    public readonly error?: RestErrorDetail
  ) {
    this.remaining = scope.times ?? defaultTimes;
  }

  public matches(method: string, path: string, isData: boolean): boolean {
    if (this.remaining <= 0) return false;
    if ((this.scope.dataOnly ?? true) && !isData) return false;
    if (this.scope.method && this.scope.method.toUpperCase() !== method) return false;
    const p = this.scope.path;
    if (p !== undefined && !(typeof p === 'string' ? path.includes(p) : p.test(path))) return false;
    return this.pastSkip();
  }

  /** A subrequest or a component: matched on its own URL or full name instead of the request's path. */
  public matchesTarget(target: string, method?: string): boolean {
    if (this.remaining <= 0) return false;
    const d = this.inner;
    if (!d || !('target' in d)) return false;
    const only = 'method' in d ? d.method : undefined;
    if (only && method !== undefined && only.toUpperCase() !== method) return false;
    if (!(typeof d.target === 'string' ? (d.exact ? target === d.target : target.includes(d.target)) : d.target.test(target))) return false;
    return this.pastSkip();
  }

  private pastSkip(): boolean {
    if (this.skipped < (this.scope.skip ?? 0)) {
      this.skipped++;
      return false;
    }
    return true;
  }

  public consume(): void {
    this.hits++;
    this.remaining--;
    if (this.remaining <= 0) this.owner.removeFault(this);
  }

  public remove(): void {
    this.owner.removeFault(this);
  }
}

export class FaultController {
  private faults: ActiveFault[] = [];

  /** Faults still armed, in the order they were added. */
  public get active(): readonly FaultHandle[] {
    return [...this.faults];
  }

  /** Add `ms` of delay to matching requests (on top of the emulator's `latencyMs`). */
  public latencyMs(ms: number, scope: FaultScope = {}): FaultHandle {
    return this.add('latency', scope, Infinity, undefined, ms);
  }

  /**
   * Answer with a 5xx (default 503) — a burst of `times` (default 1). jsforce retries GETs on
   * 5xx with 0.5/1/2/4/8 s back-off, so keep bursts at 1–2 in tests.
   */
  public serverErrors(scope: FaultScope & { status?: 500 | 502 | 503 | 504 } = {}): FaultHandle {
    return this.add('serverError', scope, 1, scope.status ?? 503);
  }

  /**
   * Reset the connection (TCP RST) after the request arrived, `times` (default 1) times: undici reports ECONNRESET.
   * `when` (default beforeAnswer): see DropMoment.
   */
  public resetConnections(scope: DropScope = {}): FaultHandle {
    return this.add('resetConnection', scope, 1, undefined, undefined, scope.when ?? 'beforeAnswer');
  }

  /** Close the connection (TCP FIN) after the request arrived: undici reports "other side closed" (UND_ERR_SOCKET). */
  public closeConnections(scope: DropScope = {}): FaultHandle {
    return this.add('closeConnection', scope, 1, undefined, undefined, scope.when ?? 'beforeAnswer');
  }

  /**
   * Cut the answer mid-body, `times` (default 1) times: the request is processed (a write is saved), the whole header
   * block goes out with the full `Content-Length`, then half of the body, then the socket is destroyed. undici has
   * already resolved `fetch()` and fails the body stream with `TypeError: terminated` (cause `UND_ERR_SOCKET`
   * "other side closed"), REST and SOAP alike.
   */
  public cutBodies(scope: FaultScope = {}): FaultHandle {
    return this.add('cutBody', scope, 1);
  }

  /**
   * 500 `UNKNOWN_EXCEPTION` "An unexpected error occurred. Please include this ErrorId if you contact support: …",
   * `times` (default 1) times: the body Salesforce answers for an internal failure (restforce/restforce#821), as a JSON
   * array on REST and Composite, as a `soapenv:Fault` `sf:UNKNOWN_EXCEPTION` on the Metadata API. The request is not
   * processed (nothing is saved), but a client cannot know that.
   */
  public unknownException(scope: FaultScope = {}): FaultHandle {
    return this.add('unknownException', scope, 1);
  }

  /** 401 INVALID_SESSION_ID on matching calls, and `invalid_grant` from the token endpoint so refreshes fail too. */
  public expiredSession(scope: FaultScope = {}): FaultHandle {
    return this.add('expiredSession', scope, Infinity);
  }

  /** 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded." */
  public requestLimit(scope: FaultScope = {}): FaultHandle {
    return this.add('requestLimit', scope, Infinity);
  }

  /** 403 API_DISABLED_FOR_ORG "The REST API is not enabled for this Organization." */
  public apiDisabledForOrg(scope: FaultScope = {}): FaultHandle {
    return this.add('apiDisabledForOrg', scope, Infinity);
  }

  /** 200 text/html maintenance page instead of JSON. */
  public maintenancePage(scope: FaultScope = {}): FaultHandle {
    return this.add('maintenancePage', scope, Infinity);
  }

  /** 200 application/json with a truncated, unparsable body. */
  public malformedJson(scope: FaultScope = {}): FaultHandle {
    return this.add('malformedJson', scope, Infinity);
  }

  /**
   * Answer with a SOAP fault (HTTP 500, `text/xml`), `times` (default 1) times: e.g. `sf:UNKNOWN_EXCEPTION` "An
   * unexpected error occurred", which a real org answers for a whole `readMetadata` call when one component of it
   * cannot be served. Meant for the SOAP endpoint (`path: '/services/Soap/'`).
   */
  public soapFaults(scope: FaultScope & { code?: string; message?: string } = {}): FaultHandle {
    const soap = { code: scope.code ?? 'UNKNOWN_EXCEPTION', message: scope.message ?? 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)' };
    return this.add('soapFault', scope, 1, 500, undefined, undefined, soap);
  }

  /**
   * Answer matching requests with any REST error: HTTP `status` and the body `[{ message, errorCode }]`, the shape of
   * every REST API error answer (REST API Developer Guide, "Status Codes and Error Responses"), for refusals no other
   * fault names, e.g. a whole Tooling API call refused (`path: '/tooling/composite'`, 404 NOT_FOUND). The request is
   * not processed. `times` default: unlimited.
   */
  public errors(options: FaultScope & RestErrorDetail & { status: number }): FaultHandle {
    const { status, errorCode, message, ...scope } = options;
    return this.add('error', scope, Infinity, status, undefined, undefined, undefined, undefined, { errorCode, message });
  }

  /**
   * Inside a Composite (`/composite`, `/tooling/composite`) or Composite Batch call, a subrequest whose URL matches
   * fails with `status` (default 400) and the body `[{ errorCode, message }]`, the shape Salesforce gives a failed
   * subrequest (Composite resource docs, "Composite Response Body"; jsforce's and restforce's composite examples). It
   * is not run; the others are run as usual, so `allOrNone` rolls back and halts them and Batch's `haltOnError` halts
   * the rest, as for any failing subrequest. `times` default: unlimited.
   */
  public subrequestErrors(options: SubrequestErrorOptions): FaultHandle {
    const { url, method, status = 400, errorCode, message, times, skip } = options;
    return this.add('subrequestError', { times, skip }, Infinity, status, undefined, undefined, undefined, {
      target: url,
      method,
      subrequest: { status, errorCode, message },
    });
  }

  /**
   * In an `updateMetadata` call, the component with this full name gets a SaveResult `success=false` with
   * `errors { statusCode, message }` and is not saved; the others are saved (Metadata API Developer Guide, SaveResult:
   * per-component `success` and `errors`). Default `INSUFFICIENT_ACCESS` "insufficient access rights on object id"
   * [U: which code a refused layout gets]. `times` default: unlimited.
   */
  public metadataSaveErrors(options: ComponentFaultOptions & { statusCode?: string; message?: string }): FaultHandle {
    const { fullName, times, skip } = options;
    const save = { statusCode: options.statusCode ?? 'INSUFFICIENT_ACCESS', message: options.message ?? 'insufficient access rights on object id' };
    return this.add('metadataSaveError', { times, skip }, Infinity, undefined, undefined, undefined, undefined, { target: fullName, exact: true, save });
  }

  /**
   * In a `readMetadata` call, the component with this full name comes back as the API answers a name it cannot serve:
   * a record without content (`<records xsi:nil="true"/>`), which jsforce reads as an empty record (forcedotcom/cli#2869,
   * certinia/apex-mdapi#91). `times` default: unlimited.
   */
  public emptyReads(options: ComponentFaultOptions): FaultHandle {
    const { fullName, times, skip } = options;
    return this.add('emptyRead', { times, skip }, Infinity, undefined, undefined, undefined, undefined, { target: fullName, exact: true, emptyRead: true });
  }

  /**
   * Another client acts first: `change` runs on the org just before a matching request is processed (after its
   * latency, also when another fault then answers it), e.g. someone inserts the PermissionSetAssignment we are about
   * to insert, so the org answers DUPLICATE_VALUE by itself. Scope as for the other faults; `times` default 1.
   */
  public concurrentChange(options: ConcurrentChangeOptions): FaultHandle {
    const { change, ...scope } = options;
    return this.add('concurrentChange', scope, 1, undefined, undefined, undefined, undefined, { change });
  }

  public clear(): void {
    this.faults = [];
  }

  /** Whether an expired-session fault is armed (the token endpoint then refuses refreshes). */
  public get sessionExpired(): boolean {
    return this.faults.some((f) => f.name === 'expiredSession');
  }

  /** Consume the faults hitting this request: total extra latency and at most one failure. */
  public take(method: string, path: string, isData: boolean): { latencyMs: number; fault?: Fault } {
    let latencyMs = 0;
    let fault: ActiveFault | undefined;
    for (const f of [...this.faults]) {
      if (INNER.has(f.name) || !f.matches(method, path, isData)) continue;
      if (f.name === 'latency') {
        latencyMs += f.ms ?? 0;
        f.consume();
      } else if (!fault) {
        fault = f;
        f.consume();
      }
    }
    return { latencyMs, fault };
  }

  /** The changes of other clients to apply before this request is processed (each consumed). */
  public takeConcurrentChanges(method: string, path: string, isData: boolean): Array<(org: OrgModel) => void> {
    const changes: Array<(org: OrgModel) => void> = [];
    for (const f of [...this.faults]) {
      if (f.name !== 'concurrentChange' || !f.inner || !('change' in f.inner) || !f.matches(method, path, isData)) continue;
      changes.push(f.inner.change);
      f.consume();
    }
    return changes;
  }

  /** The injected failure of a Composite/Batch subrequest, if one matches (consumed). */
  public takeSubrequestError(method: string, url: string): SubrequestError | undefined {
    const f = this.takeInner('subrequestError', url, method);
    return f?.inner && 'subrequest' in f.inner ? f.inner.subrequest : undefined;
  }

  /** The injected refusal of one `updateMetadata` component, if one matches (consumed). */
  public takeMetadataSaveError(fullName: string): MetadataSaveError | undefined {
    const f = this.takeInner('metadataSaveError', fullName);
    return f?.inner && 'save' in f.inner ? f.inner.save : undefined;
  }

  /** Whether one `readMetadata` component is to come back empty (consumed). */
  public takeEmptyRead(fullName: string): boolean {
    return this.takeInner('emptyRead', fullName) !== undefined;
  }

  /** @internal */
  public removeFault(f: FaultHandle): void {
    this.faults = this.faults.filter((x) => x !== f);
  }

  private takeInner(name: FaultName, target: string, method?: string): ActiveFault | undefined {
    const f = this.faults.find((x) => x.name === name && x.matchesTarget(target, method));
    f?.consume();
    return f;
  }

  private add(
    name: FaultName,
    scope: FaultScope,
    defaultTimes: number,
    status?: number,
    ms?: number,
    when?: DropMoment,
    soap?: SoapFaultDetail,
    inner?: InnerDetail,
    error?: RestErrorDetail
  ): FaultHandle {
    const f = new ActiveFault(this, name, scope, defaultTimes, status, ms, when, soap, inner, error);
    this.faults.push(f);
    return f;
  }
}
