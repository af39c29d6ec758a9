/**
 * sObject Collections (`/composite/sobjects`), Composite (`/composite`, `/tooling/composite`)
 * and Composite Batch (`/composite/batch`).
 */
import { ApiError, DmlFailure, type DmlError } from '../errors.js';
import { isWellFormedId } from '../ids.js';
import { asText, omit } from '../util.js';
import { createRecord, deleteRecord, dmlType, updateRecord } from '../model/dml.js';
import { dmlContext, methodNotAllowed, renderRecord } from './sobjects.js';
import { classify, json, type ApiRequest, type ApiResponse, type DataCall } from './types.js';

/** Runs one subrequest through the normal routes (same user); set by the router to avoid an import cycle. */
export type SubDispatch = (call: DataCall, method: string, url: string, body: unknown) => ApiResponse;

const ROLLED_BACK: DmlError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function objectBody(call: DataCall): Record<string, unknown> {
  const b = call.req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  return b as Record<string, unknown>;
}

function failureOf(e: unknown): DmlError[] {
  if (e instanceof DmlFailure) return e.errors;
  if (e instanceof ApiError) return [{ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] }];
  throw e;
}

type SaveResult = { id?: string; success: boolean; errors: DmlError[] };

/** Run each item; with allOrNone, roll everything back when one fails. */
function runItems(call: DataCall, allOrNone: boolean, items: Array<() => string>): SaveResult[] {
  const { org } = call.scope.state;
  const tx = allOrNone ? org.begin() : undefined;
  const results: SaveResult[] = items.map((run) => {
    try {
      return { id: run(), success: true, errors: [] };
    } catch (e) {
      return { success: false, errors: failureOf(e) };
    }
  });
  if (tx && results.some((r) => !r.success)) {
    tx.rollback();
    return results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK] } : r));
  }
  tx?.commit();
  return results;
}

function checkSize(call: DataCall, count: number): void {
  const { maxRecords, tooManyCode } = call.scope.state.org.config.collections;
  if (count > maxRecords) throw new ApiError(400, tooManyCode, call.scope.state.org.config.messages.tooManyCollectionRecords(maxRecords));
}

function recordsOf(call: DataCall): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const b = objectBody(call);
  if (!Array.isArray(b.records)) throw new ApiError(400, 'INVALID_FIELD', 'records: expected an array of sObjects');
  checkSize(call, b.records.length);
  return { allOrNone: b.allOrNone === true, records: b.records as Array<Record<string, unknown>> };
}

function typeOf(record: Record<string, unknown>): string {
  const t = (record.attributes as { type?: unknown } | undefined)?.type;
  if (typeof t !== 'string' || !t) throw DmlFailure.of('INVALID_TYPE', 'Must send a concrete entity type.');
  return t;
}

function unsupportedType(e: unknown, typeName: string): never {
  if (e instanceof ApiError && e.status === 404) throw DmlFailure.of('INVALID_TYPE', `sObject type '${typeName}' is not supported.`);
  throw e;
}

/** Saves each record of a collections POST/PATCH under the type its `attributes` name; an unknown type fails that item. */
function saveEach(
  call: DataCall,
  allOrNone: boolean,
  records: Array<Record<string, unknown>>,
  save: (typeName: string, record: Record<string, unknown>) => string
): SaveResult[] {
  return runItems(
    call,
    allOrNone,
    records.map((r) => () => {
      const t = typeOf(r);
      try {
        return save(t, r);
      } catch (e) {
        return unsupportedType(e, t);
      }
    })
  );
}

