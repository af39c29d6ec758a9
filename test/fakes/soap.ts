/**
 * The SOAP side of the unit tests' fake orgs. jsforce sends Metadata API calls through its HTTP transport, not through
 * `Connection.request` (which TestContext fakes), so the transport is stubbed for `/services/Soap/m/` URLs only: the
 * real envelope jsforce builds is parsed here and answered with XML as Salesforce writes it (scalars as text, unset
 * properties left out, faults with HTTP 500), and jsforce parses the answer with its own code.
 */
import { Transport } from '@jsforce/jsforce-node/lib/transport.js';
import { StreamPromise } from '@jsforce/jsforce-node/lib/util/promise.js';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { SinonSandbox } from 'sinon';
import { PassThrough } from 'node:stream';
import { toXmlValue } from '../../emulator/layout-xml.js';

export type SoapCall = {
  url: string;
  operation: string;
  sessionId: string;
  /** readMetadata: the names asked for. */
  fullNames: string[];
  /** updateMetadata: the components sent, as parsed from the XML (every scalar a string). */
  components: Array<Record<string, unknown>>;
};

export type SoapAnswer = { status: number; xml: string };

const XMLNS = 'http://soap.sforce.com/2006/04/metadata';
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false });
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true, suppressBooleanAttributes: false });

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

export function parseSoapCall(url: string, body: string): SoapCall {
  const envelope = (parser.parse(body) as { Envelope: { Header?: { SessionHeader?: { sessionId?: string } }; Body: Record<string, Record<string, unknown>> } }).Envelope;
  const [operation, call] = Object.entries(envelope.Body).find(([k]) => !k.startsWith('@_')) ?? ['', {}];
  return {
    url,
    operation,
    sessionId: String(envelope.Header?.SessionHeader?.sessionId ?? ''),
    fullNames: list(call.fullNames as string | string[] | undefined).map(String),
    components: list(call.metadata as Record<string, unknown> | Array<Record<string, unknown>> | undefined),
  };
}

const envelope = (body: Record<string, unknown>): string =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  builder.build({
    'soapenv:Envelope': {
      '@_xmlns:soapenv': 'http://schemas.xmlsoap.org/soap/envelope/',
      '@_xmlns': XMLNS,
      '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'soapenv:Body': body,
    },
  });

/** A readMetadata answer: each record as Salesforce writes it; undefined → a record without content. */
export function readAnswer(records: Array<(Record<string, unknown> & { fullName: string }) | undefined>): SoapAnswer {
  const xml = records.map((r) => (r ? { '@_xsi:type': 'Layout', ...(toXmlValue(r) as Record<string, unknown>) } : { '@_xsi:nil': 'true' }));
  return { status: 200, xml: envelope({ readMetadataResponse: { result: xml.length ? { records: xml } : '' } }) };
}

/** An updateMetadata answer: one SaveResult per component. */
export function updateAnswer(results: Array<{ fullName: string; error?: { statusCode: string; message: string } }>): SoapAnswer {
  const result = results.map((r) => (r.error ? { errors: r.error, fullName: r.fullName, success: 'false' } : { fullName: r.fullName, success: 'true' }));
  return { status: 200, xml: envelope({ updateMetadataResponse: { result } }) };
}

/** A SOAP fault as Salesforce sends it: HTTP 500, `sf:CODE`, "CODE: message". */
export function faultAnswer(code: string, message: string): SoapAnswer {
  return { status: 500, xml: envelope({ 'soapenv:Fault': { faultcode: `sf:${code}`, faultstring: `${code}: ${message}` } }) };
}

/** A value as the Metadata API's XML carries it, for semantic comparison: no nulls or empty lists, text scalars. */
export function asXml(value: unknown): string {
  return builder.build({ layout: toXmlValue(value) });
}

/** Routes jsforce's SOAP requests to `answer`; any other transport request fails the test (REST goes through the fake). */
export function stubSoap(sandbox: SinonSandbox, answer: (call: SoapCall) => SoapAnswer): void {
  sandbox.stub(Transport.prototype, 'httpRequest').callsFake((req: { url: string; body?: unknown }) =>
    StreamPromise.create(() => {
      const promise = Promise.resolve().then(() => {
        if (!/\/services\/Soap\/m\/\d+\.\d+/.test(req.url)) throw new Error(`unexpected request outside the fake org: ${req.url}`);
        const { status, xml } = answer(parseSoapCall(req.url, String(req.body)));
        return { statusCode: status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: xml };
      });
      return { stream: new PassThrough(), promise };
    })
  );
}
