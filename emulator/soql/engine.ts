/**
 * SOQL execution over the in-memory org: select/where/order/limit/offset, parent paths,
 * child subqueries, semi-joins, COUNT() and simple aggregates, plus the Tooling quirks.
 */
import type { OrderByClause, Query, Subquery } from '@jetstreamapp/soql-parser-js';
import { ApiError } from '../errors.js';
import { asText } from '../util.js';
import type { OrgModel, SRecord } from '../model/org.js';
import type { SObjectType } from '../model/schema.js';
import { invalidChildRelationship, invalidType, locate, malformed, parseSoql } from './messages.js';
import { follow, idKey, resolvePath, typeOfParent, valueAt, type FieldPath } from './paths.js';
import { compareValues, compileWhere, conditions, evaluate, normalizeForCompare, type Expr } from './where.js';

export type Api = 'rest' | 'tooling';

export interface QueryContext {
  org: OrgModel;
  api: Api;
  /** The calling user; permission-dependent objects are hidden from users without access. */
  userId?: string;
  /** `66.0`, used in `attributes.url`. */
  version: string;
}

export interface QueryOutput {
  entityTypeName: string;
  records: Array<Record<string, unknown>>;
  totalSize: number;
  /** `SELECT COUNT() ...`: totalSize is the answer and records stay empty. */
  countOnly: boolean;
}

type Item =
  | { kind: 'field'; key: string; path: FieldPath }
  | { kind: 'label'; key: string; path: FieldPath }
  | { kind: 'child'; key: string; plan: Plan; childField: string; index?: Map<unknown, SRecord[]> }
  | { kind: 'aggregate'; key: string; fn: string; path?: FieldPath };

interface Order {
  path?: FieldPath;
  key?: string;
  desc: boolean;
  nullsFirst: boolean;
}

interface Plan {
  type: SObjectType;
  items: Item[];
  where?: Expr;
  order: Order[];
  limit?: number;
  offset?: number;
  aggregate: boolean;
  countOnly: boolean;
  groupBy: FieldPath[];
}

/** Parse, compile and run one SOQL statement. */
export function runQuery(ctx: QueryContext, soql: string): QueryOutput {
  const query = parseSoql(soql);
  const plan = compile(ctx, soql, query);
  const rows = execute(ctx, plan);
  enforceSingleRowFields(plan, rows.length);
  if (plan.countOnly) return { entityTypeName: plan.type.name, records: [], totalSize: rows.length, countOnly: true };
  const records = plan.aggregate ? aggregate(ctx, plan, rows) : rows.map((r) => render(ctx, plan, plan.type.name, r));
  return { entityTypeName: plan.aggregate ? 'AggregateResult' : plan.type.name, records, totalSize: records.length, countOnly: false };
}

// ---- compile ------------------------------------------------------------------------------------

function objectType(ctx: QueryContext, soql: string, name: string | undefined): SObjectType {
  const type = name ? ctx.org.schema.get(name) : undefined;
  const available = type && (ctx.api === 'tooling' ? type.tooling : type.rest) && type.queryable && ctx.org.canSee(ctx.userId, type);
  if (!type || !available) throw invalidType(soql, name ?? '');
  return type;
}

function compile(ctx: QueryContext, soql: string, query: Query): Plan {
  const type = objectType(ctx, soql, query.sObject);
  return compileFor(ctx, soql, query, type);
}

