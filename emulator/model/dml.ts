/**
 * Create/update/delete with Salesforce's validation: field existence and writability, id shapes,
 * cross references, required fields, restricted picklists, lengths, permissions, and the
 * object-specific rules (PermissionSetAssignment uniqueness and licences, Tooling Layout metadata).
 */
import { ApiError, DmlFailure, notFound, type DmlError } from '../errors.js';
import { isWellFormedId, to18 } from '../ids.js';
import { asText } from '../util.js';
import type { OrgModel, SRecord } from './org.js';
import type { FieldDef, SObjectType } from './schema.js';

export type Api = 'rest' | 'tooling';

export interface DmlContext {
  org: OrgModel;
  /** The calling user (permission checks, CreatedById). */
  userId: string;
  api: Api;
}

type Values = Record<string, unknown>;

/** The sObject type for a DML URL or `attributes.type`; 404 when this API does not expose it to the user. */
export function dmlType(ctx: DmlContext, name: string): SObjectType {
  const type = ctx.org.schema.get(name);
  if (!type || type.virtual || !(ctx.api === 'tooling' ? type.tooling : type.rest) || !ctx.org.canSee(ctx.userId, type)) throw notFound();
  return type;
}

function fail(statusCode: string, message: string, fields: string[] = []): never {
  throw DmlFailure.of(statusCode, message, fields);
}

function checkWriteAccess(ctx: DmlContext, type: SObjectType): void {
  if (!ctx.org.hasAnyPermission(ctx.userId, type.writeRequires)) fail('INSUFFICIENT_ACCESS_OR_READONLY', ctx.org.config.messages.insufficientAccess);
}

function userFields(values: Values): Array<[string, unknown]> {
  return Object.entries(values).filter(([k]) => k !== 'attributes');
}

/** Resolve and validate each given field; returns canonical names. */
function validateFields(ctx: DmlContext, type: SObjectType, values: Values, mode: 'create' | 'update'): Values {
  const out: Values = {};
  const notWritable: string[] = [];
  for (const [key, value] of userFields(values)) {
    const def = type.field(key);
    if (!def) fail('INVALID_FIELD', `No such column '${key}' on sobject of type ${type.name}`);
    if (def.name === 'Id' && mode === 'update') continue;
    if (mode === 'create' ? !def.createable : !def.updateable) {
      notWritable.push(def.name);
      continue;
    }
    out[def.name] = value;
  }
  if (notWritable.length) {
    fail(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      notWritable
    );
  }
  const errors: DmlError[] = [];
  for (const [name, value] of Object.entries(out)) {
    const error = validateValue(ctx, type.field(name) as FieldDef, value);
    if (error) errors.push(error);
  }
  if (errors.length) throw new DmlFailure(errors);
  return out;
}

function validateValue(ctx: DmlContext, def: FieldDef, value: unknown): DmlError | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const m = ctx.org.config.messages;
  switch (def.type) {
    case 'reference': {
      if (def.referenceKey) return undefined;
      if (!isWellFormedId(value)) return { statusCode: 'MALFORMED_ID', message: m.malformedId(def.label, asText(value)), fields: [def.name] };
      const target = ctx.org.find(value);
      if (!target || !def.referenceTo.includes(target.type.name)) {
        return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: m.invalidCrossReference(def.label, asText(value)), fields: [def.name] };
      }
      return undefined;
    }
    case 'picklist':
      if (def.restrictedPicklist && !def.picklistValues.some((p) => p.active && p.value === value)) {
        return {
          statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: `${def.label}: bad value for restricted picklist field: ${asText(value)}`,
          fields: [def.name],
        };
      }
      return undefined;
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : { statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: `${def.label}: value not of required type: ${asText(value)}`, fields: [def.name] };
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        ? undefined
        : { statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: `${def.label}: value not of required type: ${asText(value)}`, fields: [def.name] };
    default:
      if (typeof value === 'string' && def.length > 0 && value.length > def.length && def.type !== 'complexvalue') {
        return {
          statusCode: 'STRING_TOO_LONG',
          message: `${def.label}: data value too large: ${value.slice(0, 40)} (max length=${def.length})`,
          fields: [def.name],
        };
      }
      return undefined;
  }
}

function checkRequired(ctx: DmlContext, type: SObjectType, values: Values): void {
  const missing = type.fields
    .filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean')
    .filter((f) => values[f.name] === undefined || values[f.name] === null || values[f.name] === '')
    .map((f) => f.name);
  if (missing.length) fail('REQUIRED_FIELD_MISSING', ctx.org.config.messages.requiredFieldsMissing(missing), missing);
}

// ---- public operations --------------------------------------------------------------------------

