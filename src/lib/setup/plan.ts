import { Messages } from '@salesforce/core';
import type { ConnectResult } from '../connection/connect.js';
import type { ConnectionRecord, ConnectMode, Environment } from '../connection/state.js';
import { sameId, sameUsername } from '../org/identity.js';
import {
  type AssigneeRow,
  type AssignmentFacts,
  type AssignmentOutcome,
  type FailedRow,
  permissionSetView,
  planAssignments,
  type PermsetAssignResult,
  type UserFacts,
} from '../installation/assign.js';
import {
  changeOf,
  type EventLayout,
  type LayoutFieldsPlan,
  type LayoutPlan,
  type LayoutRead,
  type LayoutWriteError,
  PACKAGE_EVENT_FIELDS,
  planLayout,
} from '../installation/layout.js';
import type { OncehubPermissionSet } from '../installation/permset.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.setup');

/**
 * What `sf oncehub setup` would change, decided by pure functions from facts read beforehand: the connection record,
 * the permission set assignment of the API user and the package fields on the Event layouts in use. The plan holds
 * what the writers need (users to insert, new layout metadata); `planJson` is its view for --json.
 */

export type PermsetStep =
  | { status: 'ready'; permissionSet: OncehubPermissionSet; toInsert: UserFacts[]; outcome: AssignmentOutcome }
  /** Nothing can be assigned: the package (and with it the permission set) is missing. */
  | { status: 'blocked'; reason: string };

/** A layout in use and its plan; a layout whose metadata could not be read has no fields plan and is never written. */
export type LayoutChange = { layout: EventLayout; plan: LayoutPlan };
export type LayoutStep = { status: 'ready'; layouts: LayoutChange[] } | { status: 'blocked'; reason: string };

/** `record`: no record for this environment yet, or one for another user, org, alias or mode. */
export type ConnectionStep = 'record' | 'unchanged';

export type SetupPlan = {
  org: { id: string; name: string; environment: Environment };
  apiUser: { username: string; userId: string; mode: ConnectMode };
  connection: ConnectionStep;
  permset: PermsetStep;
  layouts: LayoutStep;
};

/** Facts the plan is made from (see read.ts): the assignment facts, the Event layouts in use and their metadata. */
export type PlanFacts = {
  assignment: AssignmentFacts;
  layouts: EventLayout[];
  /** The package's Event fields that exist in the org (both, once the package is installed). */
  fieldsInOrg: string[];
  /** Metadata (or why it could not be read) of each layout of `layouts`, same order; empty when the fields are missing. */
  metadata: LayoutRead[];
};

export type PermissionSetView = PermsetAssignResult['permissionSet'];

export type SetupPlanJson = {
  org: SetupPlan['org'];
  apiUser: SetupPlan['apiUser'];
  connection: ConnectionStep;
  permset: {
    permissionSet: PermissionSetView | null;
    assign: AssigneeRow[];
    alreadyAssigned: AssigneeRow[];
    failed: FailedRow[];
    blocked?: string;
  };
  layouts: {
    layouts: Array<{ layout: string; add: string[]; alreadyPresent: string[]; error?: LayoutWriteError }>;
    blocked?: string;
  };
  /** How many changes the org would get: permission set assignments plus layouts to update. */
  orgChanges: number;
};

export function planPermset(username: string, facts: AssignmentFacts, alias: string): PermsetStep {
  if (!facts.permissionSet) return { status: 'blocked', reason: messages.getMessage('blocked.permset', [alias]) };
  const { toInsert, outcome } = planAssignments([username], facts);
  return { status: 'ready', permissionSet: facts.permissionSet, toInsert, outcome };
}

export function planLayouts(facts: Pick<PlanFacts, 'layouts' | 'fieldsInOrg' | 'metadata'>, alias: string): LayoutStep {
  const absent = PACKAGE_EVENT_FIELDS.filter((f) => !facts.fieldsInOrg.includes(f));
  if (absent.length > 0) return { status: 'blocked', reason: messages.getMessage('blocked.layouts', [absent.join(', '), alias]) };
  const unread: LayoutRead = { error: { errorCode: 'NO_CONTENT', message: messages.getMessage('blocked.layoutUnread') } };
  return { status: 'ready', layouts: facts.layouts.map((layout, i) => ({ layout, plan: planLayout(facts.metadata[i] ?? unread) })) };
}

/** Whether the environment's record already says exactly this (the time it was made aside). */
export function connectionStep(existing: ConnectionRecord | undefined, checked: ConnectResult): ConnectionStep {
  if (!existing) return 'record';
  const same =
    sameUsername(existing.username, checked.username) &&
    sameId(existing.orgId, checked.orgId) &&
    sameId(existing.userId, checked.userId) &&
    existing.alias === checked.alias &&
    existing.mode === checked.mode &&
    existing.instanceUrl === checked.instanceUrl;
  return same ? 'unchanged' : 'record';
}

export function buildPlan(checked: ConnectResult, orgName: string, existing: ConnectionRecord | undefined, facts: PlanFacts): SetupPlan {
  return {
    org: { id: checked.orgId, name: orgName, environment: checked.environment },
    apiUser: { username: checked.username, userId: checked.userId, mode: checked.mode },
    connection: connectionStep(existing, checked),
    permset: planPermset(checked.username, facts.assignment, checked.alias),
    layouts: planLayouts(facts, checked.alias),
  };
}

const usersToAssign = (plan: SetupPlan): UserFacts[] => (plan.permset.status === 'ready' ? plan.permset.toInsert : []);

/** The layouts that lack a package field (and were read): the only ones written. */
export const changedLayouts = (step: LayoutStep): Array<{ layout: EventLayout; plan: LayoutFieldsPlan }> =>
  step.status === 'ready'
    ? step.layouts.flatMap(({ layout, plan }) => {
        const change = changeOf(plan);
        return change ? [{ layout, plan: change }] : [];
      })
    : [];

/** Changes to the org itself (what needs confirmation on production); recording the connection is local. */
export const orgChanges = (plan: SetupPlan): number => usersToAssign(plan).length + changedLayouts(plan.layouts).length;

export const hasChanges = (plan: SetupPlan): boolean => orgChanges(plan) > 0 || plan.connection === 'record';

const row = (u: UserFacts): AssigneeRow => ({ username: u.username, userId: u.id });

export function planJson(plan: SetupPlan): SetupPlanJson {
  const { permset, layouts } = plan;
  return {
    org: plan.org,
    apiUser: plan.apiUser,
    connection: plan.connection,
    permset:
      permset.status === 'ready'
        ? {
            permissionSet: permissionSetView(permset.permissionSet),
            assign: permset.toInsert.map(row),
            alreadyAssigned: permset.outcome.alreadyAssigned,
            failed: permset.outcome.failed,
          }
        : { permissionSet: null, assign: [], alreadyAssigned: [], failed: [], blocked: permset.reason },
    layouts:
      layouts.status === 'ready'
        ? {
            layouts: layouts.layouts.map(({ layout, plan: p }) =>
              'unreadable' in p
                ? { layout: layout.name, add: [], alreadyPresent: [], error: p.unreadable }
                : { layout: layout.name, add: p.added, alreadyPresent: p.alreadyPresent }
            ),
          }
        : { layouts: [], blocked: layouts.reason },
    orgChanges: orgChanges(plan),
  };
}