export function collections(call: DataCall): ApiResponse {
  const ctx = dmlContext(call);
  const [, , typeName] = call.segments;
  const method = call.req.method;

  if (typeName !== undefined) {
    // Retrieve: POST {ids, fields} or GET ?ids=&fields=
    if (method !== 'POST' && method !== 'GET') throw methodNotAllowed(method);
    const type = dmlType(ctx, typeName);
    const b = method === 'POST' ? objectBody(call) : {};
    const ids = (method === 'POST' ? (b.ids as string[]) : (call.req.query.get('ids') ?? '').split(',')).filter(Boolean);
    const fields = method === 'POST' ? (b.fields as string[]) : (call.req.query.get('fields') ?? '').split(',').filter(Boolean);
    checkSize(call, ids.length);
    return json(
      200,
      ids.map((id) => {
        const record = ctx.org.get(type.name, id);
        return record ? renderRecord(call, type, record, fields) : null;
      })
    );
  }

  switch (method) {
    case 'POST': {
      const { allOrNone, records } = recordsOf(call);
      return json(200, saveEach(call, allOrNone, records, (t, r) => createRecord(ctx, t, omit(r, 'attributes'))));
    }
    case 'PATCH': {
      const { allOrNone, records } = recordsOf(call);
      const results = saveEach(call, allOrNone, records, (t, r) => {
        const id = (r.id ?? r.Id) as string | undefined;
        if (!id) throw DmlFailure.of('MISSING_ARGUMENT', 'Id not specified in an update call', []);
        updateRecord(ctx, t, id, omit(r, 'attributes', 'id', 'Id'));
        return ctx.org.get(t, id)?.Id ?? id;
      });
      return json(
        200,
        results.map((res, i) => ({ id: res.success ? res.id : ((records[i].id ?? records[i].Id) as string | undefined), ...res }))
      );
    }
    case 'DELETE': {
      const ids = (call.req.query.get('ids') ?? '').split(',').filter(Boolean);
      checkSize(call, ids.length);
      const allOrNone = call.req.query.get('allOrNone') === 'true';
      const results = runItems(
        call,
        allOrNone,
        ids.map((id) => () => {
          if (!isWellFormedId(id)) throw DmlFailure.of('MALFORMED_ID', `malformed id ${id}`);
          const found = ctx.org.find(id);
          if (!found) throw DmlFailure.of('ENTITY_IS_DELETED', 'entity is deleted');
          deleteRecord(ctx, found.type.name, found.record.Id);
          return found.record.Id;
        })
      );
      return json(
        200,
        results.map((r, i) => ({ ...r, id: r.id ?? ids[i] }))
      );
    }
    default:
      throw methodNotAllowed(method);
  }
}

// ---- Composite ----------------------------------------------------------------------------------

interface SubRequest {
  method?: string;
  url?: string;
  referenceId?: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const HALTED = 'The transaction was rolled back since another operation in the same transaction failed.';

function isQueryOrCollection(url: string): boolean {
  return /\/(query|queryAll)(\/|\?|$)/.test(url) || /\/composite\/sobjects(\/|\?|$)/.test(url);
}

/** Resolve `@{ref.id}` / `@{ref.records[0].Id}` against earlier results. */
function lookupReference(expr: string, results: Map<string, SubResult>): unknown {
  const [refId, ...rest] = expr.split('.');
  const head = /^([^[]+)(.*)$/.exec(refId);
  const result = head ? results.get(head[1]) : undefined;
  if (!result || result.httpStatusCode >= 400) return undefined;
  let value: unknown = result.body;
  const steps = `${head?.[2] ?? ''}${rest.length ? '.' + rest.join('.') : ''}`.match(/[^.[\]]+/g) ?? [];
  for (const step of steps) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

class MissingReference extends Error {
  public constructor(public readonly expr: string) {
    super(expr);
  }
}

function substitute(value: unknown, results: Map<string, SubResult>, encode: boolean): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{([^}]+)\}$/.exec(value);
    if (whole && !encode) {
      const v = lookupReference(whole[1], results);
      if (v === undefined) throw new MissingReference(whole[1]);
      return v;
    }
    return value.replace(/@\{([^}]+)\}/g, (_m, expr: string) => {
      const v = lookupReference(expr, results);
      if (v === undefined) throw new MissingReference(expr);
      return encode ? encodeURIComponent(asText(v)) : asText(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, results, encode));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results, encode)]));
  }
  return value;
}

function halted(referenceId: string, message = HALTED): SubResult {
  return { body: [{ errorCode: 'PROCESSING_HALTED', message }], httpHeaders: {}, httpStatusCode: 400, referenceId };
}