export function createRecord(ctx: DmlContext, typeName: string, values: Values): string {
  const type = dmlType(ctx, typeName);
  if (!type.createable) fail('INVALID_TYPE_FOR_OPERATION', `entity type cannot be inserted: ${type.name}`);
  checkWriteAccess(ctx, type);
  if (userFields(values).some(([k]) => k.toLowerCase() === 'id' && values[k] != null)) {
    fail('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
  }
  const fields = validateFields(ctx, type, values, 'create');
  const hook = HOOKS[type.name]?.beforeInsert;
  if (hook) hook(ctx, fields);
  checkRequired(ctx, type, fields);
  return ctx.org.as(ctx.userId, () => ctx.org.insert(type.name, fields)).Id;
}

export function updateRecord(ctx: DmlContext, typeName: string, id: string, values: Values): void {
  const type = dmlType(ctx, typeName);
  const current = existing(ctx, type, id);
  if (!type.updateable) fail('INVALID_TYPE_FOR_OPERATION', `entity type cannot be updated: ${type.name}`);
  checkWriteAccess(ctx, type);
  const fields = validateFields(ctx, type, values, 'update');
  const hook = HOOKS[type.name]?.beforeUpdate;
  if (hook) hook(ctx, current, fields);
  for (const [name, value] of Object.entries(fields)) {
    const def = type.field(name) as FieldDef;
    if (!def.nillable && def.type !== 'boolean' && (value === null || value === '')) {
      fail('REQUIRED_FIELD_MISSING', ctx.org.config.messages.requiredFieldsMissing([name]), [name]);
    }
  }
  ctx.org.as(ctx.userId, () => ctx.org.update(type.name, current.Id, fields));
}

export function deleteRecord(ctx: DmlContext, typeName: string, id: string): void {
  const type = dmlType(ctx, typeName);
  const current = existing(ctx, type, id);
  if (!type.deletable) fail('INVALID_TYPE_FOR_OPERATION', `entity type cannot be deleted: ${type.name}`);
  checkWriteAccess(ctx, type);
  HOOKS[type.name]?.beforeDelete?.(ctx, current);
  ctx.org.delete(type.name, current.Id);
}

/** The record to update/delete; malformed or unknown ids are DML failures (404 on single-record URLs). */
function existing(ctx: DmlContext, type: SObjectType, id: string): SRecord {
  if (!isWellFormedId(id)) fail('MALFORMED_ID', `malformed id ${id}`);
  const record = ctx.org.get(type.name, id);
  if (!record) fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
  return record;
}

/** Single-record endpoints: a missing record is a 404, not a DML error. */
export function requireRecord(ctx: DmlContext, typeName: string, id: string): SRecord {
  const type = dmlType(ctx, typeName);
  const record = ctx.org.get(type.name, id);
  if (!record) throw notFound();
  return record;
}

// ---- object-specific rules ----------------------------------------------------------------------

interface Hooks {
  beforeInsert?: (ctx: DmlContext, values: Values) => void;
  beforeUpdate?: (ctx: DmlContext, current: SRecord, values: Values) => void;
  beforeDelete?: (ctx: DmlContext, current: SRecord) => void;
}

const HOOKS: Record<string, Hooks> = {
  PermissionSetAssignment: {
    beforeInsert(ctx, values) {
      const { org } = ctx;
      const m = org.config.messages;
      const groupId = to18(values.PermissionSetGroupId);
      if (groupId) {
        // A group is assigned through its aggregate ("Group") permission set.
        const shadow = org.records('PermissionSet').find((ps) => ps.PermissionSetGroupId === groupId);
        if (!shadow) fail('INVALID_CROSS_REFERENCE_KEY', m.invalidCrossReference('Permission Set Group ID', asText(values.PermissionSetGroupId)), ['PermissionSetGroupId']);
        values.PermissionSetId = shadow.Id;
      }
      if (values.PermissionSetId == null) fail('REQUIRED_FIELD_MISSING', m.requiredFieldsMissing(['PermissionSetId']), ['PermissionSetId']);
      const assignee = org.get('User', values.AssigneeId);
      const ps = org.get('PermissionSet', values.PermissionSetId);
      if (!assignee || !ps) return; // reference validation already reported it
      if (ps.IsOwnedByProfile === true) fail('FIELD_INTEGRITY_EXCEPTION', m.profileOwnedAssignment(ps), ['PermissionSetId']);
      if (assignee.IsActive !== true && !org.config.allowAssignToInactiveUser) {
        fail('INACTIVE_OWNER_OR_USER', `operation performed with inactive user [${assignee.Id}] as owner of permissionsetassignment`);
      }
      const duplicate = org
        .records('PermissionSetAssignment')
        .some((a) => a.AssigneeId === assignee.Id && (groupId ? a.PermissionSetGroupId === groupId : a.PermissionSetId === ps.Id));
      if (duplicate) fail('DUPLICATE_VALUE', m.duplicateAssignment(assignee.Id, groupId ?? ps.Id));
      const licenseId = to18(ps.LicenseId);
      if (licenseId && licenseId.startsWith('100')) {
        const userLicense = org.userLicenseOf(assignee);
        if (userLicense?.Id !== licenseId) {
          fail(
            org.config.licenseMismatchCode,
            m.licenseMismatch({ permissionSet: ps, assignee, permissionSetLicense: org.get('UserLicense', licenseId), userLicense })
          );
        }
      }
    },
    beforeDelete(ctx, current) {
      const ps = ctx.org.get('PermissionSet', current.PermissionSetId);
      if (ps?.IsOwnedByProfile === true) fail('FIELD_INTEGRITY_EXCEPTION', ctx.org.config.messages.profileOwnedAssignment(ps));
    },
  },
  Layout: {
    beforeUpdate(ctx, current, values) {
      if (!('Metadata' in values)) return;
      refuseComplexLayoutValues(values.Metadata);
      validateLayoutMetadata(ctx, asText(current.TableEnumOrId), values.Metadata);
    },
  },
  ValidationRule: {
    beforeUpdate(_ctx, _current, values) {
      // The Metadata column is the source of truth; mirror it into the flat columns.
      const md = values.Metadata as Record<string, unknown> | undefined;
      if (!md || typeof md !== 'object') return;
      if (typeof md.active === 'boolean') values.Active = md.active;
      if (typeof md.errorMessage === 'string') values.ErrorMessage = md.errorMessage;
      if ('errorDisplayField' in md) values.ErrorDisplayField = md.errorDisplayField ?? null;
      if ('description' in md) values.Description = md.description ?? null;
    },
  },
};

/**
 * Tooling PATCH cannot deserialize the "complexvalue" parts of a layout that its own GET returns: a
 * `platformActionList` (its `actionListContext`), a `summaryLayout` or a feed layout's components. Real orgs answer
 * 400 JSON_PARSER_ERROR (restforce/restforce#534, jetstreamapp/jetstream#919); layouts are written through the
 * Metadata API instead (router/metadata.ts).
 */
function refuseComplexLayoutValues(metadata: unknown): void {
  if (!metadata || typeof metadata !== 'object') return;
  const md = metadata as Record<string, Record<string, unknown> | null | undefined>;
  const feed = md.feedLayout;
  const feedComponents = ['leftComponents', 'rightComponents'].flatMap((k) => (Array.isArray(feed?.[k]) ? (feed[k] as unknown[]) : []));
  const refused: Array<[key: string, value: unknown]> = [
    ['platformActionList', md.platformActionList?.actionListContext],
    ['summaryLayout', md.summaryLayout?.summaryLayoutStyle],
    ['feedLayout', (feedComponents[0] as Record<string, unknown> | undefined)?.componentType],
  ];
  for (const [key, value] of refused) {
    if (md[key] === null || md[key] === undefined || (key === 'feedLayout' && feedComponents.length === 0)) continue;
    const text = JSON.stringify({ Metadata: metadata });
    const column = text.indexOf(`"${key}"`) + key.length + 4;
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of complexvalue from VALUE_STRING value ${typeof value === 'string' ? value : key} or request may be missing a required field at [line:1, column:${column}]`
    );
  }
}

/** Tooling Layout `Metadata`: sections → columns → items; every field must exist, once. Also checks Metadata API writes. */
export function validateLayoutMetadata(ctx: DmlContext, entity: string, metadata: unknown): void {
  const m = ctx.org.config.messages;
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new DmlFailure([{ statusCode: 'INVALID_INPUT', message: 'Metadata: value must be a Layout object', fields: ['Metadata'] }]);
  }
  const sections = (metadata as { layoutSections?: unknown }).layoutSections ?? [];
  if (!Array.isArray(sections)) fail('INVALID_INPUT', 'Metadata.layoutSections: expected an array', ['Metadata']);
  const type = ctx.org.schema.get(entity);
  const seen = new Set<string>();
  for (const section of sections as Array<{ layoutColumns?: Array<{ layoutItems?: Array<{ field?: string | null }> }> }>) {
    for (const column of section?.layoutColumns ?? []) {
      for (const item of column?.layoutItems ?? []) {
        const fieldName = item?.field;
        if (!fieldName) continue;
        if (type && !type.field(fieldName)) fail('FIELD_INTEGRITY_EXCEPTION', m.layoutUnknownField(fieldName, entity));
        if (seen.has(fieldName.toLowerCase())) fail('FIELD_INTEGRITY_EXCEPTION', m.layoutDuplicateField(fieldName));
        seen.add(fieldName.toLowerCase());
      }
    }
  }
}

/** Map a thrown DML problem to a single-record HTTP error. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DmlFailure) return e.toApiError();
  throw e;
}