function compileFor(ctx: QueryContext, soql: string, query: Query | Subquery, type: SObjectType): Plan {
  const resolve = (raw: string): FieldPath => resolvePath(ctx.org, soql, type, raw);
  const fields = query.fields ?? [];
  const items: Item[] = [];
  const seen = new Set<string>();
  let exprIndex = 0;
  let countOnly = false;

  for (const item of fields) {
    switch (item.type) {
      case 'Field':
      case 'FieldRelationship': {
        const raw = item.type === 'Field' ? item.field : (item.rawValue ?? [...item.relationships, item.field].join('.'));
        const path = resolve(raw);
        const key = [...path.relationships, path.field.name].join('.').toLowerCase();
        if (seen.has(key)) throw malformed(soql, locate(soql, raw), `duplicate field selected: ${path.field.name}`);
        seen.add(key);
        items.push({ kind: 'field', key: 'alias' in item && item.alias ? item.alias : path.field.name, path });
        break;
      }
      case 'FieldSubquery': {
        const sub = item.subquery;
        const rel = ctx.org.schema.childRelationship(type.name, sub.relationshipName);
        const childType = rel ? ctx.org.schema.get(rel.childSObject) : undefined;
        if (!rel || !childType || !ctx.org.canSee(ctx.userId, childType)) throw invalidChildRelationship(soql, sub.relationshipName);
        items.push({ kind: 'child', key: rel.relationshipName, plan: compileFor(ctx, soql, sub, childType), childField: rel.field });
        break;
      }
      case 'FieldFunctionExpression': {
        const fn = item;
        const name = fn.functionName.toUpperCase();
        const param = typeof fn.parameters[0] === 'string' ? fn.parameters[0] : undefined;
        if (name === 'FIELDS' && param) {
          const which = param.toUpperCase();
          if (which !== 'STANDARD' && (query.limit === undefined || query.limit > 200)) {
            throw malformed(soql, locate(soql, 'FIELDS'), `The SOQL FIELDS function must have a LIMIT of at most 200`);
          }
          for (const f of type.fields) {
            if (which === 'ALL' || (which === 'CUSTOM') === f.custom) {
              const path = resolve(f.name);
              if (!seen.has(f.name.toLowerCase())) items.push({ kind: 'field', key: f.name, path });
              seen.add(f.name.toLowerCase());
            }
          }
        } else if (fn.isAggregateFn) {
          if (name === 'COUNT' && !param) {
            if (fields.length > 1) throw malformed(soql, locate(soql, 'COUNT'), 'unexpected token: COUNT');
            countOnly = true;
            break;
          }
          items.push({ kind: 'aggregate', key: fn.alias ?? `expr${exprIndex++}`, fn: name, path: param ? resolve(param) : undefined });
        } else if (param && (name === 'TOLABEL' || name === 'FORMAT' || name === 'CONVERTCURRENCY')) {
          const path = resolve(param);
          items.push({ kind: name === 'TOLABEL' ? 'label' : 'field', key: fn.alias ?? path.field.name, path });
        } else {
          throw malformed(soql, locate(soql, fn.functionName), `unexpected token: ${fn.functionName}`);
        }
        break;
      }
      default:
        throw malformed(soql, locate(soql, 'TYPEOF'), 'unexpected token: TYPEOF');
    }
  }

  if (query.having) throw malformed(soql, locate(soql, 'HAVING'), 'unexpected token: HAVING (not supported by the emulator)');
  const groupBy = (Array.isArray(query.groupBy) ? query.groupBy : query.groupBy ? [query.groupBy] : []).map((g) => {
    if (!('field' in g)) throw malformed(soql, locate(soql, 'GROUP'), 'unexpected token: GROUP BY function');
    return resolve(g.field);
  });
  const aggregate = groupBy.length > 0 || items.some((i) => i.kind === 'aggregate');
  if (aggregate) {
    for (const i of items) {
      if (i.kind === 'field' && !groupBy.some((g) => g.field === i.path.field && g.relationships.join('.') === i.path.relationships.join('.'))) {
        throw malformed(soql, locate(soql, i.path.raw), `Field must be grouped or aggregated: ${i.path.field.name}`);
      }
    }
  }

  const where = compileWhere(query.where, {
    soql,
    resolve,
    valueOf: (r, p) => valueAt(ctx.org, r, p),
    semiJoin: (inner) => {
      const innerType = objectType(ctx, soql, inner.sObject);
      const plan = compileFor(ctx, soql, inner, innerType);
      const only = plan.items[0];
      if (plan.items.length !== 1 || only.kind !== 'field') throw malformed(soql, locate(soql, 'SELECT'), 'unexpected token: semi join');
      return execute(ctx, plan).map((r) => valueAt(ctx.org, r, only.path));
    },
  });
  checkRequiredFilter(soql, type, where);

  const order = (Array.isArray(query.orderBy) ? query.orderBy : query.orderBy ? [query.orderBy] : []).map((o: OrderByClause): Order => {
    const desc = o.order === 'DESC';
    // Salesforce sorts nulls first ascending and last descending unless told otherwise.
    const nullsFirst = o.nulls ? o.nulls === 'FIRST' : !desc;
    if ('field' in o) {
      const alias = items.find((i) => i.kind === 'aggregate' && i.key.toLowerCase() === o.field.toLowerCase());
      if (aggregate && alias) return { key: alias.key, desc, nullsFirst };
      return { path: resolve(o.field), desc, nullsFirst };
    }
    const fnItem = items.find((i) => i.kind === 'aggregate' && i.fn === (o.fn.functionName ?? '').toUpperCase());
    if (!fnItem) throw malformed(soql, locate(soql, 'ORDER'), 'unexpected token: ORDER BY function');
    return { key: fnItem.key, desc, nullsFirst };
  });

  return {
    type,
    items,
    where,
    order,
    limit: type.ignoresLimit ? undefined : query.limit,
    offset: type.ignoresLimit ? undefined : query.offset,
    aggregate,
    countOnly,
    groupBy,
  };
}

