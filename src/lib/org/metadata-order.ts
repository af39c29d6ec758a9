import { ApiSchemas } from '@jsforce/jsforce-node/lib/api/metadata/schema.js';

/**
 * The Metadata API WSDL's element order. Salesforce binds a SOAP body to the schema's `xsd:sequence`s and refuses the
 * whole call when an element is unknown or out of sequence ("Element {http://soap.sforce.com/2006/04/metadata}behavior
 * invalid at this location in type LayoutItem"), while jsforce serialises a JS object in its key order. jsforce ships
 * the WSDL's types, each type's properties in sequence order and its base type in `extends`, as
 * `api/metadata/schema` (generated from the WSDL by its wsdl2schema.ts): that is the source used here.
 */

/** A type of the schema: `props` maps each element to `'type'`, `'?type'` (optional), `['type']` or `['?', 'type']` (lists). */
type SchemaType = { type: string; props: Record<string, string | readonly string[]>; extends?: string };

const SCHEMAS = ApiSchemas as unknown as Record<string, SchemaType | undefined>;

/** A value that breaks the WSDL: an unknown type, or an element its type does not declare. */
export class WsdlOrderError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'WsdlOrderError';
  }
}

function schemaOf(typeName: string): SchemaType {
  const schema = Object.hasOwn(SCHEMAS, typeName) ? SCHEMAS[typeName] : undefined;
  if (!schema) throw new WsdlOrderError(`${typeName} is not a type of the Metadata API WSDL`);
  return schema;
}

/** The type's chain from the root base type (e.g. Metadata) to itself. */
function lineage(typeName: string): SchemaType[] {
  const chain: SchemaType[] = [];
  for (let t: string | undefined = typeName; t !== undefined; t = chain[0].extends) chain.unshift(schemaOf(t));
  return chain;
}

/** The elements of a type in the WSDL's sequence, inherited ones first (Layout: `fullName, customButtons, …`). */
export function wsdlSequence(typeName: string): string[] {
  return lineage(typeName).flatMap((schema) => Object.keys(schema.props));
}

/** The declared type of one element (`{ type: 'LayoutSection', list: true }`), or undefined when the type has no such element. */
export function propertyType(typeName: string, prop: string): { type: string; list: boolean } | undefined {
  for (const schema of lineage(typeName).reverse()) {
    if (!Object.hasOwn(schema.props, prop)) continue;
    const declared = schema.props[prop];
    if (typeof declared === 'string') return { type: declared.replace(/^\?/, ''), list: false };
    return { type: declared[declared.length - 1].replace(/^\?/, ''), list: true };
  }
  return undefined;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** XML attributes as jsforce writes them (`@xsi:type`): kept, in front. */
const isAttribute = (key: string): boolean => key.startsWith('@');
/** XML attributes as jsforce's parser reads them (`$`): left out, since jsforce would send `$` back as an element. */
const isReadAttributes = (key: string): boolean => key === '$';

function orderValue(typeName: string, value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => orderValue(typeName, item, `${path}[${i}]`));
  if (!isPlainObject(value)) return value;
  if (!Object.hasOwn(SCHEMAS, typeName)) return structuredClone(value);
  // A subtype named by xsi:type is ordered by its own sequence.
  const declared = value['@xsi:type'];
  const type = typeof declared === 'string' && Object.hasOwn(SCHEMAS, declared) ? declared : typeName;
  const sequence = wsdlSequence(type);
  const unknown = Object.keys(value).filter((key) => !isAttribute(key) && !isReadAttributes(key) && !sequence.includes(key));
  if (unknown.length > 0) {
    throw new WsdlOrderError(`${path}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not an element' : 'are not elements'} of the Metadata API type ${type}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).filter(isAttribute)) out[key] = structuredClone(value[key]);
  for (const key of sequence) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
    const prop = propertyType(type, key);
    out[key] = prop ? orderValue(prop.type, value[key], `${path}.${key}`) : value[key];
  }
  return out;
}

/**
 * A deep copy of `value` with every object's keys in its type's WSDL sequence, recursing through the declared types of
 * list and object elements; `undefined` values are left out. Throws a WsdlOrderError for an element the type does not
 * declare, so that nothing Salesforce would refuse is sent.
 */
export function orderByWsdl(typeName: string, value: Record<string, unknown>): Record<string, unknown> {
  schemaOf(typeName);
  return orderValue(typeName, value, typeName) as Record<string, unknown>;
}
