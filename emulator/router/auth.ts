/** The versions list, the resources-by-version map, OIDC userinfo, identity URL and token endpoint. */
import { ApiError, invalidSession } from '../errors.js';
import type { SRecord } from '../model/org.js';
import { asText } from '../util.js';
import type { EmulatorState } from '../state.js';
import { json, type ApiRequest, type ApiResponse } from './types.js';

const SEASONS = ['Spring', 'Summer', 'Winter'];

/** Release label of an API version: 66.0 = Spring '26, 65.0 = Winter '26, 64.0 = Summer '25. */
export function releaseLabel(version: number): string {
  const k = version - 66;
  const idx = ((k % 3) + 3) % 3;
  const year = 26 + Math.floor(k / 3) + (idx === 2 ? 1 : 0);
  return `${SEASONS[idx]} '${String(year).padStart(2, '0')}`;
}

export const MIN_VERSION = 20;

export function versions(state: EmulatorState): ApiResponse {
  const max = Math.floor(Number(state.options.apiVersion));
  const list = [];
  for (let v = MIN_VERSION; v <= max; v++) list.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  return json(200, list);
}

export function isServedVersion(state: EmulatorState, version: string): boolean {
  const n = Number(version);
  return /^\d{2}\.0$/.test(version) && n >= MIN_VERSION && n <= Number(state.options.apiVersion);
}

function loginUrl(state: EmulatorState): string {
  // Real orgs answer login.salesforce.com / test.salesforce.com; the emulator's own URL by default
  // keeps clients that follow the `id` URL on 127.0.0.1.
  return state.org.config.loginUrl ?? state.url;
}

function identityUrl(state: EmulatorState, user: SRecord): string {
  return `${loginUrl(state)}/id/${state.org.orgId}/${user.Id}`;
}

export function resources(state: EmulatorState, version: string, user: SRecord): ApiResponse {
  const b = `/services/data/v${version}`;
  const names = [
    'tooling',
    'metadata',
    'eclair',
    'folders',
    'prechatForms',
    'contact-tracing',
    'jsonxform',
    'tabs',
    'appMenu',
    'quickActions',
    'queryAll',
    'commerce',
    'wave',
    'iot',
    'analytics',
    'search',
    'composite',
    'parameterizedSearch',
    'fingerprint',
    'theme',
    'nouns',
    'event',
    'serviceTemplates',
    'recent',
    'connect',
    'licensing',
    'limits',
    'process',
    'async-queries',
    'query',
    'emailConnect',
    'compactLayouts',
    'knowledgeManagement',
    'sobjects',
    'actions',
    'support',
  ];
  const body: Record<string, string> = {};
  for (const n of names) body[n] = `${b}/${n}`;
  body.identity = `${state.url}/id/${state.org.orgId}/${user.Id}`;
  return json(200, body);
}

function urls(state: EmulatorState, version = '{version}'): Record<string, string> {
  const host = state.url;
  const org = state.org.orgId;
  return {
    enterprise: `${host}/services/Soap/c/${version}/${org}`,
    metadata: `${host}/services/Soap/m/${version}/${org}`,
    partner: `${host}/services/Soap/u/${version}/${org}`,
    rest: `${host}/services/data/v${version}/`,
    sobjects: `${host}/services/data/v${version}/sobjects/`,
    search: `${host}/services/data/v${version}/search/`,
    query: `${host}/services/data/v${version}/query/`,
    recent: `${host}/services/data/v${version}/recent/`,
    tooling_soap: `${host}/services/Soap/T/${version}/${org}`,
    tooling_rest: `${host}/services/data/v${version}/tooling/`,
    feeds: `${host}/services/data/v${version}/chatter/feeds`,
    groups: `${host}/services/data/v${version}/chatter/groups`,
    users: `${host}/services/data/v${version}/chatter/users`,
    feed_items: `${host}/services/data/v${version}/chatter/feed-items`,
    custom_domain: host,
  };
}

function photos(state: EmulatorState): Record<string, string> {
  return { picture: `${state.url}/profilephoto/005/F`, thumbnail: `${state.url}/profilephoto/005/T` };
}

function userType(user: SRecord): string {
  return (asText(user.UserType) || 'Standard').toUpperCase();
}

