/**
 * Tooling/metadata views computed from the schema: EntityDefinition, FieldDefinition, EntityParticle.
 * Computing them (instead of storing rows) keeps them in step with describe and SOQL.
 */
import type { OrgModel, SRecord } from './org.js';
import type { FieldDef, SObjectType } from './schema.js';

const VIRTUAL_ID = '000000000000000AAA';

export function virtualRecords(org: OrgModel, typeName: string, viewerId?: string): SRecord[] {
  const types = org.schema.all().filter((t) => !t.virtual);
  switch (typeName) {
    case 'EntityDefinition':
      return types.map((t) => entityDefinition(t));
    case 'FieldDefinition':
      return fieldDefinitions(types);
    case 'EntityParticle':
      return types.flatMap((t) => t.fields.map((f) => entityParticle(t, f)));
    case 'UserPermissionAccess':
      return viewerId ? [userPermissionAccess(org, viewerId)] : [];
    case 'UserEntityAccess':
      return userEntityAccess(org, types);
    default:
      return [];
  }
}

/** The calling user's effective permissions (as SalesforceLabs/OrgCheck reads them): every `Permissions*` column, one row. */
function userPermissionAccess(org: OrgModel, userId: string): SRecord {
  const granted = org.permissionsOf(userId);
  const row: SRecord = { Id: VIRTUAL_ID };
  for (const f of org.type('UserPermissionAccess').fields) if (f.name.startsWith('Permissions')) row[f.name] = granted.has(f.name as never);
  return row;
}

/** Effective access of every active user to every data object (filtered by UserId and DurableId/EntityDefinitionId). */
function userEntityAccess(org: OrgModel, types: SObjectType[]): SRecord[] {
  const objects = types.filter((t) => t.rest && t.queryable && t.layoutable);
  return org.records('User').flatMap((u) =>
    objects.map((t) => {
      const a = org.objectAccessOf(u.Id, t.name);
      return {
        Id: VIRTUAL_ID,
        DurableId: `${t.name}.${u.Id}`,
        UserId: u.Id,
        EntityDefinitionId: t.name,
        IsReadable: a.read,
        IsCreatable: a.create,
        IsEditable: a.edit,
        IsUpdatable: a.edit,
        IsDeletable: a.delete,
      };
    })
  );
}

function namespaceOf(name: string): string | null {
  const m = /^([A-Za-z0-9]+)__.+__[a-z]+$/.exec(name);
  return m ? m[1] : null;
}

function developerName(name: string): string {
  return name.replace(/^[A-Za-z0-9]+__(?=.+__[a-z]+$)/, '').replace(/__[a-z]+$/, '');
}

function entityDefinition(t: SObjectType): SRecord {
  return {
    Id: VIRTUAL_ID,
    DurableId: t.name,
    QualifiedApiName: t.name,
    DeveloperName: developerName(t.name),
    MasterLabel: t.label,
    Label: t.label,
    PluralLabel: t.labelPlural,
    KeyPrefix: t.keyPrefix,
    NamespacePrefix: namespaceOf(t.name),
    IsCustomizable: t.layoutable,
    IsQueryable: t.queryable,
    IsLayoutable: t.layoutable,
    IsCustomSetting: false,
  };
}

/** Setup's "Data Type" column, e.g. `Text(255)`, `Picklist`, `Lookup(User)`. */
export function dataTypeLabel(f: FieldDef): string {
  if (f.autoNumber) return 'Auto Number';
  if (f.calculated) return 'Formula';
  switch (f.type) {
    case 'id':
      return 'Lookup()';
    case 'string':
      return `Text(${f.length})`;
    case 'textarea':
      return f.length > 255 ? `Long Text Area(${f.length})` : `Text Area(${f.length})`;
    case 'boolean':
      return 'Checkbox';
    case 'reference':
      return `Lookup(${f.referenceTo.join(',')})`;
    case 'picklist':
      return 'Picklist';
    case 'multipicklist':
      return 'Picklist (Multi-Select)';
    case 'combobox':
      return 'Picklist';
    case 'datetime':
      return 'Date/Time';
    case 'date':
      return 'Date';
    case 'int':
      return `Number(${f.digits}, 0)`;
    case 'double':
      return `Number(${f.precision}, ${f.scale})`;
    case 'currency':
      return `Currency(${f.precision - f.scale}, ${f.scale})`;
    case 'percent':
      return `Percent(${f.precision - f.scale}, ${f.scale})`;
    case 'email':
      return 'Email';
    case 'phone':
      return 'Phone';
    case 'url':
      return `URL(${f.length})`;
    default:
      return f.type;
  }
}

/** Objects whose custom fields are defined on Activity (they appear in both describes). */
const ACTIVITY_OBJECTS = new Set(['Event', 'Task']);

/**
 * Every field per object, except that custom Activity fields are listed once, under `EntityDefinitionId='Activity'`
 * and not under Event: whether a real org also lists them under Event is unconfirmed (no public source found), so
 * the emulator takes the stricter reading and clients must find them in the Event describe.
 */
function fieldDefinitions(types: SObjectType[]): SRecord[] {
  const activity = new Map<string, SRecord>();
  const rows = types.flatMap((t) =>
    t.fields.flatMap((f) => {
      if (!ACTIVITY_OBJECTS.has(t.name) || !f.custom) return [fieldDefinition(t, f)];
      activity.set(f.name.toLowerCase(), fieldDefinition(t, f, 'Activity'));
      return [];
    })
  );
  return [...rows, ...activity.values()];
}

function fieldDefinition(t: SObjectType, f: FieldDef, entity = t.name): SRecord {
  return {
    Id: VIRTUAL_ID,
    DurableId: `${entity}.${f.name}`,
    QualifiedApiName: f.name,
    DeveloperName: developerName(f.name),
    Label: f.label,
    DataType: dataTypeLabel(f),
    NamespacePrefix: f.namespacePrefix ?? namespaceOf(f.name),
    EntityDefinitionId: entity,
    IsNillable: f.nillable,
    IsCalculated: f.calculated,
    Length: f.length,
  };
}

function entityParticle(t: SObjectType, f: FieldDef): SRecord {
  return {
    Id: VIRTUAL_ID,
    DurableId: `${t.name}.${f.name}`,
    QualifiedApiName: f.name,
    DeveloperName: developerName(f.name),
    Label: f.label,
    DataType: f.type,
    ValueTypeId: f.type === 'reference' || f.type === 'id' ? 'id' : f.type,
    NamespacePrefix: f.namespacePrefix ?? namespaceOf(f.name),
    EntityDefinitionId: t.name,
    IsCreatable: f.createable,
    IsUpdatable: f.updateable,
    IsNillable: f.nillable,
    IsDefaultedOnCreate: f.defaultedOnCreate,
    IsCalculated: f.calculated,
    IsAutonumber: f.autoNumber,
    DefaultValueFormula: typeof f.defaultValue === 'string' && f.type !== 'picklist' ? `"${f.defaultValue}"` : null,
    Length: f.length,
  };
}
