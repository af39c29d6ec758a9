/**
 * The SOAP Metadata API at `/services/Soap/m/<version>[/<orgId>]`, as far as layouts need it: `readMetadata` and
 * `updateMetadata` of `Layout`, at most 10 components per call (salesforce-api §3.12). The session travels in the
 * envelope's SessionHeader, not in an Authorization header; every failure of the call itself is a SOAP fault
 * (HTTP 500), while one refused component is a `success=false` result. XML is parsed and written with fast-xml-parser.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { ApiError, DmlFailure } from '../errors.js';
import { layoutFromXml, toXmlValue } from '../layout-xml.js';
import type { SRecord } from '../model/org.js';
import { validateLayoutMetadata } from '../model/dml.js';
import { asText } from '../util.js';
import { authenticate, isServedVersion } from './auth.js';
import type { ApiRequest, ApiResponse, Scope } from './types.js';

export const METADATA_PATH = /^\/services\/Soap\/m\/(\d+\.\d+)(?:\/([A-Za-z0-9]{15,18}))?$/;

const MAX_COMPONENTS = 10;
const XMLNS = 'http://soap.sforce.com/2006/04/metadata';
const XML_TYPE = 'text/xml;charset=UTF-8';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, trimValues: true });
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true, suppressBooleanAttributes: false });

/** A call-level failure: `<soapenv:Fault>` with `sf:<CODE>` and "CODE: message", as Salesforce writes it. */
class SoapFault extends Error {
  public constructor(
    public readonly code: string,
    message: string,
    public readonly faultcode = `sf:${code}`
  ) {
    super(`${code}: ${message}`);
  }
}

function envelope(body: Record<string, unknown>): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    builder.build({
      'soapenv:Envelope': {
        '@_xmlns:soapenv': 'http://schemas.xmlsoap.org/soap/envelope/',
        '@_xmlns': XMLNS,
        '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        'soapenv:Body': body,
      },
    })
  );
}

/** A call-level SOAP fault answer (HTTP 500), e.g. for an injected fault on the Metadata API. */
export function soapFaultResponse(code: string, message: string): ApiResponse {
  return faultResponse(new SoapFault(code, message));
}

