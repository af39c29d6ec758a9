import type { ConnectResult } from '../../../src/lib/connection/connect.js';
import type { ConnectionRecord } from '../../../src/lib/connection/state.js';
import type { AssignmentFacts } from '../../../src/lib/installation/assign.js';
import type { LayoutMetadata } from '../../../src/lib/installation/layout.js';
import { buildPlan, type PlanFacts, type SetupPlan } from '../../../src/lib/setup/plan.js';

/** Facts and plans built by hand, for the setup's pure functions: a production org with the package installed. */

export const ADMIN = 'admin@acme.example';
export const [STATUS, REASON] = ['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c'];
export const PERMSET = { id: '0PS000000000001AAA', name: 'OnceHub_connector', label: 'OnceHub connector for Salesforce', namespacePrefix: 'ScheduleOnce', licenseName: 'Salesforce' };
export const admin = { id: '005000000000001AAA', username: ADMIN, isActive: true, licenseName: 'Salesforce' };

export const layoutWith = (...fields: string[]): LayoutMetadata => ({
  layoutSections: [{ label: 'Information', style: 'TwoColumnsTopToBottom', layoutColumns: [{ layoutItems: fields.map((field) => ({ behavior: 'Edit', field })) }] }],
});

export const checked = (overrides: Partial<ConnectResult> = {}): ConnectResult => ({
  environment: 'production',
  alias: 'acme',
  username: ADMIN,
  userId: admin.id,
  orgId: '00D000000000001AAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  mode: 'standard',
  checks: [],
  ...overrides,
});

export const record = (overrides: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
  environment: 'production',
  alias: 'acme',
  username: ADMIN,
  userId: admin.id,
  orgId: '00D000000000001AAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  mode: 'standard',
  connectedAt: '2026-11-20T10:00:00.000Z',
  ...overrides,
});

export const assignmentFacts = (assigned: boolean, packageInstalled = true): AssignmentFacts => ({
  permissionSet: packageInstalled ? PERMSET : undefined,
  users: [admin],
  assignedUserIds: new Set(assigned ? [admin.id] : []),
});

export const facts = (overrides: Partial<PlanFacts> = {}): PlanFacts => ({
  assignment: assignmentFacts(false),
  layouts: [
    { id: '00h000000000001AAA', name: 'Event Layout', profiles: ['System Administrator'] },
    { id: '00h000000000002AAA', name: 'Sales Event Layout', profiles: ['Standard User'] },
  ],
  fieldsInOrg: [STATUS, REASON],
  metadata: [{ metadata: layoutWith('Subject') }, { metadata: layoutWith('Subject', STATUS, REASON) }],
  ...overrides,
});

/** The plan of a fresh org (connection, assignment, one layout) unless facts say otherwise. */
export const plan = (overrides: Partial<ConnectResult> = {}, planFacts: PlanFacts = facts(), existing?: ConnectionRecord): SetupPlan =>
  buildPlan(checked(overrides), 'Acme', existing, planFacts);

/** The facts of an org where every installation step is done. */
export const doneFacts = (): PlanFacts => facts({ assignment: assignmentFacts(true), metadata: [{ metadata: layoutWith(STATUS, REASON) }, { metadata: layoutWith(REASON, STATUS) }] });