/** FieldDefinition/EntityParticle refuse to scan every entity; these metadata views only filter on equality. */
function checkRequiredFilter(soql: string, type: SObjectType, where: Expr | undefined): void {
  if (type.ignoresLimit && conditions(where).some((c) => c.operator === '!=')) {
    throw malformed(soql, locate(soql, '!='), 'Only equals comparisons permitted');
  }
  if (!type.requiresFilter) return;
  const wanted = type.requiresFilter.map((f) => f.toLowerCase());
  const ok = conditions(where).some((c) => {
    const head = c.path.lookups[0]?.name ?? c.path.field.name;
    return wanted.includes(head.toLowerCase()) && ['=', 'IN'].includes(c.operator);
  });
  if (!ok) {
    const fields = type.requiresFilter.join(',');
    const message =
      type.requiresFilter.length === 1 && type.requiresFilter[0] === 'Id'
        ? `Implementation restriction: ${type.name} requires a filter by Id`
        : `${type.name}: a filter on a reified column is required [${fields}]`;
    throw new ApiError(400, 'MALFORMED_QUERY', message);
  }
}

function enforceSingleRowFields(plan: Plan, rows: number): void {
  const restricted = plan.items.some((i) => (i.kind === 'field' || i.kind === 'label') && i.path.field.singleRowOnly && i.path.lookups.length === 0);
  if (restricted && rows > 1) {
    throw new ApiError(
      400,
      'MALFORMED_QUERY',
      `When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: ${rows}`
    );
  }
}

// ---- execute ------------------------------------------------------------------------------------

