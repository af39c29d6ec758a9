/**
 * Routing: sf's auth endpoints, then data calls under `/services/data/vNN.0` (REST and Tooling).
 * Composite subrequests come back through `dataRoute` with the caller's identity.
 */
import { ApiError, notFound } from '../errors.js';
import type { LogApi } from '../log.js';
import type { SRecord } from '../model/org.js';
import { authenticate, identity, isServedVersion, resources, revoke, token, userinfo, versions } from './auth.js';
import { batch, collections, composite, subRequest } from './composite.js';
import { METADATA_PATH, metadataApi } from './metadata.js';
import { query, queryMore } from './query.js';
import { limits, methodNotAllowed, sobjects } from './sobjects.js';
import { classify, errorResponse, json, type Api, type ApiRequest, type ApiResponse, type DataCall, type Scope } from './types.js';

export { classify };

const DATA_PATH = /^\/services\/data\/v(\d+\.\d+)(?:\/(.*))?$/;

export function apiOf(path: string): LogApi {
  if (/^\/services\/data\/v[^/]+\/tooling(\/|$)/.test(path)) return 'tooling';
  if (/^\/services\/data\/v[^/]+(\/|$)/.test(path)) return 'rest';
  if (METADATA_PATH.test(path)) return 'metadata';
  if (path.startsWith('/services/oauth2/') || path.startsWith('/id/')) return 'auth';
  return 'other';
}

/** Answer one top-level HTTP request (faults and latency are applied by the server). */
export function dispatch(scope: Scope, req: ApiRequest): ApiResponse {
  try {
    return route(scope, req);
  } catch (e) {
    return errorResponse(e);
  }
}

function route(scope: Scope, req: ApiRequest): ApiResponse {
  const { state } = scope;
  const { method, path } = req;
  if (path === '/services/data' || path === '/services/data/latest') {
    if (method !== 'GET') throw methodNotAllowed(method);
    if (path === '/services/data') return versions(state);
  }
  if (path === '/services/oauth2/userinfo') {
    scope.user = authenticate(state, req);
    return userinfo(state, scope.user);
  }
  if (path === '/services/oauth2/token' && method === 'POST') return token(state, req);
  if (path === '/services/oauth2/revoke') return revoke(state, req);
  const id = /^\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})$/.exec(path);
  if (id) {
    scope.user = authenticate(state, req);
    return identity(state, req, scope.user, id[1], id[2]);
  }

  const soap = METADATA_PATH.exec(path);
  if (soap) return metadataApi(scope, req, soap[1], soap[2]);

  const latest = path.startsWith('/services/data/latest') ? path.replace('/services/data/latest', `/services/data/v${state.options.apiVersion}`) : path;
  const m = DATA_PATH.exec(latest);
  if (!m || !isServedVersion(state, m[1])) throw notFound();
  const user = authenticate(state, req);
  scope.user = user;
  // A user whose profile, permission sets and groups all lack API Enabled gets the very answer an org without API
  // gets (forcedotcom/salesforcedx-vscode#2387, restforce/restforce#219).
  if (!state.org.hasAnyPermission(user.Id, ['PermissionsApiEnabled'])) {
    throw new ApiError(403, 'API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.');
  }
  const limitsConfig = state.org.config.limits;
  if (limitsConfig.dailyApiRequestsUsed >= limitsConfig.dailyApiRequestsMax) {
    throw new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
  }
  limitsConfig.dailyApiRequestsUsed++;
  return dataRoute(scope, user, m[1], (m[2] ?? '').split('/').filter(Boolean), req);
}

/** Data routes under `/services/data/vNN.0/`; `segments` are the path parts after the version. */
export function dataRoute(scope: Scope, user: SRecord, version: string, segments: string[], req: ApiRequest): ApiResponse {
  let api: Api = 'rest';
  let s = segments;
  if (s[0] === 'tooling') {
    api = 'tooling';
    s = s.slice(1);
  }
  const call: DataCall = { scope, user, version, api, segments: s, req };
  const get = (fn: () => ApiResponse): ApiResponse => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method);
    return fn();
  };
  switch (s[0]) {
    case undefined:
      return get(() => (api === 'rest' ? resources(scope.state, version, user) : toolingResources(version)));
    case 'query':
    case 'queryAll':
      if (s.length === 1) return get(() => query(call));
      if (s.length === 2) return get(() => queryMore(call, s[1]));
      throw notFound();
    case 'sobjects':
      return sobjects(call);
    case 'composite':
      if (s.length === 1) return post(req, () => composite(call, subDispatch));
      if (s[1] === 'batch' && s.length === 2) return post(req, () => batch(call, subDispatch));
      if (s[1] === 'sobjects' && s.length <= 3) return collections(call);
      throw notFound();
    case 'limits':
      if (api !== 'rest' || s.length !== 1) throw notFound();
      return get(() => limits(call));
    default:
      throw notFound();
  }
}

function post(req: ApiRequest, fn: () => ApiResponse): ApiResponse {
  if (req.method !== 'POST') throw methodNotAllowed(req.method);
  return fn();
}

function toolingResources(version: string): ApiResponse {
  const b = `/services/data/v${version}/tooling`;
  return json(200, { sobjects: `${b}/sobjects`, query: `${b}/query`, composite: `${b}/composite`, executeAnonymous: `${b}/executeAnonymous`, search: `${b}/search` });
}

/**
 * A composite/batch subrequest: must address the same API (REST vs Tooling) as its container,
 * runs as the caller, is logged under the parent entry, and costs no extra API call.
 */
function subDispatch(parent: DataCall, method: string, url: string, body: unknown): ApiResponse {
  const req = subRequest(parent.req, method, url, body);
  const m = DATA_PATH.exec(req.path);
  const kind = classify(method, req.path);
  const parentSoql = parent.scope.entry.soql;
  const injected = parent.scope.state.faults.takeSubrequestError(method, url);
  let res: ApiResponse;
  if (injected) {
    // faults.subrequestErrors: this subrequest fails as Salesforce writes a failed one; it is not run.
    res = json(injected.status, [{ errorCode: injected.errorCode, message: injected.message }]);
  } else {
    try {
      const segments = (m?.[2] ?? '').split('/').filter(Boolean);
      const inner = segments[0] === 'tooling' ? segments.slice(1) : segments;
      const sameApi = (segments[0] === 'tooling') === (parent.api === 'tooling');
      const nested = inner[0] === 'composite' && inner[1] !== 'sobjects';
      if (!m || !isServedVersion(parent.scope.state, m[1]) || !sameApi || nested) throw notFound();
      res = dataRoute(parent.scope, parent.user, m[1], segments, req);
    } catch (e) {
      res = errorResponse(e);
    }
  }
  const entry = parent.scope.entry;
  entry.soql = parentSoql;
  const soql = req.query.get('q') ?? undefined;
  (entry.subrequests ??= []).push({
    method,
    url,
    status: res.status,
    kind,
    ...(soql !== undefined ? { soql } : {}),
    ...(injected ? { fault: 'subrequestError' } : {}),
  });
  if (kind === 'write') entry.kind = 'write';
  return res;
}
