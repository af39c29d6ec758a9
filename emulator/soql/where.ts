/**
 * WHERE clauses. The parser returns a right-leaning chain with paren counters rather than a tree,
 * so the chain is flattened to tokens and re-parsed with NOT > AND > OR precedence.
 */
import type { Condition, Query, WhereClause } from '@jetstreamapp/soql-parser-js';
import { ApiError } from '../errors.js';
import { isWellFormedId } from '../ids.js';
import { asText } from '../util.js';
import type { SRecord } from '../model/org.js';
import type { FieldDef } from '../model/schema.js';
import { caretMessage, locate, malformed } from './messages.js';
import { idKey, isIdType, type FieldPath } from './paths.js';

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'cond'; test: (record: SRecord) => boolean; path: FieldPath; operator: string };

export interface WhereCompiler {
  soql: string;
  resolve(raw: string): FieldPath;
  valueOf(record: SRecord, path: FieldPath): unknown;
  /** Values selected by a semi-join subquery (`Id IN (SELECT ProfileId FROM User ...)`). */
  semiJoin(query: Query): unknown[];
}

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | { cond: Condition & { field?: string; valueQuery?: Query } };

function flatten(clause: WhereClause | undefined, out: Token[]): Token[] {
  if (!clause) return out;
  const left = clause.left as (Condition & { openParen?: number; closeParen?: number; field?: string; fn?: unknown }) | null;
  const isCondition = left !== null && ('field' in left || 'fn' in left);
  if (left) for (let i = 0; i < (left.openParen ?? 0); i++) out.push('(');
  if (isCondition) {
    out.push({ cond: left });
    for (let i = 0; i < (left.closeParen ?? 0); i++) out.push(')');
  }
  if ('operator' in clause && clause.operator) out.push(clause.operator);
  if ('right' in clause) flatten(clause.right, out);
  return out;
}

