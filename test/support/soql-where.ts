/**
 * What a SOQL WHERE clause compares a field with, read with the SOQL parser the emulator uses
 * (`@jetstreamapp/soql-parser-js`), so a test can check the values a query sends (semi-join subqueries included).
 */
import { parseQuery, type Query, type WhereClause } from '@jetstreamapp/soql-parser-js';

type Condition = { field?: string; operator?: string; value?: string | string[]; valueQuery?: Query };

function conditions(where: WhereClause | undefined): Condition[] {
  if (!where) return [];
  const left = where.left as Condition | null | undefined;
  const nested = left?.valueQuery ? conditions(left.valueQuery.where) : [];
  const right = 'right' in where ? where.right : undefined;
  return [...(left ? [left] : []), ...nested, ...conditions(right)];
}

/** `'o\'brien'` → `o'brien` */
const unquote = (literal: string): string => literal.replace(/^'|'$/g, '').replace(/\\(.)/g, '$1');

function find(soql: string, field: string, operator: string): Condition | undefined {
  const same = (f: string | undefined): boolean => f?.toLowerCase() === field.toLowerCase();
  return conditions(parseQuery(soql).where).find((c) => same(c.field) && c.operator?.toUpperCase() === operator && c.value !== undefined);
}

/** The string literals of the query's `Field IN (…)` list; undefined without such a list. */
export function inList(soql: string, field: string): string[] | undefined {
  const value = find(soql, field, 'IN')?.value;
  return value === undefined ? undefined : (Array.isArray(value) ? value : [value]).map(unquote);
}

/** The string literal of the query's `Field = '…'`; undefined without such a condition. */
export function literalAfter(soql: string, field: string): string | undefined {
  const value = find(soql, field, '=')?.value;
  return typeof value === 'string' ? unquote(value) : undefined;
}
