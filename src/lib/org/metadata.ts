import type { Connection } from '@salesforce/core';
import { OrgApiError, readWithRetry, sendWrite } from './requests.js';

/**
 * The SOAP Metadata API's CRUD calls through jsforce (`conn.metadata.read` / `update`), at most 10 components per
 * call as Salesforce allows. jsforce names a SOAP fault `sf:CODE` with the message "CODE: text"; they are rethrown as
 * OrgApiErrors with the plain code and text, so the org-level failures (expired session, rate limit) are recognised
 * like their REST counterparts.
 */

export const METADATA_MAX_COMPONENTS = 10;

/** A Metadata API type name, e.g. `Layout`. */
export type MetadataType = Parameters<Connection['metadata']['read']>[0];

export type MetadataComponent = Record<string, unknown> & { fullName?: string };
export type MetadataError = { errorCode: string; message: string };
export type MetadataSaveResult = { fullName: string; success: boolean; error?: MetadataError };

/** Consecutive slices of at most `size` items. */
export function batches<T>(items: readonly T[], size = METADATA_MAX_COMPONENTS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A SOAP fault as jsforce throws it → an OrgApiError with the plain code; other errors unchanged. */
export function fromSoapFault(err: unknown): unknown {
  const e = err as { name?: string; errorCode?: string; message?: string };
  const faultcode = e?.errorCode ?? e?.name ?? '';
  const code = /^[A-Za-z]+:([A-Z_]+)$/.exec(faultcode)?.[1];
  if (!code) return err;
  return new OrgApiError((e.message ?? '').replace(new RegExp(`^${code}: `), ''), code, 500);
}

const sameName = (a: unknown, b: string): boolean => typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * One `readMetadata` call (≤ 10 names): each name's component, or undefined when the answer holds no content for it.
 * A name that does not exist comes back as a record without content, or not at all [U]; both are matched by fullName.
 */
export async function readMetadata(conn: Connection, type: MetadataType, fullNames: readonly string[]): Promise<Array<MetadataComponent | undefined>> {
  if (fullNames.length > METADATA_MAX_COMPONENTS) throw new Error(`readMetadata takes at most ${METADATA_MAX_COMPONENTS} names`);
  let answer: unknown;
  try {
    // A SOAP call is a POST, which jsforce never retries; a read is safe to send again after a dropped connection.
    answer = await readWithRetry(() => conn.metadata.read(type, [...fullNames]));
  } catch (err) {
    throw fromSoapFault(err);
  }
  const records = (Array.isArray(answer) ? answer : [answer]) as Array<MetadataComponent | null | undefined>;
  // Salesforce answers every name, a missing one with a record without content (certinia/apex-mdapi#91). jsforce
  // turns an answer that is not a SOAP envelope (a 200 HTML maintenance page) into an empty result without an error:
  // an answer short of one record per name is that, an org-level failure like REST's HTML page.
  if (records.length !== fullNames.length) throw notSoap('readMetadata', fullNames.length, records.length);
  return fullNames.map((name) => records.find((r) => sameName(r?.fullName, name)) ?? undefined);
}

const notSoap = (call: string, sent: number, answered: number): OrgApiError =>
  new OrgApiError(`HTML content or no SOAP envelope in the answer to ${call} (${answered} results for ${sent} components)`, 'HTML_RESPONSE', 200);

/** One component as `listMetadata` describes it (FileProperties). */
export type MetadataFileProperties = {
  fullName: string;
  id: string;
  type?: string;
  fileName?: string;
  namespacePrefix?: string | null;
  manageableState?: string | null;
};

/**
 * One `listMetadata` call for one type: every component of it the org has, with its full name as the org spells it
 * and its id. A read, so it is sent again after a dropped connection or a 5xx.
 */
export async function listMetadata(conn: Connection, type: MetadataType): Promise<MetadataFileProperties[]> {
  let answer: unknown;
  try {
    answer = await readWithRetry(() => conn.metadata.list([{ type }]));
  } catch (err) {
    throw fromSoapFault(err);
  }
  const list = (Array.isArray(answer) ? answer : answer ? [answer] : []) as Array<Partial<MetadataFileProperties> | null>;
  return list.flatMap((p) => (p && typeof p.fullName === 'string' && typeof p.id === 'string' ? [p as MetadataFileProperties] : []));
}

type JsforceSaveResult = { fullName?: string; success?: boolean | string; errors?: Array<{ statusCode?: string; message?: string }> | { statusCode?: string; message?: string } };

/** One `updateMetadata` call (≤ 10 components, each replaced whole by what is sent): a result per component, in order. */
export async function updateMetadata(conn: Connection, type: MetadataType, components: readonly MetadataComponent[]): Promise<MetadataSaveResult[]> {
  if (components.length > METADATA_MAX_COMPONENTS) throw new Error(`updateMetadata takes at most ${METADATA_MAX_COMPONENTS} components`);
  let answer: unknown;
  try {
    // Never retried: a dropped update may have been saved.
    answer = await sendWrite(() => conn.metadata.update(type, [...components] as never));
  } catch (err) {
    throw fromSoapFault(err);
  }
  const results = (Array.isArray(answer) ? answer : [answer]) as Array<JsforceSaveResult | undefined>;
  // Nothing at all for what was sent: not a SOAP answer (see readMetadata).
  if (results.filter(Boolean).length === 0) throw notSoap('updateMetadata', components.length, 0);
  return components.map((component) => {
    const fullName = String(component.fullName);
    const result = results.find((r) => sameName(r?.fullName, fullName));
    if (!result) return { fullName, success: false, error: { errorCode: 'MALFORMED_RESPONSE', message: 'No result for this component' } };
    if (result.success === true || result.success === 'true') return { fullName, success: true };
    const first = Array.isArray(result.errors) ? result.errors[0] : result.errors;
    return { fullName, success: false, error: { errorCode: first?.statusCode ?? 'UNKNOWN_EXCEPTION', message: first?.message ?? 'Refused' } };
  });
}
