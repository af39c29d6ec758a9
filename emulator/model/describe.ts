/** Describe and global describe, rendered from the same schema the SOQL evaluator uses. */
import type { OrgModel } from './org.js';
import type { FieldDef, SObjectType } from './schema.js';

export type Api = 'rest' | 'tooling';

function base(version: string, api: Api): string {
  return `/services/data/v${version}/${api === 'tooling' ? 'tooling/' : ''}sobjects`;
}

function soapType(f: FieldDef): string {
  switch (f.type) {
    case 'id':
    case 'reference':
      return 'tns:ID';
    case 'boolean':
      return 'xsd:boolean';
    case 'int':
      return 'xsd:int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'xsd:double';
    case 'date':
      return 'xsd:date';
    case 'datetime':
      return 'xsd:dateTime';
    case 'complexvalue':
      return 'urn:Layout';
    case 'anyType':
      return 'xsd:anyType';
    default:
      return 'xsd:string';
  }
}

export function describeField(f: FieldDef): Record<string, unknown> {
  const isText = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'id', 'reference'].includes(f.type);
  return {
    aggregatable: f.type !== 'textarea' && f.type !== 'complexvalue',
    autoNumber: f.autoNumber,
    byteLength: isText ? f.length * 3 : 0,
    calculated: f.calculated,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: null,
    controllerName: null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.defaultValue === undefined || f.type === 'boolean' ? (f.type === 'boolean' ? (f.defaultValue ?? false) : null) : f.defaultValue,
    defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.digits,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId,
    extraTypeInfo: f.type === 'textarea' && f.length > 255 ? 'plaintextarea' : null,
    filterable: f.filterable,
    filteredLookupInfo: null,
    groupable: f.type !== 'textarea' && f.type !== 'double' && f.type !== 'currency',
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.type === 'id' || f.unique,
    inlineHelpText: f.inlineHelpText ?? null,
    label: f.label,
    length: isText ? f.length : 0,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField,
    namePointing: f.referenceTo.length > 1,
    nillable: f.nillable,
    permissionable: f.custom && f.nillable,
    picklistValues: f.picklistValues.map((p) => ({ active: p.active, defaultValue: p.defaultValue, label: p.label, validFor: null, value: p.value })),
    polymorphicForeignKey: f.referenceTo.length > 1,
    precision: f.precision,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: [...f.referenceTo],
    relationshipName: f.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: f.restrictedPicklist,
    scale: f.scale,
    searchPrefilterable: false,
    soapType: soapType(f),
    sortable: f.type !== 'textarea' && f.type !== 'complexvalue',
    type: f.type,
    unique: f.unique,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

function urls(type: SObjectType, version: string, api: Api): Record<string, string> {
  const b = `${base(version, api)}/${type.name}`;
  return { sobject: b, describe: `${b}/describe`, rowTemplate: `${b}/{ID}` };
}

function summary(type: SObjectType, version: string, api: Api): Record<string, unknown> {
  return {
    activateable: false,
    createable: type.createable,
    custom: type.custom,
    customSetting: false,
    deletable: type.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isSubtype: false,
    keyPrefix: type.keyPrefix,
    label: type.label,
    labelPlural: type.labelPlural,
    layoutable: type.layoutable,
    mergeable: false,
    mruEnabled: type.layoutable,
    name: type.name,
    queryable: type.queryable,
    replicateable: !type.virtual,
    retrieveable: !type.virtual,
    searchable: type.layoutable,
    triggerable: type.layoutable,
    undeletable: type.layoutable,
    updateable: type.updateable,
    urls: urls(type, version, api),
  };
}

export function describeSObject(org: OrgModel, type: SObjectType, version: string, api: Api): Record<string, unknown> {
  const recordTypes = org.records('RecordType').filter((rt) => rt.SobjectType === type.name && rt.IsActive === true);
  return {
    ...summary(type, version, api),
    actionOverrides: [],
    childRelationships: org.schema.childRelationships(type.name).map((c) => ({
      cascadeDelete: c.cascadeDelete,
      childSObject: c.childSObject,
      deprecatedAndHidden: false,
      field: c.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: c.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: type.layoutable,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: type.fields.map(describeField),
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: recordTypes.map((rt) => ({
      active: true,
      available: true,
      defaultRecordTypeMapping: false,
      developerName: rt.DeveloperName,
      master: false,
      name: rt.Name,
      recordTypeId: rt.Id,
      urls: { layout: `${base(version, api)}/${type.name}/describe/layouts/${rt.Id}` },
    })),
    searchLayoutable: type.layoutable,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [{ label: 'All', name: 'everything' }],
  };
}

export function describeGlobal(org: OrgModel, version: string, api: Api, userId: string): Record<string, unknown> {
  const types = org.schema
    .all()
    .filter((t) => (api === 'tooling' ? t.tooling : t.rest) && org.canSee(userId, t))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: types.map((t) => summary(t, version, api)) };
}

/** `GET /sobjects/X`: basic info plus recent items. */
export function sobjectBasicInfo(org: OrgModel, type: SObjectType, version: string, api: Api): Record<string, unknown> {
  return { objectDescribe: summary(type, version, api), recentItems: [] };
}
