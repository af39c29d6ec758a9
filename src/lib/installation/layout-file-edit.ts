import { wsdlSequence } from '../org/metadata-order.js';
import { documentElement, escapeXml, LayoutXmlError, parseXml, textOf, type XmlElement } from './layout-xml.js';

/**
 * The package's fields added to a layout file in place: the file is kept byte for byte (XML declaration, comments,
 * line endings, indentation, a missing final newline) and only new lines are inserted, so `git diff` shows added
 * lines only. The items go where `planLayoutFields` puts them in the org: at the end of the first column of the first
 * section that is not "Custom Links", as `<layoutItems><behavior>Edit</behavior><field>…</field></layoutItems>`
 * (LayoutItem's WSDL order: behavior before field), indented like their neighbours.
 */

// The WSDL's sequences, from the schema jsforce ships (org/metadata-order.ts), so a new element lands where Salesforce
// expects it: a section before the first Layout element that follows layoutSections, items before a section's style.
const SECTION_ORDER = wsdlSequence('LayoutSection');
const LAYOUT_ORDER = wsdlSequence('Layout');
const AFTER_SECTIONS = LAYOUT_ORDER.slice(LAYOUT_ORDER.indexOf('layoutSections') + 1);

export type LayoutFileEdit = { text: string; added: string[]; alreadyPresent: string[] };

const childrenNamed = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

/** The fields a layout file's sections show (lower case), e.g. from `<layoutItems><field>Subject</field>`. */
export function fieldsInLayout(text: string, root: XmlElement = documentElement(parseXml(text))): Set<string> {
  const fields = new Set<string>();
  for (const section of childrenNamed(root, 'layoutSections')) {
    for (const column of childrenNamed(section, 'layoutColumns')) {
      for (const item of childrenNamed(column, 'layoutItems')) {
        for (const field of childrenNamed(item, 'field')) fields.add(textOf(text, field).toLowerCase());
      }
    }
  }
  return fields;
}

/** The whitespace before an element on its line, or undefined when something else precedes it there. */
function indentOf(text: string, el: XmlElement): string | undefined {
  const lineStart = text.lastIndexOf('\n', el.start - 1) + 1;
  const before = text.slice(lineStart, el.start);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/** The layout file with the missing fields added (see above), and which fields were added or already there. */
export function addFieldsToLayoutFile(text: string, fields: readonly string[]): LayoutFileEdit {
  const root = documentElement(parseXml(text));
  if (root.name !== 'Layout') throw new LayoutXmlError(`The root element is <${root.name}>, not <Layout>`);
  const present = fieldsInLayout(text, root);
  const added = fields.filter((f) => !present.has(f.toLowerCase()));
  const alreadyPresent = fields.filter((f) => present.has(f.toLowerCase()));
  if (added.length === 0) return { text, added, alreadyPresent };

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = guessUnit(text, root);
  const rootIndent = (root.children[0] && indentOf(text, root.children[0])) ?? unit;
  const items = (indent: string, childIndent: string): string[] =>
    added.flatMap((f) => [`${indent}<layoutItems>`, `${childIndent}<behavior>Edit</behavior>`, `${childIndent}<field>${escapeXml(f)}</field>`, `${indent}</layoutItems>`]);

  /** New lines right after the line holding `at`'s end (or at its end when more follows on that line). */
  const after = (at: XmlElement, block: string[]): string => {
    let cut = text.indexOf('\n', at.end);
    if (cut === -1) cut = text.length;
    else if (text[cut - 1] === '\r') cut -= 1;
    if (!/^[ \t]*(<!--[\s\S]*?-->[ \t]*)*$/.test(text.slice(at.end, cut))) cut = at.end;
    return text.slice(0, cut) + eol + block.join(eol) + text.slice(cut);
  };
  /** New lines right before the line holding `at`'s start (or just before it when something precedes it there). */
  const before = (at: XmlElement, block: string[]): string => {
    const indent = indentOf(text, at);
    if (indent === undefined) return text.slice(0, at.start) + block.join(eol) + eol + text.slice(at.start);
    const lineStart = at.start - indent.length;
    return text.slice(0, lineStart) + block.join(eol) + eol + text.slice(lineStart);
  };

  const sections = childrenNamed(root, 'layoutSections');
  const section = sections.find((s) => childrenNamed(s, 'style').every((st) => textOf(text, st) !== 'CustomLinks'));
  if (!section) {
    // No section for fields: a new one-column section "OnceHub" first among the sections, as planLayoutFields does.
    const si = rootIndent;
    const ci = si + unit;
    const block = [
      `${si}<layoutSections>`,
      `${ci}<detailHeading>true</detailHeading>`,
      `${ci}<editHeading>true</editHeading>`,
      `${ci}<label>OnceHub</label>`,
      `${ci}<layoutColumns>`,
      ...items(ci + unit, ci + unit + unit),
      `${ci}</layoutColumns>`,
      `${ci}<style>OneColumn</style>`,
      `${si}</layoutSections>`,
    ];
    const next = sections[0] ?? root.children.find((c) => AFTER_SECTIONS.includes(c.name));
    if (next) return { text: before(next, block), added, alreadyPresent };
    return { text: before({ ...root, start: root.closeStart }, block), added, alreadyPresent };
  }

  const sectionIndent = indentOf(text, section) ?? rootIndent;
  const column = childrenNamed(section, 'layoutColumns')[0];
  if (!column) {
    const ci = sectionIndent + unit;
    const block = [`${ci}<layoutColumns>`, ...items(ci + unit, ci + unit + unit), `${ci}</layoutColumns>`];
    const next = section.children.find((c) => SECTION_ORDER.indexOf(c.name) > SECTION_ORDER.indexOf('layoutColumns'));
    return { text: before(next ?? { ...section, start: section.closeStart }, block), added, alreadyPresent };
  }
  const columnIndent = indentOf(text, column) ?? sectionIndent + unit;
  const last = childrenNamed(column, 'layoutItems').at(-1);
  if (last) {
    const itemIndent = indentOf(text, last) ?? columnIndent + unit;
    const childIndent = (last.children[0] && indentOf(text, last.children[0])) ?? itemIndent + unit;
    return { text: after(last, items(itemIndent, childIndent)), added, alreadyPresent };
  }
  const itemIndent = columnIndent + unit;
  const block = items(itemIndent, itemIndent + unit);
  if (column.selfClosing) {
    // `<layoutColumns/>` has to be opened: the one line that changes.
    const replaced = `<layoutColumns>${eol}${block.join(eol)}${eol}${columnIndent}</layoutColumns>`;
    return { text: text.slice(0, column.start) + replaced + text.slice(column.end), added, alreadyPresent };
  }
  const first = column.children[0];
  if (first) return { text: before(first, block), added, alreadyPresent };
  return { text: before({ ...column, start: column.closeStart }, block), added, alreadyPresent };
}

/** The file's indentation step: the difference between the root's first child and its first grandchild, else 4 spaces. */
function guessUnit(text: string, root: XmlElement): string {
  const child = root.children.find((c) => c.children.length > 0);
  const a = child && indentOf(text, child);
  const b = child?.children[0] && indentOf(text, child.children[0]);
  if (a !== undefined && b !== undefined && b.startsWith(a) && b.length > a.length) return b.slice(a.length);
  return a && a.length > 0 ? a : '    ';
}
