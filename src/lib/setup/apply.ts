import type { Connection } from '@salesforce/core';
import { type ConnectOutcome, recordCheckedConnection } from '../connection/connect.js';
import type { ConnectionRecord } from '../connection/state.js';
import { insertAssignments, mergeInto, permissionSetView, type PermsetAssignResult } from '../installation/assign.js';
import { type LayoutAddFieldsResult, layoutRow, type LayoutWriteHook, writeLayouts } from '../installation/layout.js';
import { type OrgContext, toSfError } from '../org/errors.js';
import { changedLayouts, type LayoutStep, type PermsetStep, type SetupPlan } from './plan.js';

/**
 * The writes of a confirmed plan, through the installation libraries' writers, in the order of the setup: record the
 * connection, insert the missing permission set assignment (one sObject Collections request), update only the
 * layouts that change (Metadata API, ≤ 10 per call). A step with nothing to do sends nothing, so a second run writes nothing.
 * The results have the shapes of `permset assign` and `layout add-fields`.
 */

export type SetupApplied = {
  /** The record written by this run; null when the recorded connection was already this one. */
  connection: ConnectionRecord | null;
  /** null when nothing could be assigned (the package is missing). */
  permset: Omit<PermsetAssignResult, 'dryRun'> | null;
  /** null when the package fields do not exist in the org. */
  layouts: Omit<LayoutAddFieldsResult, 'dryRun'> | null;
};

export const nothingApplied = (): SetupApplied => ({ connection: null, permset: null, layouts: null });

async function applyPermset(conn: Connection, step: PermsetStep): Promise<SetupApplied['permset']> {
  if (step.status === 'blocked') return null;
  const { assigned, alreadyAssigned, failed } = step.outcome;
  const result = {
    permissionSet: permissionSetView(step.permissionSet),
    assigned: [...assigned],
    alreadyAssigned: [...alreadyAssigned],
    failed: [...failed],
  };
  if (step.toInsert.length > 0) mergeInto(result, await insertAssignments(conn, step.permissionSet, step.toInsert));
  return result;
}

async function applyLayouts(conn: Connection, step: LayoutStep, beforeWrite?: LayoutWriteHook): Promise<SetupApplied['layouts']> {
  if (step.status === 'blocked') return null;
  const changes = changedLayouts(step).map(({ layout, plan }) => ({ layout, metadata: plan.metadata, read: plan.read }));
  const failures = await writeLayouts(conn, changes, beforeWrite);
  return { layouts: step.layouts.map(({ layout, plan }) => layoutRow(layout, plan, failures.get(layout.id))) };
}

/**
 * Applies the plan. The connection is recorded first (its checks passed), so a later org failure (expired session,
 * request limit) still leaves the API user recorded; such a failure is thrown as an SfError with actions, and what
 * a rerun would do is then the remaining plan.
 */
export async function applyPlan(
  conn: Connection,
  plan: SetupPlan,
  checked: ConnectOutcome,
  ctx: OrgContext,
  now?: () => Date,
  /** The backup of the layouts before they are written (backup.ts). */
  beforeWrite?: LayoutWriteHook
): Promise<SetupApplied> {
  const connection = plan.connection === 'record' ? (await recordCheckedConnection(checked, now)).record : null;
  try {
    const permset = await applyPermset(conn, plan.permset);
    const layouts = await applyLayouts(conn, plan.layouts, beforeWrite);
    return { connection, permset, layouts };
  } catch (err) {
    throw toSfError(err, ctx);
  }
}

/** Whether a write was refused for some user or layout (the rest went through). */
export const writesFailed = (applied: SetupApplied): boolean =>
  (applied.permset?.failed.length ?? 0) > 0 || (applied.layouts?.layouts.some((l) => l.error) ?? false);