function sortRows(ctx: QueryContext, rows: SRecord[], order: Order[]): SRecord[] {
  if (order.length === 0) return rows;
  const keyed = rows.map((r) => ({ r, keys: order.map((o) => (o.path ? normalizeForCompare(o.path.field, valueAt(ctx.org, r, o.path)) : r[o.key ?? ''])) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const o = order[i];
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === null && y === null) continue;
      if (x === null) return o.nullsFirst ? -1 : 1;
      if (y === null) return o.nullsFirst ? 1 : -1;
      const c = compareValues(x, y);
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
  return keyed.map((k) => k.r);
}

function page<T>(rows: T[], limit: number | undefined, offset: number | undefined): T[] {
  const start = offset ?? 0;
  return rows.slice(start, limit === undefined ? undefined : start + limit);
}

function execute(ctx: QueryContext, plan: Plan, scope?: SRecord[]): SRecord[] {
  const rows = (scope ?? ctx.org.records(plan.type.name, ctx.userId)).filter((r) => evaluate(plan.where, r));
  if (plan.aggregate) return rows;
  return page(sortRows(ctx, rows, plan.order), plan.limit, plan.offset);
}

// ---- render -------------------------------------------------------------------------------------

function attributes(ctx: QueryContext, typeName: string, record: SRecord): { type: string; url: string } {
  const type = ctx.org.schema.get(typeName);
  const base = ctx.api === 'tooling' || (type && !type.rest) ? 'tooling/sobjects' : 'sobjects';
  const id = type?.virtual ? asText(record.DurableId ?? record.Id) : record.Id;
  return { type: typeName, url: `/services/data/v${ctx.version}/${base}/${typeName}/${id}` };
}

export function renderValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object') return structuredClone(value);
  return value;
}

function render(ctx: QueryContext, plan: Plan, typeName: string, record: SRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributes(ctx, typeName, record) };
  for (const item of plan.items) {
    if (item.kind === 'child') {
      // Index the children once per query instead of scanning them for every parent row.
      if (!item.index) {
        item.index = new Map();
        for (const c of ctx.org.records(item.plan.type.name)) {
          const key = idKey(c[item.childField]);
          const list = item.index.get(key) ?? [];
          list.push(c);
          item.index.set(key, list);
        }
      }
      const children = item.index.get(record.Id) ?? [];
      const rows = execute(ctx, item.plan, children);
      out[item.key] =
        rows.length === 0
          ? null
          : { totalSize: rows.length, done: true, records: rows.map((c) => render(ctx, item.plan, item.plan.type.name, c)) };
      continue;
    }
    if (item.kind === 'aggregate') continue;
    placeField(ctx, out, record, item.path, item.key);
  }
  return out;
}

/** Put a (possibly dotted) field into the nested parent objects Salesforce returns. */
function placeField(ctx: QueryContext, out: Record<string, unknown>, record: SRecord, path: FieldPath, key: string): void {
  let target = out;
  let current: SRecord = record;
  for (let i = 0; i < path.lookups.length; i++) {
    const lookup = path.lookups[i];
    const rel = path.relationships[i];
    const parent = follow(ctx.org, lookup, current);
    if (!parent) {
      if (!(rel in target)) target[rel] = null;
      return;
    }
    let nested = target[rel] as Record<string, unknown> | null | undefined;
    if (!nested) {
      nested = { attributes: attributes(ctx, typeOfParent(ctx.org, lookup, parent), parent) };
      target[rel] = nested;
    }
    target = nested;
    current = parent;
  }
  target[path.lookups.length > 0 ? path.field.name : key] = renderValue(current[path.field.name]);
}

// ---- aggregates ---------------------------------------------------------------------------------

function aggregate(ctx: QueryContext, plan: Plan, rows: SRecord[]): Array<Record<string, unknown>> {
  const groups = new Map<string, SRecord[]>();
  for (const r of rows) {
    const key = JSON.stringify(plan.groupBy.map((g) => normalizeForCompare(g.field, valueAt(ctx.org, r, g))));
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  if (plan.groupBy.length === 0 && groups.size === 0) groups.set('[]', []);
  let out: Array<Record<string, unknown>> = [];
  for (const members of groups.values()) {
    const row: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const item of plan.items) {
      if (item.kind === 'field' || item.kind === 'label') {
        row[item.key] = members.length ? renderValue(valueAt(ctx.org, members[0], item.path)) : null;
      } else if (item.kind === 'aggregate') {
        row[item.key] = aggregateValue(ctx, item.fn, item.path, members);
      }
    }
    out.push(row);
  }
  if (plan.order.length) {
    out = sortRows(
      ctx,
      out.map((r): SRecord => ({ ...r, Id: '' })),
      plan.order.map((o) => (o.path ? { ...o, path: undefined, key: o.path.field.name } : o))
    ).map(({ Id: _id, ...rest }) => rest);
  }
  return page(out, plan.limit, plan.offset);
}

