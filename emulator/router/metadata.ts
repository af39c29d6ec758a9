/**
 * The SOAP Metadata API at `/services/Soap/m/<version>[/<orgId>]`, as far as layouts need it: `readMetadata`,
 * `updateMetadata` (at most 10 components per call) and `listMetadata` (at most 3 queries) of `Layout`
 * (Metadata API Developer Guide: readMetadata, updateMetadata, listMetadata). The session travels in the envelope's
 * SessionHeader, not in an Authorization header; every
 * failure of the call itself is a SOAP fault (HTTP 500), while one refused component is a `success=false` result.
 * XML is parsed and written with fast-xml-parser; an `updateMetadata` body is checked against the WSDL's sequences,
 * taken from the copy jsforce ships (`api/metadata/schema`, generated from the Metadata WSDL).
 */
import { ApiSchemas } from '@jsforce/jsforce-node/lib/api/metadata/schema.js';
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
/** The same body with its elements in document order, for the WSDL sequence check. */
const orderedParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, trimValues: true, preserveOrder: true });
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true, suppressBooleanAttributes: false });

/** A call-level failure: `<soapenv:Fault>` with `sf:<CODE>` and "CODE: message", as Salesforce writes it. */
class SoapFault extends Error {
  public constructor(
    public readonly code: string,
    message: string,
    public readonly faultcode = `sf:${code}`,
    /** The faultstring as is (a schema violation carries no `CODE: ` in front). */
    plain = false
  ) {
    super(plain ? message : `${code}: ${message}`);
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

/** A SOAP fault answer (HTTP 500) with faultcode `sf:<code>` and faultstring `<code>: <message>`. */
export function soapFaultResponse(code: string, message: string): ApiResponse {
  return faultResponse(new SoapFault(code, message));
}

function faultResponse(fault: SoapFault): ApiResponse {
  const text = envelope({ 'soapenv:Fault': { '@_xmlns:sf': XMLNS, faultcode: fault.faultcode, faultstring: fault.message } });
  return { status: 500, text, contentType: XML_TYPE };
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

/**
 * The layout a Metadata full name names, if any: only the spelling Salesforce uses (`Event-Event Layout
 * %28Sales%29`, `Event-ns__Layout`) finds it; any other spelling is a layout that does not exist (forcedotcom/cli#2869,
 * certinia/apex-mdapi#91).
 */
function layoutNamed(scope: Scope, fullName: string): SRecord | undefined {
  return scope.state.org.records('Layout').find((l) => asText(l.FullName) === fullName);
}

const MAX_LIST_QUERIES = 3;

/** `listMetadata`: FileProperties of every component of the queried types (only Layout is modelled; others list nothing). */
function listComponents(scope: Scope, call: Record<string, unknown>): Record<string, unknown> {
  const queries = asList(call.queries as Record<string, unknown> | Array<Record<string, unknown>> | undefined);
  if (queries.length > MAX_LIST_QUERIES) {
    // [U: exact code and text] jsforce and the Metadata API docs: at most 3 queries per call.
    throw new SoapFault('INVALID_ARGUMENT', `Too many queries: ${queries.length}. The maximum is ${MAX_LIST_QUERIES}`);
  }
  const { org } = scope.state;
  // Layouts carry no audit values here: they were created with the org, by its admin.
  const admin = org.records('User').find((u) => u.Username === org.meta.adminUsername) ?? org.records('User')[0];
  const orgCreated = asText(org.records('Organization')[0]?.CreatedDate).replace(/\+0000$/, 'Z');
  const results = queries.some((q) => asText(q.type) === 'Layout')
    ? org.records('Layout').map((l) => ({
        createdById: asText(l.CreatedById ?? admin?.Id),
        createdByName: asText(org.get('User', asText(l.CreatedById ?? admin?.Id))?.Name),
        createdDate: asText(l.CreatedDate ?? orgCreated),
        fileName: `layouts/${asText(l.FullName)}.layout`,
        fullName: asText(l.FullName),
        id: asText(l.Id),
        lastModifiedById: asText(l.LastModifiedById ?? admin?.Id),
        lastModifiedByName: asText(org.get('User', asText(l.LastModifiedById ?? admin?.Id))?.Name),
        lastModifiedDate: asText(l.LastModifiedDate ?? orgCreated),
        manageableState: asText(l.ManageableState) || 'unmanaged',
        ...(l.NamespacePrefix ? { namespacePrefix: asText(l.NamespacePrefix) } : {}),
        type: 'Layout',
      }))
    : [];
  return { listMetadataResponse: results.length > 0 ? { result: results } : '' };
}

type SchemaType = { props: Record<string, string | readonly string[]>; extends?: string };
const SCHEMAS = ApiSchemas as unknown as Record<string, SchemaType | undefined>;
type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/** The elements of a WSDL type in sequence (inherited ones first), each with its type and whether it repeats. */
function sequenceOf(typeName: string): Array<{ name: string; type: string; list: boolean }> {
  const schema = SCHEMAS[typeName];
  if (!schema) return [];
  const own = Object.entries(schema.props).map(([name, t]) =>
    typeof t === 'string' ? { name, type: t.replace(/^\?/, ''), list: false } : { name, type: t[t.length - 1].replace(/^\?/, ''), list: true }
  );
  return [...(schema.extends ? sequenceOf(schema.extends) : []), ...own];
}

/**
 * Checks elements against their type's `xsd:sequence`: an unknown element, one out of sequence or a second one of a
 * non-repeating element fails the whole call, as Salesforce's SOAP binding does ("Element {…}behavior invalid at
 * this location in type LayoutItem", the wording Salesforce's "Error parsing file" deploy errors quote for metadata
 * XML out of sequence). The faultcode is `soapenv:Client` [U: exact faultcode].
 */
function checkSequence(children: readonly OrderedNode[], typeName: string): void {
  const sequence = sequenceOf(typeName);
  let position = -1;
  for (const child of children) {
    const tag = Object.keys(child).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text') continue;
    const index = sequence.findIndex((e) => e.name === tag);
    if (index < 0 || index < position || (index === position && !sequence[index].list)) {
      throw new SoapFault('INVALID_ELEMENT', `Element {${XMLNS}}${tag} invalid at this location in type ${typeName}`, 'soapenv:Client', true);
    }
    position = index;
    const declared = child[':@']?.['@_type'];
    const type = declared && SCHEMAS[declared] ? declared : sequence[index].type;
    if (SCHEMAS[type]) checkSequence(child[tag] as OrderedNode[], type);
  }
}

/** The `<metadata xsi:type="…">` elements of an updateMetadata body, each checked against its type. */
function checkUpdateBody(body: string): void {
  const find = (nodes: readonly OrderedNode[], tag: string): OrderedNode[] => nodes.filter((n) => tag in n);
  const doc = orderedParser.parse(body) as OrderedNode[];
  const envelope = find(doc, 'Envelope')[0]?.Envelope as OrderedNode[] | undefined;
  const soapBody = find(envelope ?? [], 'Body')[0]?.Body as OrderedNode[] | undefined;
  const call = find(soapBody ?? [], 'updateMetadata')[0]?.updateMetadata as OrderedNode[] | undefined;
  for (const component of find(call ?? [], 'metadata')) {
    const type = component[':@']?.['@_type'];
    if (type && SCHEMAS[type]) checkSequence(component.metadata as OrderedNode[], type);
  }
}

function readLayouts(scope: Scope, call: Record<string, unknown>): Record<string, unknown> {
  const names = asList(call.fullNames as string | string[] | undefined).map(String);
  scope.entry.components = names;
  tooMany(names.length);
  const records = names.map((name) => {
    if (scope.state.faults.takeEmptyRead(name)) {
      // faults.emptyReads: served as a name the API cannot serve.
      scope.entry.fault = 'emptyRead';
      return { '@_xsi:nil': 'true' };
    }
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
  scope.entry.components = components.map((c) => asText(c.fullName));
  tooMany(components.length);
  const { org } = scope.state;
  const results = components.map((component): SaveResult => {
    const fullName = asText(component.fullName);
    const failed = (statusCode: string, message: string): SaveResult => ({ errors: { message, statusCode }, fullName, success: 'false' });
    const refused = scope.state.faults.takeMetadataSaveError(fullName);
    if (refused) {
      // faults.metadataSaveErrors: this component is refused and not saved; the others are.
      scope.entry.fault = 'metadataSaveError';
      return failed(refused.statusCode, refused.message);
    }
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
  const [operation, found] = Object.entries(soap?.Body ?? {}).find(([k]) => !k.startsWith('@_')) ?? [''];
  if (operation) entry.operation = operation;
  const user = caller(scope, soap?.Header);
  scope.user = user;
  const { org } = state;
  if (!org.hasAnyPermission(user.Id, ['PermissionsApiEnabled'])) throw new SoapFault('API_CURRENTLY_DISABLED', 'API is disabled for this User');
  const limits = org.config.limits;
  if (limits.dailyApiRequestsUsed >= limits.dailyApiRequestsMax) throw new SoapFault('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
  limits.dailyApiRequestsUsed++;
  if (!org.hasAnyPermission(user.Id, ['PermissionsModifyAllData', 'PermissionsModifyMetadata'])) {
    // Modify All Data or Modify Metadata Through Metadata API Functions; Customize Application alone is not enough
    // (readMetadata/updateMetadata docs; forcedotcom/cli#3048: HTTP 500, faultcode sf:INSUFFICIENT_ACCESS).
    throw new SoapFault('INSUFFICIENT_ACCESS', 'use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions');
  }
  const call = (found ?? {}) as Record<string, unknown>;
  switch (operation) {
    case 'readMetadata':
      return readLayouts(scope, call);
    case 'updateMetadata':
      // Attempted writes count, successful or not, as for REST.
      entry.kind = 'write';
      checkUpdateBody(typeof req.body === 'string' ? req.body : '');
      return updateLayouts(scope, user, call);
    case 'listMetadata':
      return listComponents(scope, call);
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