export function composite(call: DataCall, dispatchSub: SubDispatch): ApiResponse {
  const { org } = call.scope.state;
  const b = objectBody(call);
  const subs = b.compositeRequest;
  if (!Array.isArray(subs) || subs.length === 0) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'compositeRequest: expected a non-empty array of subrequests');
  }
  const { maxSubrequests, maxQueryOrCollectionSubrequests, tooManyCode } = org.config.composite;
  if (subs.length > maxSubrequests) throw new ApiError(400, tooManyCode, org.config.messages.tooManySubrequests(maxSubrequests));
  const heavy = (subs as SubRequest[]).filter((s) => isQueryOrCollection(s.url ?? '')).length;
  if (heavy > maxQueryOrCollectionSubrequests) {
    throw new ApiError(400, tooManyCode, org.config.messages.tooManyQueryOrCollectionSubrequests(maxQueryOrCollectionSubrequests));
  }
  const allOrNone = b.allOrNone === true;
  const tx = allOrNone ? org.begin() : undefined;
  const results = new Map<string, SubResult>();
  const ordered: SubResult[] = [];
  let failed = false;

  for (const sub of subs as SubRequest[]) {
    const referenceId = String(sub.referenceId ?? '');
    if (!referenceId || !sub.url || !sub.method) {
      throw new ApiError(400, 'INVALID_INPUT', 'Each subrequest needs a method, a url and a referenceId');
    }
    if (results.has(referenceId)) throw new ApiError(400, 'INVALID_INPUT', `Duplicate referenceId provided in the request: ${referenceId}`);
    let result: SubResult;
    if (failed && allOrNone) {
      result = halted(referenceId);
    } else {
      try {
        // Clients often URL-encode the whole query, reference included.
        const decodedRefs = sub.url.replace(/%40%7B(.+?)%7D/gi, (_m, inner: string) => `@{${decodeURIComponent(inner)}}`);
        const url = substitute(decodedRefs, results, true) as string;
        const body = substitute(sub.body, results, false);
        const res = dispatchSub(call, sub.method.toUpperCase(), url, body);
        result = {
          body: res.body ?? null,
          httpHeaders: res.headers ?? {},
          httpStatusCode: res.status,
          referenceId,
        };
      } catch (e) {
        if (!(e instanceof MissingReference)) throw e;
        const ref = e.expr.split(/[.[]/)[0];
        result = halted(referenceId, `Invalid reference specified. No value for ${e.expr} found in ${ref}. Provided referenceId ('${ref}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').`);
        // Logged like an executed subrequest: the client did ask for it.
        const method = sub.method.toUpperCase();
        const kind = classify(method, new URL(sub.url.replace(/^\/+/, '/'), 'http://127.0.0.1').pathname);
        (call.scope.entry.subrequests ??= []).push({ method, url: sub.url, status: 400, kind });
        if (kind === 'write') call.scope.entry.kind = 'write';
      }
      if (result.httpStatusCode >= 400) failed = true;
    }
    results.set(referenceId, result);
    ordered.push(result);
  }

  if (tx && failed) {
    tx.rollback();
    const firstFailure = ordered.find((r) => r.httpStatusCode >= 400 && !isHalted(r));
    return json(200, { compositeResponse: ordered.map((r) => (r === firstFailure ? r : halted(r.referenceId))) });
  }
  tx?.commit();
  return json(200, { compositeResponse: ordered });
}

function isHalted(r: SubResult): boolean {
  return Array.isArray(r.body) && (r.body[0] as { errorCode?: string } | undefined)?.errorCode === 'PROCESSING_HALTED';
}

// ---- Composite Batch ----------------------------------------------------------------------------

interface BatchRequest {
  method?: string;
  url?: string;
  richInput?: unknown;
}

export function batch(call: DataCall, dispatchSub: SubDispatch): ApiResponse {
  const { org } = call.scope.state;
  const b = objectBody(call);
  const reqs = b.batchRequests;
  if (!Array.isArray(reqs) || reqs.length === 0) throw new ApiError(400, 'JSON_PARSER_ERROR', 'batchRequests: expected a non-empty array');
  const { maxSubrequests, tooManyCode } = org.config.composite;
  if (reqs.length > maxSubrequests) throw new ApiError(400, tooManyCode, org.config.messages.tooManySubrequests(maxSubrequests));
  const haltOnError = b.haltOnError === true;
  let failed = false;
  const results = (reqs as BatchRequest[]).map((r) => {
    if (failed && haltOnError) {
      return { statusCode: 412, result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }] };
    }
    const url = `/services/data/${String(r.url ?? '').replace(/^\/+/, '').replace(/^services\/data\//, '')}`;
    const res = dispatchSub(call, String(r.method ?? 'GET').toUpperCase(), url, r.richInput);
    if (res.status >= 400) failed = true;
    return { statusCode: res.status, result: res.body ?? null };
  });
  return json(200, { hasErrors: results.some((r) => r.statusCode >= 400), results });
}

/** Parse a subrequest URL into the request the routes expect. */
export function subRequest(parent: ApiRequest, method: string, url: string, body: unknown): ApiRequest {
  const parsed = new URL(url.replace(/^\/+/, '/'), 'http://127.0.0.1');
  const path = parsed.pathname.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return { method, path, query: parsed.searchParams, body, headers: { ...parent.headers, 'sforce-query-options': undefined } };
}
