/**
 * Metadata API full names of page layouts: `<object>-<namespace>__<encoded name>`.
 *
 * The Metadata API percent-encodes (UTF-8 bytes, uppercase hex) some characters of a layout's name, and a double
 * underscore, while spaces, `-`, `*`, a single `_` and letters (also non-ASCII letters) stay: Salesforce's own
 * standard layouts are `Account-Account %28Marketing%29 Layout`, source-deploy-retrieve's test data has
 * `Layout-v1%2E1 Layout`, and `readMetadata` finds a layout only by its encoded name (forcedotcom/cli#2869); any other
 * spelling answers an empty record (certinia/apex-mdapi#91). A layout installed by a managed package carries its
 * namespace on the layout part: `Event-ns__Layout Name` (certinia/apex-mdapi#307, hardisgroupcom/sfdx-hardis#1533).
 */

/** The characters the Metadata API percent-encodes in a layout's name (a double underscore is handled apart). */
const ENCODED = new Set([...'^°!"§$%&/()=?´`+@#\'<>[]\\,;.:']);

const percent = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** The name part of a layout's full name as the Metadata API spells it, e.g. `Event Layout %28Sales %26 Service%29`. */
export function encodeLayoutName(name: string): string {
  let out = '';
  const chars = [...name];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '_' && chars[i + 1] === '_') {
      out += '%5F%5F';
      i++;
    } else out += ENCODED.has(c) ? percent(c) : c;
  }
  return out;
}

/** The plain name of an encoded name part (the inverse of encodeLayoutName; an invalid escape is kept as written). */
export function decodeLayoutName(encoded: string): string {
  return encoded.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * The full name of a layout: `Event-Event Layout %28Sales%29`, or `Event-ns__Layout Name` for a layout of a managed
 * package (namespacePrefix set). The object part is used as given.
 */
export function layoutFullName(object: string, name: string, namespacePrefix?: string | null): string {
  const ns = namespacePrefix?.trim() ? `${namespacePrefix.trim()}__` : '';
  return `${object}-${ns}${encodeLayoutName(name)}`;
}

/**
 * A namespace prefix in front of the name part: a letter, then letters, digits and single underscores, then `__`.
 * A double underscore of the name itself is encoded (`%5F%5F`), so the first `__` of the name part is a namespace's.
 */
const NAMESPACED = /^([A-Za-z](?:[A-Za-z0-9]|_(?!_))*)__(.*)$/s;

/** The parts of a layout full name (the object is what precedes the first `-`; the name is decoded). */
export function parseLayoutFullName(fullName: string): { object: string; namespacePrefix?: string; name: string } {
  const dash = fullName.indexOf('-');
  const object = dash < 0 ? '' : fullName.slice(0, dash);
  const rest = dash < 0 ? fullName : fullName.slice(dash + 1);
  const ns = NAMESPACED.exec(rest);
  if (ns) return { object, namespacePrefix: ns[1], name: decodeLayoutName(ns[2]) };
  return { object, name: decodeLayoutName(rest) };
}