export function compileWhere(where: WhereClause | undefined, c: WhereCompiler): Expr | undefined {
  if (!where) return undefined;
  const tokens = flatten(where, []);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (): never => {
    throw malformed(c.soql, c.soql.length, 'unexpected token: <EOF>');
  };
  const parseOr = (): Expr => {
    let left = parseAnd();
    while (peek() === 'OR') {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expr => {
    let left = parseUnary();
    while (peek() === 'AND') {
      pos++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Expr => {
    const t = tokens[pos++];
    if (t === 'NOT') return { kind: 'not', expr: parseUnary() };
    if (t === '(') {
      const inner = parseOr();
      if (tokens[pos++] !== ')') fail();
      return inner;
    }
    if (t === undefined || typeof t === 'string') return fail();
    return compileCondition(t.cond, c);
  };
  const expr = parseOr();
  if (pos !== tokens.length) fail();
  return expr;
}

export function evaluate(expr: Expr | undefined, record: SRecord): boolean {
  if (!expr) return true;
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, record) && evaluate(expr.right, record);
    case 'or':
      return evaluate(expr.left, record) || evaluate(expr.right, record);
    case 'not':
      return !evaluate(expr.expr, record);
    default:
      return expr.test(record);
  }
}

/** Every condition in the tree (for checks such as "FieldDefinition needs an EntityDefinition filter"). */
export function conditions(expr: Expr | undefined): Array<Extract<Expr, { kind: 'cond' }>> {
  if (!expr) return [];
  if (expr.kind === 'cond') return [expr];
  if (expr.kind === 'not') return conditions(expr.expr);
  return [...conditions(expr.left), ...conditions(expr.right)];
}

// ---- literals -----------------------------------------------------------------------------------

type Range = { start: number; end: number };
type Literal = null | string | number | boolean | Range;

function isRange(v: Literal): v is Range {
  return typeof v === 'object' && v !== null;
}

/** `'O\'Brien'` → `O'Brien`. LIKE patterns keep `\%` and `\_` escaped for the matcher. */
export function unquote(raw: string, keepLikeEscapes = false): string {
  const body = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw;
  return body.replace(/\\(.)/g, (_m, ch: string) => {
    if (keepLikeEscapes && (ch === '%' || ch === '_')) return `\\${ch}`;
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[ch] ?? ch;
  });
}

const DAY = 86_400_000;

function utcMidnight(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Date literals (`TODAY`, `LAST_N_DAYS:30`, ...) as [start, end) ranges in UTC. */
function dateLiteralRange(literal: string, n: number): Range | undefined {
  const today = utcMidnight(new Date());
  const now = new Date();
  const month = (offset: number): Range => {
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1);
    return { start, end: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset + 1, 1) };
  };
  const year = (offset: number): Range => ({
    start: Date.UTC(now.getUTCFullYear() + offset, 0, 1),
    end: Date.UTC(now.getUTCFullYear() + offset + 1, 0, 1),
  });
  switch (literal.split(':')[0].toUpperCase()) {
    case 'TODAY':
      return { start: today, end: today + DAY };
    case 'YESTERDAY':
      return { start: today - DAY, end: today };
    case 'TOMORROW':
      return { start: today + DAY, end: today + 2 * DAY };
    case 'LAST_N_DAYS':
      return { start: today - n * DAY, end: today + DAY };
    case 'NEXT_N_DAYS':
      return { start: today + DAY, end: today + (n + 1) * DAY };
    case 'N_DAYS_AGO':
      return { start: today - n * DAY, end: today - (n - 1) * DAY };
    case 'LAST_90_DAYS':
      return { start: today - 90 * DAY, end: today + DAY };
    case 'NEXT_90_DAYS':
      return { start: today + DAY, end: today + 91 * DAY };
    case 'THIS_MONTH':
      return month(0);
    case 'LAST_MONTH':
      return month(-1);
    case 'NEXT_MONTH':
      return month(1);
    case 'THIS_YEAR':
      return year(0);
    case 'LAST_YEAR':
      return year(-1);
    case 'NEXT_YEAR':
      return year(1);
    default:
      return undefined;
  }
}

function toMillis(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function literalFor(c: WhereCompiler, field: FieldDef, raw: string, type: string | undefined, n: number | undefined): Literal {
  switch (type) {
    case 'NULL':
      return null;
    case 'BOOLEAN':
      return raw.toUpperCase() === 'TRUE';
    case 'INTEGER':
    case 'DECIMAL':
    case 'INTEGER_WITH_CURRENCY_PREFIX':
    case 'DECIMAL_WITH_CURRENCY_PREFIX':
      return Number(raw.replace(/^[A-Z]{3}/, ''));
    case 'DATE':
    case 'DATETIME':
      return toMillis(raw) ?? raw;
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL': {
      const range = dateLiteralRange(raw, n ?? 0);
      if (!range) throw malformed(c.soql, locate(c.soql, raw.split(':')[0]), `unexpected token: ${raw}`);
      return range;
    }
    default: {
      const s = unquote(raw);
      if (isIdType(field) && !isWellFormedId(s)) {
        throw new ApiError(400, 'INVALID_QUERY_FILTER_OPERATOR', caretMessage(c.soql, Math.max(0, c.soql.indexOf(raw)), `invalid ID field: ${s}`));
      }
      return s;
    }
  }
}

// ---- comparisons --------------------------------------------------------------------------------

function normalize(field: FieldDef, v: unknown): unknown {
  if (v === undefined || v === '') return null;
  if (isIdType(field)) return idKey(v);
  if (field.type === 'date' || field.type === 'datetime') return toMillis(v) ?? v;
  if (typeof v === 'string') return v.toLowerCase();
  return v;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a).localeCompare(String(b));
}