export function userinfo(state: EmulatorState, user: SRecord): ApiResponse {
  const u = { ...urls(state), profile: `${state.url}/${user.Id}` };
  return json(200, {
    sub: identityUrl(state, user),
    user_id: user.Id,
    organization_id: state.org.orgId,
    preferred_username: user.Username,
    nickname: user.CommunityNickname ?? user.Alias,
    name: user.Name,
    email: user.Email,
    email_verified: true,
    given_name: user.FirstName,
    family_name: user.LastName,
    zoneinfo: user.TimeZoneSidKey,
    photos: photos(state),
    profile: `${state.url}/${user.Id}`,
    picture: photos(state).picture,
    address: { country: state.org.organization.Country ?? 'US' },
    is_salesforce_integration_user: false,
    urls: u,
    active: user.IsActive === true,
    user_type: userType(user),
    language: user.LanguageLocaleKey,
    locale: user.LocaleSidKey,
    utcOffset: -28800000,
    updated_at: asText(user.LastModifiedDate),
    is_app_installed: true,
  });
}

export function identity(state: EmulatorState, req: ApiRequest, user: SRecord, orgId: string, userId: string): ApiResponse {
  if (orgId.slice(0, 15) !== state.org.orgId.slice(0, 15) || userId.slice(0, 15) !== user.Id.slice(0, 15)) {
    // An identity URL only answers for the token's own user.
    throw new ApiError(403, 'Bad_Id', 'Bad_Id');
  }
  const version = req.query.get('version') ?? '{version}';
  return json(200, {
    id: identityUrl(state, user),
    asserted_user: true,
    user_id: user.Id,
    organization_id: state.org.orgId,
    username: user.Username,
    nick_name: user.CommunityNickname ?? user.Alias,
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: user.TimeZoneSidKey,
    photos: photos(state),
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: state.org.organization.Country ?? 'US',
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: { ...urls(state, version), profile: `${state.url}/${user.Id}` },
    active: user.IsActive === true,
    user_type: userType(user),
    language: user.LanguageLocaleKey,
    locale: user.LocaleSidKey,
    utcOffset: -28800000,
    last_modified_date: asText(user.LastModifiedDate),
    is_app_installed: true,
  });
}

function oauthError(status: number, error: string, description: string): ApiResponse {
  return json(status, { error, error_description: description });
}

/** The username a JWT bearer assertion is for (`sub` claim); the signature is not checked. */
function jwtSubject(assertion: string): string | undefined {
  const payload = assertion.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `POST /services/oauth2/token`: `refresh_token` issues a new access token for the same user;
 * `urn:ietf:params:oauth:grant-type:jwt-bearer` (sf org login jwt) one for the assertion's `sub`.
 */
export function token(state: EmulatorState, req: ApiRequest): ApiResponse {
  const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams(typeof req.body === 'string' ? req.body : '');
  const grant = form.get('grant_type');
  if (state.faults.sessionExpired) return oauthError(400, 'invalid_grant', 'expired access/refresh token');
  let user: SRecord | undefined;
  if (grant === 'refresh_token') {
    user = state.tokens.userForRefreshToken(form.get('refresh_token') ?? '');
    if (!user) return oauthError(400, 'invalid_grant', 'expired access/refresh token');
  } else if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
    const sub = jwtSubject(form.get('assertion') ?? '');
    user = sub ? state.org.user(sub) : undefined;
    if (!user) return oauthError(400, 'invalid_grant', 'user hasn\'t approved this consumer');
  } else {
    return oauthError(400, 'unsupported_grant_type', 'grant type not supported');
  }
  if (user.IsActive !== true || state.org.isFrozen(user.Id)) return oauthError(400, 'invalid_grant', 'inactive user');
  const access = state.tokens.newAccessToken(user);
  return json(200, {
    access_token: access,
    signature: Buffer.from(access).toString('base64').slice(0, 44),
    scope: 'refresh_token web api id',
    instance_url: state.url,
    id: identityUrl(state, user),
    token_type: 'Bearer',
    issued_at: String(Date.now()),
  });
}

export function revoke(state: EmulatorState, req: ApiRequest): ApiResponse {
  const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams(typeof req.body === 'string' ? req.body : '');
  const t = form.get('token') ?? req.query.get('token');
  if (t) state.tokens.revoke(t);
  return json(200);
}

/** Bearer header, or `oauth_token` on identity URLs (jsforce sends both). */
export function bearer(req: ApiRequest): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h) : null;
  return m?.[1]?.trim() ?? req.query.get('oauth_token') ?? undefined;
}

/**
 * The token's user; inactive and frozen users' sessions are refused like expired ones. Frozen and inactive users can't
 * log in (Salesforce Object Reference, UserLogin); that their existing sessions answer 401 INVALID_SESSION_ID is
 * assumed (no public capture found; the plugin handles it like any expired session).
 */
export function authenticate(state: EmulatorState, req: ApiRequest): SRecord {
  const t = bearer(req);
  const user = t ? state.tokens.userForAccessToken(t) : undefined;
  if (!user || user.IsActive !== true || state.org.isFrozen(user.Id)) throw invalidSession();
  return user;
}
