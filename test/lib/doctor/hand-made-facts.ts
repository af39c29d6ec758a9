import type { ApiUserFacts, OrgFacts } from '../../../src/lib/connection/api-user.js';
import type { ConnectionRecord } from '../../../src/lib/connection/state.js';
import type { DoctorFacts } from '../../../src/lib/doctor/facts.js';
import { fetched, type Fetched, notFetched } from '../../../src/lib/fetched.js';
import { BOOKING_OBJECTS, type BookingObject } from '../../../src/lib/mapping/setup-file.js';
import { type ObjectFields, parseDescribe } from '../../../src/lib/validation/fields.js';
import { field as schemaField, type FieldDef, type FieldType } from '../../../emulator/index.js';
import type { FieldFact } from '../../../src/lib/validation/fields.js';

/** Facts built by hand, for the pure checks: a completed production org unless a test says otherwise. */

export const ORG_ID = '00D5g000000ProdAAA';
export const ADMIN = 'admin@acme.example';
export const API_USER = 'api@acme.example';

/** A field as Salesforce's describe answers it: the plugin's FieldFact, with describe's fuller picklist entries. */
export type DescribeField = Omit<FieldFact, 'picklistValues'> & {
  picklistValues: Array<{ value: string; label: string; active: boolean; defaultValue: boolean }>;
};

/**
 * A describe field as the emulator's schema builds it (emulator/model/schema.ts: a boolean is never nillable and is
 * defaulted, an email is 80 long, a phone 40), labelled with its name.
 */
export function field(name: string, type: string, overrides: Partial<DescribeField> = {}): DescribeField {
  return schemaField(name, type as FieldType, { label: name, ...overrides } as Partial<FieldDef>);
}

/** A picklist field; "-X" marks an inactive value X. */
export function picklist(name: string, values: string[], overrides: Partial<DescribeField> = {}): DescribeField {
  return field(name, 'picklist', {
    picklistValues: values.map((v) => ({ value: v.replace(/^-/, ''), label: v.replace(/^-/, ''), active: !v.startsWith('-'), defaultValue: false })),
    ...overrides,
  });
}

const readOnly = (f: DescribeField): DescribeField => ({ ...f, createable: false, updateable: false });
const owner = (): DescribeField => field('OwnerId', 'reference', { nillable: false, defaultedOnCreate: true });
const id = (): DescribeField => readOnly(field('Id', 'id', { nillable: false, defaultedOnCreate: true }));

/** The five objects as a new org describes them (standard required fields only). "-X" marks an inactive picklist value. */
export function standardObjects(): Record<BookingObject, DescribeField[]> {
  return {
    Lead: [
      id(),
      field('LastName', 'string', { nillable: false }),
      field('FirstName', 'string'),
      field('Company', 'string', { nillable: false }),
      readOnly(field('Name', 'string', { nillable: false })),
      field('Email', 'email'),
      field('Phone', 'phone'),
      picklist('LeadSource', ['Web', 'Phone Inquiry', '-Trade Show', 'Other']),
      picklist('Status', ['Open - Not Contacted', 'Working - Contacted'], { nillable: false, defaultedOnCreate: true }),
      picklist('Rating', ['Hot', 'Warm', '-Lukewarm', 'Cold'], { restrictedPicklist: true }),
      field('IsConverted', 'boolean', { nillable: false, defaultedOnCreate: true }),
      field('AnnualRevenue', 'currency'),
      owner(),
    ],
    Contact: [id(), field('LastName', 'string', { nillable: false }), field('FirstName', 'string'), field('Email', 'email'), field('AccountId', 'reference'), owner()],
    Account: [id(), field('Name', 'string', { nillable: false }), field('Phone', 'phone'), field('NumberOfEmployees', 'int'), owner()],
    Event: [
      id(),
      field('Subject', 'combobox'),
      field('StartDateTime', 'datetime'),
      field('EndDateTime', 'datetime'),
      field('DurationInMinutes', 'int'),
      field('IsAllDayEvent', 'boolean', { nillable: false }),
      field('WhoId', 'reference'),
      owner(),
    ],
    Case: [
      id(),
      readOnly(field('CaseNumber', 'string', { nillable: false, autoNumber: true, defaultedOnCreate: true })),
      field('Subject', 'string'),
      picklist('Status', ['New', 'Working', 'Closed'], { nillable: false, defaultedOnCreate: true }),
      picklist('Origin', ['Phone', 'Email', 'Web']),
      owner(),
    ],
  };
}

export const failure = { errorCode: 'INVALID_TYPE', message: "sObject type 'X' is not supported." };

export function describes(objects: Partial<Record<BookingObject, DescribeField[]>> = {}): Record<BookingObject, Fetched<ObjectFields>> {
  const all = { ...standardObjects(), ...objects };
  return Object.fromEntries(BOOKING_OBJECTS.map((o) => [o, fetched(parseDescribe(o, { fields: all[o] }))])) as Record<
    BookingObject,
    Fetched<ObjectFields>
  >;
}

export function orgFacts(overrides: Partial<OrgFacts> = {}): OrgFacts {
  return { id: ORG_ID, name: 'Acme Inc.', isSandbox: false, isScratch: false, edition: 'Enterprise Edition', instanceName: 'NA139', ...overrides };
}

export function apiUserFacts(overrides: Partial<ApiUserFacts> = {}): ApiUserFacts {
  const full = { Read: true, Create: true, Edit: true, Delete: true };
  return {
    id: '0055g0000000002AAA',
    username: API_USER,
    name: 'api',
    isActive: true,
    profileName: 'System Administrator',
    licenseName: 'Salesforce',
    apiEnabled: true,
    modifyAllData: true,
    editEvent: true,
    objectAccess: { Lead: full, Account: full, Contact: full, Case: full },
    objectAccessSource: 'sets',
    grantedBy: {
      apiEnabled: ['the profile "System Administrator"'],
      modifyAllData: ['the profile "System Administrator"'],
      editEvent: ['the profile "System Administrator"'],
      objectAccess: ['the profile "System Administrator"'],
    },
    ...overrides,
  };
}

/** The connection `sf oncehub connect` records for api@acme.example in production. */
export function recordedConnection(overrides: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    environment: 'production',
    alias: 'acme-api',
    username: API_USER,
    userId: '0055g0000000002AAA',
    orgId: ORG_ID,
    instanceUrl: 'https://acme.my.salesforce.com',
    mode: 'standard',
    connectedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

export function completedFacts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    target: { alias: 'acme', username: ADMIN, orgId: ORG_ID, instanceUrl: 'https://acme.my.salesforce.com/', knownEnvironment: 'production' },
    mode: 'standard',
    apiUser: { username: API_USER, source: 'recorded', localAlias: 'acme-api' },
    connections: { production: recordedConnection() },
    org: fetched(orgFacts()),
    apiUserFacts: fetched(apiUserFacts()),
    installation: {
      package: { status: 'installed', name: 'OnceHub connector for Salesforce', version: '3.12.0.1', versionId: '04t5g0000000001AAA' },
      permissionSet: fetched({ id: '0PS5g000000OnceAAA', name: 'OnceHub_connector_for_Salesforce', label: 'OnceHub connector for Salesforce', namespacePrefix: 'ScheduleOnce' }),
      apiUserAssigned: fetched(true),
      layouts: fetched([{ name: 'Event Layout', missing: [] }]),
    },
    describes: describes(),
    validationRules: fetched([]),
    duplicateRules: fetched([]),
    apiUsage: { used: 118, limit: 15_000 },
    ...overrides,
  };
}

export { fetched, notFetched };
