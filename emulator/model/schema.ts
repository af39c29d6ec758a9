/**
 * The org's schema. One schema drives the SOQL evaluator, describe, global describe,
 * EntityDefinition/FieldDefinition and DML validation, so they can never disagree.
 */

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'boolean'
  | 'reference'
  | 'picklist'
  | 'multipicklist'
  | 'combobox'
  | 'datetime'
  | 'date'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'email'
  | 'phone'
  | 'url'
  | 'complexvalue'
  | 'anyType';

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  precision: number;
  scale: number;
  digits: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  calculated: boolean;
  autoNumber: boolean;
  custom: boolean;
  unique: boolean;
  externalId: boolean;
  nameField: boolean;
  filterable: boolean;
  picklistValues: PicklistValue[];
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  /** The child relationship this lookup creates on its parent (e.g. `PermissionSetAssignments` on User). */
  childRelationshipName?: string;
  /** Target field the stored value matches; Id unless set (EntityDefinition lookups use DurableId). */
  referenceKey?: string;
  /** Emulator side: value stored on create when the caller gives none. */
  defaultValue?: unknown;
  /** Tooling `Metadata`/`FullName`: selectable only when the query returns at most one row. */
  singleRowOnly?: boolean;
  /** Package namespace of a managed field. */
  namespacePrefix?: string | null;
  inlineHelpText?: string | null;
}

export type Permission = `Permissions${string}`;

export interface SObjectOptions {
  label?: string;
  labelPlural?: string;
  keyPrefix?: string | null;
  custom?: boolean;
  rest?: boolean;
  tooling?: boolean;
  createable?: boolean;
  updateable?: boolean;
  deletable?: boolean;
  queryable?: boolean;
  layoutable?: boolean;
  /** Queries must filter on one of these fields (FieldDefinition, EntityParticle). */
  requiresFilter?: string[];
  /** LIMIT and OFFSET are silently ignored (EntityDefinition, FieldDefinition). */
  ignoresLimit?: boolean;
  /** The object exists for a user only with one of these permissions; otherwise INVALID_TYPE. */
  visibleWith?: Permission[];
  /** Create/update/delete need one of these permissions; otherwise INSUFFICIENT_ACCESS_OR_READONLY. */
  writeRequires?: Permission[];
  /** Rows computed from the schema/org instead of stored (EntityDefinition, FieldDefinition...). */
  virtual?: boolean;
}

export class SObjectType {
  public readonly label: string;
  public readonly labelPlural: string;
  public readonly keyPrefix: string | null;
  public readonly custom: boolean;
  public readonly rest: boolean;
  public readonly tooling: boolean;
  public readonly createable: boolean;
  public readonly updateable: boolean;
  public readonly deletable: boolean;
  public readonly queryable: boolean;
  public readonly layoutable: boolean;
  public readonly requiresFilter?: string[];
  public readonly ignoresLimit: boolean;
  public readonly visibleWith?: Permission[];
  public readonly writeRequires?: Permission[];
  public readonly virtual: boolean;
  private readonly fieldList: FieldDef[] = [];
  private readonly byName = new Map<string, FieldDef>();
  private readonly byRelationship = new Map<string, FieldDef>();

  public constructor(public readonly name: string, fields: FieldDef[], options: SObjectOptions = {}) {
    this.label = options.label ?? name;
    this.labelPlural = options.labelPlural ?? `${this.label}s`;
    this.keyPrefix = options.keyPrefix ?? null;
    this.custom = options.custom ?? name.endsWith('__c');
    this.rest = options.rest ?? true;
    this.tooling = options.tooling ?? false;
    this.createable = options.createable ?? true;
    this.updateable = options.updateable ?? true;
    this.deletable = options.deletable ?? true;
    this.queryable = options.queryable ?? true;
    this.layoutable = options.layoutable ?? false;
    this.requiresFilter = options.requiresFilter;
    this.ignoresLimit = options.ignoresLimit ?? false;
    this.visibleWith = options.visibleWith;
    this.writeRequires = options.writeRequires;
    this.virtual = options.virtual ?? false;
    for (const f of fields) this.addField(f);
  }

  public get fields(): readonly FieldDef[] {
    return this.fieldList;
  }

  public field(name: string): FieldDef | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** The lookup field behind a relationship name (`Profile` → ProfileId). */
  public relationship(name: string): FieldDef | undefined {
    return this.byRelationship.get(name.toLowerCase());
  }

  public addField(def: FieldDef): void {
    const existing = this.byName.get(def.name.toLowerCase());
    if (existing) this.fieldList.splice(this.fieldList.indexOf(existing), 1, def);
    else this.fieldList.push(def);
    this.byName.set(def.name.toLowerCase(), def);
    if (def.relationshipName) this.byRelationship.set(def.relationshipName.toLowerCase(), def);
  }

  public removeField(name: string): void {
    const def = this.field(name);
    if (!def) return;
    this.fieldList.splice(this.fieldList.indexOf(def), 1);
    this.byName.delete(def.name.toLowerCase());
    if (def.relationshipName) this.byRelationship.delete(def.relationshipName.toLowerCase());
  }

  public clone(): SObjectType {
    const copy = new SObjectType(this.name, [], this);
    for (const f of this.fieldList) copy.addField(structuredClone(f));
    return copy;
  }
}

export interface ChildRelationship {
  childSObject: string;
  field: string;
  relationshipName: string;
  cascadeDelete: boolean;
}