function faultResponse(fault: SoapFault): ApiResponse {
  const text = envelope({ 'soapenv:Fault': { '@_xmlns:sf': XMLNS, faultcode: fault.faultcode, faultstring: fault.message } });
  return { status: 500, text, contentType: XML_TYPE };
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

/** The Event layout a Metadata full name (`Event-Event Layout`) names, if any. */
function layoutNamed(scope: Scope, fullName: string): SRecord | undefined {
  const wanted = fullName.trim().toLowerCase();
  return scope.state.org.records('Layout').find((l) => asText(l.FullName).toLowerCase() === wanted);
}

function readLayouts(scope: Scope, call: Record<string, unknown>): Record<string, unknown> {
  const names = asList(call.fullNames as string | string[] | undefined).map(String);
  tooMany(names.length);
  const records = names.map((name) => {
    const layout = call.type === 'Layout' ? layoutNamed(scope, name) : undefined;
    // A name that does not exist comes back as a record without content [U: exact shape].
    if (!layout) return { '@_xsi:nil': 'true' };
    return { '@_xsi:type': 'Layout', fullName: asText(layout.FullName), ...(toXmlValue(layout.Metadata) as Record<string, unknown>) };
  });
  return { readMetadataResponse: { result: records.length > 0 ? { records } : '' } };
}

type SaveResult = { errors?: { message: string; statusCode: string }; fullName: string; success: string };

function updateLayouts(scope: Scope, user: SRecord, call: Record<string, unknown>): Record<string, unknown> {
  const components = asList(call.metadata as Record<string, unknown> | Array<Record<string, unknown>> | undefined);
  tooMany(components.length);
  const { org } = scope.state;
  const results = components.map((component): SaveResult => {
    const fullName = asText(component.fullName);
    const failed = (statusCode: string, message: string): SaveResult => ({ errors: { message, statusCode }, fullName, success: 'false' });
    if (component['@_type'] !== 'Layout') return failed('INVALID_TYPE', `The emulator updates Layout only, not ${asText(component['@_type'])}`);
    const layout = layoutNamed(scope, fullName);
    // [U: exact code and text for an unknown component]
    if (!layout) return failed('INVALID_CROSS_REFERENCE_KEY', `In field: fullName - no Layout named ${fullName} found`);
    const metadata = layoutFromXml(component);
    try {
      validateLayoutMetadata({ org, userId: user.Id, api: 'tooling' }, asText(layout.TableEnumOrId), metadata);
    } catch (e) {
      if (!(e instanceof DmlFailure)) throw e;
      return failed(e.errors[0].statusCode, e.errors[0].message);
    }
    // updateMetadata replaces the whole component with what was sent.
    org.update('Layout', layout.Id, { Metadata: metadata });
    return { fullName, success: 'true' };
  });
  return { updateMetadataResponse: { result: results } };
}

function tooMany(count: number): void {
  if (count > MAX_COMPONENTS) {
    // apex-mdapi#105 (the text Salesforce sends for readMetadata/updateMetadata over 10 components).
    throw new SoapFault('EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_COMPONENTS} records in this operation`);
  }
}

/** The caller of a SOAP call, from the SessionHeader (a bad or inactive session is INVALID_SESSION_ID). */
function caller(scope: Scope, header: Record<string, unknown> | undefined): SRecord {
  const sessionId = asText((header?.SessionHeader as Record<string, unknown> | undefined)?.sessionId);
  const req: ApiRequest = { method: 'POST', path: '', query: new URLSearchParams(), body: undefined, headers: { authorization: `Bearer ${sessionId}` } };
  try {
    return authenticate(scope.state, req);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    throw new SoapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
  }
}

function answer(scope: Scope, req: ApiRequest, version: string, orgId: string | undefined): Record<string, unknown> {
  const { state, entry } = scope;
  if (req.method !== 'POST') throw new SoapFault('INVALID_REQUEST', 'The Metadata API takes SOAP envelopes through POST', 'soapenv:Client');
  if (!isServedVersion(state, version)) throw new SoapFault('UNSUPPORTED_API_VERSION', `Invalid Api version specified on URL: ${version}`);
  if (orgId && orgId.slice(0, 15) !== state.org.orgId.slice(0, 15)) throw new SoapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
  let parsed: Record<string, Record<string, Record<string, unknown> | undefined> | undefined>;
  try {
    parsed = parser.parse(typeof req.body === 'string' ? req.body : '') as typeof parsed;
  } catch {
    throw new SoapFault('INVALID_XML', 'The request is not well-formed XML', 'soapenv:Client');
  }
  const soap = parsed.Envelope;
  const user = caller(scope, soap?.Header);
  scope.user = user;
  const { org } = state;
  if (!org.hasAnyPermission(user.Id, ['PermissionsApiEnabled'])) throw new SoapFault('API_CURRENTLY_DISABLED', 'API is disabled for this User');
  const limits = org.config.limits;
  if (limits.dailyApiRequestsUsed >= limits.dailyApiRequestsMax) throw new SoapFault('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
  limits.dailyApiRequestsUsed++;
  if (!org.hasAnyPermission(user.Id, ['PermissionsCustomizeApplication', 'PermissionsModifyAllData'])) {
    // forcedotcom/cli#3048: HTTP 500, faultcode sf:INSUFFICIENT_ACCESS.
    throw new SoapFault('INSUFFICIENT_ACCESS', 'use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions');
  }
  const [operation, found] = Object.entries(soap?.Body ?? {}).find(([k]) => !k.startsWith('@_')) ?? [''];
  const call = (found ?? {}) as Record<string, unknown>;
  switch (operation) {
    case 'readMetadata':
      return readLayouts(scope, call);
    case 'updateMetadata':
      // Attempted writes count, successful or not, as for REST.
      entry.kind = 'write';
      return updateLayouts(scope, user, call);
    default:
      throw new SoapFault('INVALID_OPERATION', `No operation available for request {${XMLNS}}${operation}`, 'soapenv:Client');
  }
}

/** Answers one SOAP Metadata API request: a response envelope, or a fault. */
export function metadataApi(scope: Scope, req: ApiRequest, version: string, orgId: string | undefined): ApiResponse {
  try {
    return { status: 200, text: envelope(answer(scope, req, version, orgId)), contentType: XML_TYPE };
  } catch (e) {
    if (!(e instanceof SoapFault)) throw e;
    scope.entry.errorCode = e.code;
    return faultResponse(e);
  }
}