function test(field: FieldDef, operator: string, actualRaw: unknown, literal: Literal): boolean {
  let actual = normalize(field, actualRaw);
  if (field.type === 'boolean' && actual === null) actual = false;
  if (literal === null) {
    if (operator === '=') return actual === null;
    if (operator === '!=') return actual !== null;
    return false;
  }
  if (isRange(literal)) {
    if (typeof actual !== 'number') return operator === '!=';
    switch (operator) {
      case '=':
        return actual >= literal.start && actual < literal.end;
      case '!=':
        return actual < literal.start || actual >= literal.end;
      case '<':
        return actual < literal.start;
      case '<=':
        return actual < literal.end;
      case '>':
        return actual >= literal.end;
      case '>=':
        return actual >= literal.start;
      default:
        return false;
    }
  }
  const expected = normalize(field, literal);
  if (actual === null) return operator === '!=';
  switch (operator) {
    case '=':
      return compare(actual, expected) === 0;
    case '!=':
      return compare(actual, expected) !== 0;
    case '<':
      return compare(actual, expected) < 0;
    case '<=':
      return compare(actual, expected) <= 0;
    case '>':
      return compare(actual, expected) > 0;
    case '>=':
      return compare(actual, expected) >= 0;
    default:
      return false;
  }
}

/** LIKE: `%` any run, `_` one character, `\%`/`\_` literal; case-insensitive. */
export function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

function compileCondition(cond: Condition & { field?: string; valueQuery?: Query }, c: WhereCompiler): Expr {
  if (!cond.field) throw malformed(c.soql, 0, 'unexpected token: function in WHERE clause is not supported by the emulator');
  const path = c.resolve(cond.field);
  const field = path.field;
  const operator = (cond as { operator: string }).operator.toUpperCase();
  const literalType = (cond as { literalType?: string | string[] }).literalType;
  const rawValue = (cond as { value?: string | string[] }).value;
  const nVar = (cond as { dateLiteralVariable?: number | number[] }).dateLiteralVariable;
  const get = (r: SRecord): unknown => c.valueOf(r, path);
  const node = (t: (r: SRecord) => boolean): Expr => ({ kind: 'cond', test: t, path, operator });

  if (!field.filterable) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      caretMessage(c.soql, locate(c.soql, cond.field), `field '${field.name}' can not be filtered in a query call`)
    );
  }

  if (cond.valueQuery) {
    const wanted = new Set(c.semiJoin(cond.valueQuery).map((v) => normalize(field, v)));
    const negate = operator === 'NOT IN';
    return node((r) => wanted.has(normalize(field, get(r))) !== negate);
  }

  const typeAt = (i: number): string | undefined => (Array.isArray(literalType) ? literalType[i] : literalType);
  const nAt = (i: number): number | undefined => (Array.isArray(nVar) ? nVar[i] : nVar);

  if (operator === 'IN' || operator === 'NOT IN') {
    const list = (Array.isArray(rawValue) ? rawValue : [rawValue ?? '']).map((v, i) => literalFor(c, field, v, typeAt(i), nAt(i)));
    const negate = operator === 'NOT IN';
    if (list.every((l) => l !== null && !isRange(l))) {
      // Plain values: one set lookup per row (lists of hundreds of usernames are common).
      const wanted = new Set(list.map((l) => normalize(field, l)));
      return node((r) => {
        let actual = normalize(field, get(r));
        if (field.type === 'boolean' && actual === null) actual = false;
        const hit = actual !== null && wanted.has(actual);
        return negate ? !hit : hit;
      });
    }
    return node((r) => {
      const actual = get(r);
      const hit = list.some((l) => test(field, '=', actual, l));
      return negate ? !hit : hit;
    });
  }
  if (operator === 'INCLUDES' || operator === 'EXCLUDES') {
    const list = (Array.isArray(rawValue) ? rawValue : [rawValue ?? '']).map((v) => unquote(v).toLowerCase());
    return node((r) => {
      const actual = get(r);
      const values = typeof actual === 'string' ? actual.toLowerCase().split(';') : [];
      const hit = list.some((entry) => entry.split(';').every((part) => values.includes(part)));
      return operator === 'INCLUDES' ? hit : !hit;
    });
  }
  const raw = Array.isArray(rawValue) ? rawValue[0] : (rawValue ?? '');
  if (operator === 'LIKE') {
    const re = likeToRegExp(unquote(raw, true));
    return node((r) => {
      const actual = get(r);
      return actual != null && re.test(asText(actual));
    });
  }
  const literal = literalFor(c, field, raw, typeAt(0), nAt(0));
  return node((r) => test(field, operator, get(r), literal));
}

export { compare as compareValues, normalize as normalizeForCompare };
