/** `query`, `queryAll` and query-more (`…/query/<locator>`), REST and Tooling, with server-side cursors. */
import { ApiError } from '../errors.js';
import { queryColumns, runQuery } from '../soql/engine.js';
import type { Cursor } from '../state.js';
import { json, type ApiResponse, type DataCall } from './types.js';

const LOCATOR = /^(01g[A-Za-z0-9]{15})-(\d+)$/;

function batchSize(call: DataCall): number {
  const configured = call.scope.state.options.batchSize;
  const header = /batchSize=(\d+)/i.exec(call.req.headers['sforce-query-options'] ?? '');
  // The header may lower the page size (Salesforce clamps it to 200..2000), never raise it above the emulator's.
  return header ? Math.min(configured, Math.max(200, Math.min(2000, Number(header[1])))) : configured;
}

function pageOf(call: DataCall, locatorId: string, cursor: Cursor, offset: number): ApiResponse {
  const records = cursor.records.slice(offset, offset + cursor.batchSize);
  const next = offset + records.length;
  const done = next >= cursor.records.length;
  if (done) call.scope.state.cursors.close(locatorId);
  const locator = `${locatorId}-${next}`;
  const base = `/services/data/v${call.version}${cursor.tooling ? '/tooling' : ''}/query/${locator}`;
  const totalSize = cursor.records.length;
  if (cursor.tooling) {
    return json(200, {
      size: totalSize,
      totalSize,
      done,
      queryLocator: done ? null : locator,
      ...(done ? {} : { nextRecordsUrl: base }),
      entityTypeName: cursor.entityTypeName,
      records,
    });
  }
  return json(200, { totalSize, done, ...(done ? {} : { nextRecordsUrl: base }), records });
}

export function query(call: DataCall): ApiResponse {
  const soql = call.req.query.get('q') ?? call.req.query.get('query');
  if (soql === null || soql.trim() === '') {
    throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  }
  call.scope.entry.soql = soql;
  const { state } = call.scope;
  const ctx = { org: state.org, api: call.api, userId: call.user.Id, version: call.version };
  if (call.req.query.get('columns') === 'true') return json(200, queryColumns(ctx, soql));
  const out = runQuery(ctx, soql);
  if (out.countOnly) {
    const body = { totalSize: out.totalSize, done: true, records: [] };
    return json(200, call.api === 'tooling' ? { size: out.totalSize, ...body, queryLocator: null, entityTypeName: out.entityTypeName } : body);
  }
  const cursor: Cursor = { records: out.records, tooling: call.api === 'tooling', entityTypeName: out.entityTypeName, batchSize: batchSize(call) };
  return pageOf(call, state.cursors.open(cursor), cursor, 0);
}

/**
 * Next page. jsforce rebuilds the URL as `{base}/query/<locator>` whatever the original endpoint
 * (queryAll, Tooling), so any locator is accepted on either path.
 */
export function queryMore(call: DataCall, locator: string): ApiResponse {
  const m = LOCATOR.exec(locator);
  const cursor = m ? call.scope.state.cursors.get(m[1]) : undefined;
  if (!m || !cursor) throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  return pageOf(call, m[1], cursor, Number(m[2]));
}
