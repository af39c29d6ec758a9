/** `/sobjects` (global describe, describe, CRUD by id) and `/limits`. */
import { ApiError, notFound } from '../errors.js';
import { createRecord, deleteRecord, dmlType, requireRecord, updateRecord, type DmlContext } from '../model/dml.js';
import { describeGlobal, describeSObject, sobjectBasicInfo } from '../model/describe.js';
import type { SRecord } from '../model/org.js';
import type { SObjectType } from '../model/schema.js';
import { renderValue } from '../soql/engine.js';
import { json, type ApiResponse, type DataCall } from './types.js';

export function dmlContext(call: DataCall): DmlContext {
  return { org: call.scope.state.org, userId: call.user.Id, api: call.api };
}

function body(call: DataCall): Record<string, unknown> {
  const b = call.req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  return b as Record<string, unknown>;
}

function visibleType(call: DataCall, name: string): SObjectType {
  return dmlType(dmlContext(call), name);
}

export function recordUrl(call: DataCall, typeName: string, id: string): string {
  return `/services/data/v${call.version}/${call.api === 'tooling' ? 'tooling/' : ''}sobjects/${typeName}/${id}`;
}

export function renderRecord(call: DataCall, type: SObjectType, record: SRecord, fields?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: type.name, url: recordUrl(call, type.name, record.Id) } };
  const selected = fields ?? type.fields.map((f) => f.name);
  for (const name of selected) {
    const def = type.field(name);
    if (!def) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${type.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    }
    out[def.name] = renderValue(record[def.name]);
  }
  return out;
}

export function sobjects(call: DataCall): ApiResponse {
  const { org } = call.scope.state;
  const [, typeName, idOrAction, ...rest] = call.segments;
  const method = call.req.method;

  if (typeName === undefined) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return json(200, describeGlobal(org, call.version, call.api, call.user.Id));
  }
  const type = visibleType(call, typeName);

  if (idOrAction === undefined) {
    if (method === 'GET') return json(200, sobjectBasicInfo(org, type, call.version, call.api));
    if (method === 'POST') {
      const id = createRecord(dmlContext(call), type.name, body(call));
      return json(201, { id, success: true, errors: [] }, { Location: recordUrl(call, type.name, id) });
    }
    throw methodNotAllowed(method);
  }

  if (idOrAction === 'describe' && rest.length === 0) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return json(200, describeSObject(org, type, call.version, call.api));
  }
  if (rest.length > 0) throw notFound();

  const record = requireRecord(dmlContext(call), type.name, idOrAction);
  switch (method) {
    case 'GET': {
      const fields = call.req.query.get('fields');
      return json(200, renderRecord(call, type, record, fields ? fields.split(',').map((f) => f.trim()).filter(Boolean) : undefined));
    }
    case 'PATCH':
      updateRecord(dmlContext(call), type.name, record.Id, body(call));
      return json(204);
    case 'DELETE':
      deleteRecord(dmlContext(call), type.name, record.Id);
      return json(204);
    default:
      throw methodNotAllowed(method);
  }
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD,POST,PATCH,DELETE`);
}

export function limits(call: DataCall): ApiResponse {
  const { org } = call.scope.state;
  if (!org.hasAnyPermission(call.user.Id, ['PermissionsViewSetup', 'PermissionsModifyAllData'])) {
    throw new ApiError(403, 'INSUFFICIENT_ACCESS', "The user does not have the 'View Setup and Configuration' permission.");
  }
  const { dailyApiRequestsMax: max, dailyApiRequestsUsed: used } = org.config.limits;
  const permsets = org.where('PermissionSet', (p) => p.IsOwnedByProfile !== true && p.Type !== 'Group').length;
  const fixed = (m: number, r: number = m): { Max: number; Remaining: number } => ({ Max: m, Remaining: r });
  return json(200, {
    ActiveScratchOrgs: fixed(0),
    AnalyticsExternalDataSizeMB: fixed(40960),
    ConcurrentAsyncGetReportInstances: fixed(200),
    ConcurrentSyncReportRuns: fixed(20),
    DailyAnalyticsDataflowJobExecutions: fixed(60),
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
    DailyAsyncApexExecutions: fixed(250000),
    DailyBulkApiBatches: fixed(15000),
    DailyBulkV2QueryFileStorageMB: fixed(976562),
    DailyBulkV2QueryJobs: fixed(10000),
    DailyDurableStreamingApiEvents: fixed(10000),
    DailyFunctionsApiCallLimit: fixed(235000),
    DailyGenericStreamingApiEvents: fixed(10000),
    DailyScratchOrgs: fixed(0),
    DailyStandardVolumePlatformEvents: fixed(10000),
    DailyStreamingApiEvents: fixed(10000),
    DailyWorkflowEmails: fixed(1950),
    DataStorageMB: fixed(1024, 1019),
    FileStorageMB: fixed(11264, 11260),
    HourlyAsyncReportRuns: fixed(1200),
    HourlyDashboardRefreshes: fixed(200),
    HourlyDashboardResults: fixed(5000),
    HourlyDashboardStatuses: fixed(999999999),
    HourlyODataCallout: fixed(10000),
    HourlySyncReportRuns: fixed(500),
    HourlyTimeBasedWorkflow: fixed(1000),
    MassEmail: fixed(5000),
    PermissionSets: { Max: 1500, Remaining: 1500 - permsets },
    SingleEmail: fixed(5000),
    StreamingApiConcurrentClients: fixed(2000),
  });
}
