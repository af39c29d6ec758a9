/**
 * SOQL error messages in Salesforce's shape: the query line, a caret under the offending token,
 * `ERROR at Row:R:Column:C`, then the reason.
 */
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import { ApiError } from '../errors.js';

interface Token {
  text: string;
  start: number;
  end: number;
}

const TOKEN = /\s+|'(?:\\.|[^'\\])*'?|[A-Za-z0-9_.:+\-$]+|!=|<=|>=|./gy;
const KEYWORDS = new Set(
  'select from where and or not in like limit offset order by group having with asc desc nulls first last null true false includes excludes for using scope typeof'.split(
    ' '
  )
);

export function tokenize(soql: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(soql)) !== null) {
    if (!/^\s+$/.test(m[0])) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    if (m[0].length === 0) break;
  }
  return out;
}

/** `\n<line>\n   ^\nERROR at Row:R:Column:C\n<reason>` for a character offset in the query. */
export function caretMessage(soql: string, offset: number, reason: string): string {
  const before = soql.slice(0, offset);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', lineStart);
  const line = soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const column = offset - lineStart + 1;
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${reason}`;
}

/**
 * Offset of an identifier (case-insensitive, whole token, outside string literals).
 * With `afterFrom`, prefer an occurrence that directly follows FROM (object names).
 */
export function locate(soql: string, text: string, afterFrom = false): number {
  const tokens = tokenize(soql);
  const wanted = text.toLowerCase();
  if (afterFrom) {
    const fromMatch = tokens.find((t, i) => i > 0 && tokens[i - 1].text.toLowerCase() === 'from' && t.text.toLowerCase() === wanted);
    if (fromMatch) return fromMatch.start;
  }
  const exact = tokens.find((t) => t.text.toLowerCase() === wanted);
  if (exact) return exact.start;
  // A segment of a dotted path (`Profile.Bogus`): point at the segment itself.
  for (const t of tokens) {
    const at = `.${t.text.toLowerCase()}.`.indexOf(`.${wanted}.`);
    if (at !== -1) return t.start + at;
  }
  return 0;
}

export function malformed(soql: string, offset: number, reason: string): ApiError {
  return new ApiError(400, 'MALFORMED_QUERY', caretMessage(soql, offset, reason));
}

export function invalidField(soql: string, fieldText: string, entity: string, column: string): ApiError {
  return new ApiError(
    400,
    'INVALID_FIELD',
    caretMessage(
      soql,
      locate(soql, fieldText),
      `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
    )
  );
}

export function invalidRelationship(soql: string, fieldText: string, relationship: string): ApiError {
  return new ApiError(
    400,
    'INVALID_FIELD',
    caretMessage(
      soql,
      locate(soql, fieldText),
      `Didn't understand relationship '${relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
    )
  );
}

export function invalidChildRelationship(soql: string, relationship: string): ApiError {
  return new ApiError(
    400,
    'INVALID_TYPE',
    caretMessage(
      soql,
      locate(soql, relationship, true),
      `Didn't understand relationship '${relationship}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
    )
  );
}

export function invalidType(soql: string, objectName: string): ApiError {
  return new ApiError(
    400,
    'INVALID_TYPE',
    caretMessage(
      soql,
      locate(soql, objectName, true),
      `sObject type '${objectName}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
    )
  );
}

function parseErrorAtEnd(message: string): boolean {
  return /found:? (-->\s*)?''/.test(message);
}

/** Parse with the library, turning its errors into Salesforce's MALFORMED_QUERY with a caret. */
export function parseSoql(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch {
    const tokens = tokenize(soql);
    // The library reports no position: find the first token whose prefix already fails to parse.
    let bad = -1;
    for (let i = 0; i < tokens.length; i++) {
      try {
        parseQuery(soql.slice(0, tokens[i].end));
      } catch (prefixError) {
        if (!parseErrorAtEnd((prefixError as Error).message)) {
          bad = i;
          break;
        }
      }
    }
    if (bad === -1) return raise(soql, soql.length, 'unexpected token: <EOF>');
    // `SELECT Id FRM Account`: the library takes FRM for an alias; Salesforce blames FRM.
    const isWord = (t: Token | undefined): boolean => !!t && /^[A-Za-z_]\w*$/.test(t.text) && !KEYWORDS.has(t.text.toLowerCase());
    const seenFrom = tokens.slice(0, bad).some((t) => t.text.toLowerCase() === 'from');
    if (!seenFrom && bad >= 2 && isWord(tokens[bad - 1]) && isWord(tokens[bad - 2])) bad -= 1;
    return raise(soql, tokens[bad].start, `unexpected token: ${tokens[bad].text}`);
  }
}

function raise(soql: string, offset: number, reason: string): never {
  throw malformed(soql, offset, reason);
}