function aggregateValue(ctx: QueryContext, fn: string, path: FieldPath | undefined, rows: SRecord[]): unknown {
  const values = path ? rows.map((r) => valueAt(ctx.org, r, path)).filter((v) => v !== null && v !== undefined) : rows;
  switch (fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))).size;
    case 'SUM':
      return values.length ? values.reduce((s: number, v) => s + Number(v), 0) : null;
    case 'AVG':
      return values.length ? values.reduce((s: number, v) => s + Number(v), 0) / values.length : null;
    case 'MIN':
    case 'MAX': {
      if (!values.length) return null;
      const sorted = [...values].sort((a, b) => compareValues(a, b));
      return fn === 'MIN' ? sorted[0] : sorted[sorted.length - 1];
    }
    default:
      throw new ApiError(400, 'MALFORMED_QUERY', `unexpected token: ${fn}`);
  }
}

// ---- column metadata (`?columns=true`, used by `sf data query`) ---------------------------------

interface Column {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: Column[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

function apexType(type: string): string {
  switch (type) {
    case 'id':
    case 'reference':
      return 'Id';
    case 'boolean':
      return 'Boolean';
    case 'int':
      return 'Integer';
    case 'double':
    case 'percent':
    case 'currency':
      return 'Double';
    case 'date':
      return 'Date';
    case 'datetime':
      return 'Datetime';
    case 'complexvalue':
      return 'Object';
    default:
      return 'String';
  }
}

function column(name: string, display: string, overrides: Partial<Column> = {}): Column {
  return {
    aggregate: false,
    apexType: null,
    booleanType: false,
    columnName: name,
    custom: false,
    displayName: display,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    numberType: false,
    textType: false,
    updatable: false,
    ...overrides,
  };
}

function leafColumn(path: FieldPath, key: string, aggregate = false): Column {
  const f = path.field;
  const numeric = ['int', 'double', 'percent', 'currency'].includes(f.type);
  return column(path.lookups.length ? f.name : key, [...path.relationships, f.name].join('.'), {
    aggregate,
    apexType: apexType(f.type),
    booleanType: f.type === 'boolean',
    custom: f.custom,
    insertable: f.createable,
    numberType: numeric,
    textType: !numeric && f.type !== 'boolean' && f.type !== 'date' && f.type !== 'datetime',
    updatable: f.updateable,
  });
}

function planColumns(plan: Plan): Column[] {
  const out: Column[] = [];
  for (const item of plan.items) {
    if (item.kind === 'child') {
      out.push(column(item.key, item.key, { aggregate: true, joinColumns: planColumns(item.plan) }));
    } else if (item.kind === 'aggregate') {
      const display = `${item.fn}(${item.path ? [...item.path.relationships, item.path.field.name].join('.') : ''})`;
      out.push(column(item.key, display, { aggregate: true, apexType: item.fn.startsWith('COUNT') ? 'Integer' : 'Double', numberType: true }));
    } else {
      let target = out;
      item.path.relationships.forEach((rel, i) => {
        let parent = target.find((c) => c.columnName === rel && c.joinColumns.length > 0);
        if (!parent) {
          parent = column(rel, item.path.relationships.slice(0, i + 1).join('.'), { foreignKeyName: item.path.lookups[i].name });
          target.push(parent);
        }
        target = parent.joinColumns;
      });
      target.push(leafColumn(item.path, item.key, plan.aggregate));
    }
  }
  return out;
}

/** Column metadata Salesforce returns for `?q=...&columns=true`. */
export function queryColumns(ctx: QueryContext, soql: string): Record<string, unknown> {
  const plan = compile(ctx, soql, parseSoql(soql));
  return {
    columnMetadata: planColumns(plan),
    entityName: plan.aggregate ? 'AggregateResult' : plan.type.name,
    groupBy: plan.groupBy.length > 0,
    idSelected: plan.items.some((i) => i.kind === 'field' && i.path.lookups.length === 0 && i.path.field.name === 'Id'),
    keyPrefix: plan.aggregate ? null : plan.type.keyPrefix,
  };
}
