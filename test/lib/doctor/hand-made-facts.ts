import type { ApiUserFacts, OrgFacts } from '../../../src/lib/connection/api-user.js';
import type { ConnectionRecord } from '../../../src/lib/connection/state.js';
import type { DoctorFacts } from '../../../src/lib/doctor/facts.js';
import { fetched, type Fetched, notFetched } from '../../../src/lib/fetched.js';
import { BOOKING_OBJECTS, type BookingObject } from '../../../src/lib/mapping/setup-file.js';
import { type ObjectFields, parseDescribe } from '../../../src/lib/validation/fields.js';
import { ADMIN, API_USER, type DescribeField, ORG_ID, standardObjects } from './fake-doctor-org.js';

/** Facts built by hand, for the pure checks: a completed production org unless a test says otherwise. */

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
