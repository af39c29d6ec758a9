/**
 * Layout files as text: a small position-aware XML reader (each element with the offsets of its tags, so a file can
 * be edited in place without re-serialising it), the conversion of an element into the plain object jsforce sends,
 * and the writer of the Metadata API source format (`<full name>.layout-meta.xml`, what `sf project retrieve start`
 * writes: an XML declaration, `<Layout xmlns="http://soap.sforce.com/2006/04/metadata">`, four-space indentation,
 * elements in the WSDL's order).
 */

/** A scalar as XML carries it: `true`, `2`, text. */
const scalarText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : JSON.stringify(v));

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

export type XmlElement = {
  name: string;
  /** Offset of `<` of the start tag. */
  start: number;
  /** Offset just after the start tag's `>`. */
  openEnd: number;
  /** Offset of `<` of the end tag (= openEnd for a self-closing element). */
  closeStart: number;
  /** Offset just after the end tag's `>`. */
  end: number;
  selfClosing: boolean;
  children: XmlElement[];
  parent?: XmlElement;
};

export class LayoutXmlError extends Error {}

const NAME = /^[A-Za-z_][\w.:-]*/;

/**
 * The element tree of an XML document: tags only, with their offsets. Comments, processing instructions, CDATA and
 * a DOCTYPE are skipped; text between tags is read from the offsets when needed. Throws on mismatched tags.
 */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', start: 0, openEnd: 0, closeStart: text.length, end: text.length, selfClosing: false, children: [] };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    const skipTo = (terminator: string): number => {
      const at = text.indexOf(terminator, lt);
      if (at === -1) throw new LayoutXmlError(`Unterminated markup at offset ${lt}`);
      return at + terminator.length;
    };
    if (text.startsWith('<!--', lt)) i = skipTo('-->');
    else if (text.startsWith('<![CDATA[', lt)) i = skipTo(']]>');
    else if (text.startsWith('<?', lt)) i = skipTo('?>');
    else if (text.startsWith('<!', lt)) i = skipTo('>');
    else if (text[lt + 1] === '/') {
      const gt = skipTo('>');
      const name = text.slice(lt + 2, gt - 1).trim();
      const open = stack.pop();
      if (!open || open === root || open.name !== name) throw new LayoutXmlError(`Unexpected </${name}> at offset ${lt}`);
      open.closeStart = lt;
      open.end = gt;
      i = gt;
    } else {
      const gt = tagEnd(text, lt);
      const name = NAME.exec(text.slice(lt + 1))?.[0];
      if (!name) throw new LayoutXmlError(`Malformed tag at offset ${lt}`);
      const parent = stack[stack.length - 1];
      const selfClosing = text[gt - 2] === '/';
      const element: XmlElement = { name, start: lt, openEnd: gt, closeStart: gt, end: gt, selfClosing, children: [], parent };
      parent.children.push(element);
      if (!selfClosing) stack.push(element);
      i = gt;
    }
  }
  if (stack.length !== 1) throw new LayoutXmlError(`<${stack[stack.length - 1].name}> is not closed`);
  return root;
}

/** The offset after the `>` that ends the tag starting at `lt`, skipping quoted attribute values. */
function tagEnd(text: string, lt: number): number {
  let quote: string | undefined;
  for (let j = lt + 1; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
  }
  throw new LayoutXmlError(`Unterminated tag at offset ${lt}`);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export const unescapeXml = (s: string): string =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]
  );

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** The text content of a leaf element (comments and CDATA handled), unescaped and trimmed. */
export function textOf(text: string, element: XmlElement): string {
  if (element.selfClosing) return '';
  const raw = text.slice(element.openEnd, element.closeStart).replace(/<!--[\s\S]*?-->/g, '');
  return raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : unescapeXml(part)))
    .join('')
    .trim();
}

/** The document's root element (`Layout`). */
export function documentElement(doc: XmlElement): XmlElement {
  const [first] = doc.children;
  if (!first) throw new LayoutXmlError('The file holds no XML element');
  return first;
}

/**
 * An element as the plain object the Metadata API's JSON form uses: child elements by name (repeated ones as an
 * array), leaves as their text. Attributes (e.g. xmlns, xsi:nil) are dropped.
 */
export function elementToObject(text: string, element: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    const value = child.children.length > 0 ? elementToObject(text, child) : textOf(text, child);
    const existing = out[child.name];
    if (existing === undefined) out[child.name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[child.name] = [existing, value];
  }
  return out;
}

/**
 * Metadata as a source-format file. `order` gives the keys of each value in the WSDL's order (`orderByWsdl`), so
 * the file deploys as it is; values are written in the order of their keys. Null, undefined and empty arrays are left
 * out, as `sf project retrieve` leaves out elements the org does not set.
 */
export function toSourceXml(type: string, value: Record<string, unknown>): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<${type} xmlns="${METADATA_NAMESPACE}">`];
  const write = (name: string, v: unknown, depth: number): void => {
    const pad = '    '.repeat(depth);
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      for (const item of v) write(name, item, depth);
      return;
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => !k.startsWith('$'));
      lines.push(`${pad}<${name}>`);
      for (const [k, child] of entries) write(k, child, depth + 1);
      lines.push(`${pad}</${name}>`);
      return;
    }
    lines.push(`${pad}<${name}>${escapeXml(scalarText(v))}</${name}>`);
  };
  for (const [k, v] of Object.entries(value)) {
    if (k === 'fullName' || k.startsWith('$')) continue;
    write(k, v, 1);
  }
  lines.push(`</${type}>`, '');
  return lines.join('\n');
}

/** A source-format (or Metadata API format) file's metadata as a plain object, without the root's attributes. */
export function fromSourceXml(text: string): Record<string, unknown> {
  return elementToObject(text, documentElement(parseXml(text)));
}

/**
 * Two layouts' metadata compared by meaning, whatever their source (jsforce's read, a file): scalars as strings,
 * a one-item list like the item, null / empty / missing the same, the order of keys ignored, the order of list items
 * kept (it is the order on the page). `fullName` and attribute keys (`$`) are left out.
 */
export function canonicalMetadata(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(canonicalMetadata).filter((v) => v !== undefined);
    if (items.length === 0) return undefined;
    return items.length === 1 ? items[0] : items;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== 'fullName' && !k.startsWith('$'))
      .map(([k, v]) => [k, canonicalMetadata(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  const s = scalarText(value);
  return s === '' ? undefined : s;
}

/** Whether two layouts' metadata mean the same (see canonicalMetadata). */
export const sameMetadata = (a: unknown, b: unknown): boolean => JSON.stringify(canonicalMetadata(a)) === JSON.stringify(canonicalMetadata(b));
