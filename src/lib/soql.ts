/**
 * SOQL literal helpers. Every value that comes from a user (usernames, names, labels) goes through `quote`,
 * so a username such as o'brien@acme.example cannot break out of its literal.
 */

/** Escapes a value for use inside a single-quoted SOQL string literal and adds the quotes. */
export function quote(value: string): string {
  // Order matters: escape the backslash first so the escapes added below are not doubled.
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `'${escaped}'`;
}

/** `('a','b')` for an IN clause; values are quoted. */
export function quoteList(values: readonly string[]): string {
  return `(${values.map(quote).join(',')})`;
}

/**
 * Splits values into groups whose quoted IN-list stays under `maxChars`, so that a GET query URI stays well under
 * Salesforce's ~16 KB limit even with hundreds of usernames, and that hold at most `maxCount` values.
 */
export function chunkForInClause(values: readonly string[], maxChars = 8000, maxCount = Infinity): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    const size = encodeURIComponent(quote(value)).length + 3;
    if (current.length > 0 && (length + size > maxChars || current.length >= maxCount)) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    current.push(value);
    length += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