export class Schema {
  private readonly types = new Map<string, SObjectType>();

  public constructor(types: Iterable<SObjectType> = []) {
    for (const t of types) this.add(t);
  }

  public add(type: SObjectType): SObjectType {
    this.types.set(type.name.toLowerCase(), type);
    return type;
  }

  public remove(name: string): void {
    this.types.delete(name.toLowerCase());
  }

  public get(name: string): SObjectType | undefined {
    return this.types.get(name.toLowerCase());
  }

  public require(name: string): SObjectType {
    const t = this.get(name);
    if (!t) throw new Error(`Emulator schema has no sObject '${name}'`);
    return t;
  }

  public all(): SObjectType[] {
    return [...this.types.values()];
  }

  public byKeyPrefix(prefix: string): SObjectType | undefined {
    return this.all().find((t) => t.keyPrefix === prefix);
  }

  /** Child relationships pointing at `parent`, derived from the children's lookup fields. */
  public childRelationships(parent: string): ChildRelationship[] {
    const out: ChildRelationship[] = [];
    for (const t of this.types.values()) {
      for (const f of t.fields) {
        if (f.childRelationshipName && f.referenceTo.some((r) => r.toLowerCase() === parent.toLowerCase())) {
          out.push({ childSObject: t.name, field: f.name, relationshipName: f.childRelationshipName, cascadeDelete: false });
        }
      }
    }
    return out;
  }

  public childRelationship(parent: string, name: string): ChildRelationship | undefined {
    return this.childRelationships(parent).find((c) => c.relationshipName.toLowerCase() === name.toLowerCase());
  }

  public clone(): Schema {
    return new Schema(this.all().map((t) => t.clone()));
  }
}

// ---------------------------------------------------------------------------------------------
// Field definition helpers: terse, with Salesforce's describe defaults per type.

type FieldOptions = Partial<FieldDef>;

const LENGTHS: Partial<Record<FieldType, number>> = {
  id: 18,
  reference: 18,
  string: 255,
  textarea: 255,
  picklist: 255,
  multipicklist: 4099,
  combobox: 255,
  email: 80,
  phone: 40,
  url: 255,
};

export function field(name: string, type: FieldType, options: FieldOptions = {}): FieldDef {
  const custom = options.custom ?? name.endsWith('__c');
  return {
    name,
    label: options.label ?? labelFromName(name),
    type,
    length: LENGTHS[type] ?? 0,
    precision: type === 'currency' || type === 'double' || type === 'percent' ? 18 : 0,
    scale: type === 'currency' || type === 'percent' ? 2 : 0,
    digits: type === 'int' ? 9 : 0,
    nillable: type !== 'boolean' && type !== 'id',
    createable: type !== 'id',
    updateable: type !== 'id',
    defaultedOnCreate: type === 'boolean' || type === 'id',
    calculated: false,
    autoNumber: false,
    custom,
    unique: false,
    externalId: false,
    nameField: false,
    filterable: type !== 'textarea' || (options.length ?? 255) <= 255,
    picklistValues: [],
    restrictedPicklist: false,
    referenceTo: [],
    relationshipName: null,
    defaultValue: type === 'boolean' ? false : undefined,
    ...options,
  };
}

export function idField(): FieldDef {
  return field('Id', 'id', { label: 'Record ID', nillable: false, createable: false, updateable: false, defaultedOnCreate: true });
}

export function str(name: string, length = 255, options: FieldOptions = {}): FieldDef {
  return field(name, 'string', { length, ...options });
}

export function bool(name: string, options: FieldOptions = {}): FieldDef {
  return field(name, 'boolean', options);
}

/** A read-only field maintained by the platform (formula, roll-up, system value). */
export function readOnly(def: FieldDef): FieldDef {
  return { ...def, createable: false, updateable: false };
}

export function ref(name: string, referenceTo: string | string[], relationshipName: string | null, options: FieldOptions = {}): FieldDef {
  return field(name, 'reference', { referenceTo: Array.isArray(referenceTo) ? referenceTo : [referenceTo], relationshipName, ...options });
}

export function picklist(name: string, values: string[], options: FieldOptions & { defaultTo?: string } = {}): FieldDef {
  const { defaultTo, ...rest } = options;
  return field(name, 'picklist', {
    picklistValues: values.map((v) => ({ value: v, label: v, active: true, defaultValue: v === defaultTo })),
    ...(defaultTo !== undefined ? { defaultedOnCreate: true, defaultValue: defaultTo } : {}),
    ...rest,
  });
}

/** CreatedDate, CreatedById, LastModifiedDate, LastModifiedById, SystemModstamp. */
export function auditFields(): FieldDef[] {
  const sys = { nillable: false, createable: false, updateable: false, defaultedOnCreate: true };
  return [
    field('CreatedDate', 'datetime', { label: 'Created Date', ...sys }),
    ref('CreatedById', 'User', 'CreatedBy', { label: 'Created By ID', ...sys }),
    field('LastModifiedDate', 'datetime', { label: 'Last Modified Date', ...sys }),
    ref('LastModifiedById', 'User', 'LastModifiedBy', { label: 'Last Modified By ID', ...sys }),
    field('SystemModstamp', 'datetime', { label: 'System Modstamp', ...sys }),
  ];
}

export function labelFromName(name: string): string {
  const base = name
    .replace(/^[A-Za-z0-9]+__(?=.+__c$)/, '')
    .replace(/__c$/, '')
    .replace(/Id$/, ' ID')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2');
  return base.trim();
}
