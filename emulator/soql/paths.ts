/**
 * Field paths (`Profile.UserLicense.Name`): resolution against the schema (with Salesforce's errors)
 * and traversal over the records (outer-join semantics: a missing parent yields null).
 */
import { to18 } from '../ids.js';
import type { OrgModel, SRecord } from '../model/org.js';
import type { FieldDef, SObjectType } from '../model/schema.js';
import { invalidField, invalidRelationship } from './messages.js';

export interface FieldPath {
  /** Text as written in the query. */
  raw: string;
  /** Lookup fields walked through, root first (`ProfileId`, `UserLicenseId`). */
  lookups: FieldDef[];
  /** Canonical relationship names (`Profile`, `UserLicense`). */
  relationships: string[];
  /** The final field; for polymorphic lookups, the definition on the first type that has it. */
  field: FieldDef;
  /** Entity name Salesforce uses in messages about the final field. */
  entity: string;
}

export function resolvePath(org: OrgModel, soql: string, root: SObjectType, raw: string): FieldPath {
  const parts = raw.split('.');
  // `SELECT User.Name FROM User`: a leading object name is allowed and ignored.
  if (parts.length > 1 && parts[0].toLowerCase() === root.name.toLowerCase() && !root.relationship(parts[0])) parts.shift();
  let types: SObjectType[] = [root];
  const lookups: FieldDef[] = [];
  const relationships: string[] = [];
  for (const segment of parts.slice(0, -1)) {
    const lookup = types.map((t) => t.relationship(segment)).find((f) => f !== undefined);
    if (!lookup) throw invalidRelationship(soql, raw, segment);
    lookups.push(lookup);
    relationships.push(lookup.relationshipName ?? segment);
    types = lookup.referenceTo.map((r) => org.schema.get(r)).filter((t): t is SObjectType => t !== undefined);
    if (types.length === 0) throw invalidRelationship(soql, raw, segment);
  }
  const last = parts[parts.length - 1];
  const polymorphic = lookups.length > 0 && lookups[lookups.length - 1].referenceTo.length > 1;
  const field = types.map((t) => t.field(last)).find((f) => f !== undefined);
  const entity = polymorphic ? 'Name' : types[0].name;
  if (!field) throw invalidField(soql, raw, entity, last);
  return { raw, lookups, relationships, field, entity };
}

/** The parent record a lookup points at, or undefined (null lookup, dangling id). */
export function follow(org: OrgModel, lookup: FieldDef, record: SRecord): SRecord | undefined {
  const value = record[lookup.name];
  if (value == null || value === '') return undefined;
  if (lookup.referenceKey) {
    const key = lookup.referenceKey;
    for (const target of lookup.referenceTo) {
      const hit = org.records(target).find((r) => r[key] === value);
      if (hit) return hit;
    }
    return undefined;
  }
  if (lookup.referenceTo.length === 1) return org.get(lookup.referenceTo[0], value);
  return org.find(value)?.record;
}

/** The sObject type of a record reached through a lookup (matters for polymorphic lookups). */
export function typeOfParent(org: OrgModel, lookup: FieldDef, parent: SRecord): string {
  if (lookup.referenceTo.length === 1) return lookup.referenceTo[0];
  return org.find(parent.Id)?.type.name ?? lookup.referenceTo[0];
}

/** Value at the end of a path; null when any parent on the way is missing. */
export function valueAt(org: OrgModel, record: SRecord, path: FieldPath): unknown {
  let current: SRecord | undefined = record;
  for (const lookup of path.lookups) {
    current = follow(org, lookup, current);
    if (!current) return null;
  }
  const v = current[path.field.name];
  return v === undefined ? null : v;
}

export function isIdType(f: FieldDef): boolean {
  return (f.type === 'id' || f.type === 'reference') && !f.referenceKey;
}

/** Canonical id for comparisons: 18 chars for anything id-shaped, the raw value otherwise. */
export function idKey(value: unknown): unknown {
  return to18(value) ?? value;
}
