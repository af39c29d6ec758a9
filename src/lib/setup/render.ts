import { Messages } from '@salesforce/core';
import { MARKS } from '../checks.js';
import type { SetupApplied } from './apply.js';
import { changedLayouts, hasChanges, type SetupPlan } from './plan.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.setup');

/** The setup's human output, as lines: the plan before anything is written, then one line per step applied. */

const text = (key: string, tokens: Array<string | number> = []): string => messages.getMessage(key, tokens);
const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

export const orgLabel = (plan: SetupPlan): string => plan.org.name || plan.org.id;

export function renderPlan(plan: SetupPlan): string[] {
  const { apiUser, permset, layouts } = plan;
  const lines = [text('plan.header', [orgLabel(plan), plan.org.environment])];
  const item = (line: string): number => lines.push(`  - ${line}`);
  if (plan.connection === 'record') item(text('plan.connection', [apiUser.username, plan.org.environment, apiUser.mode]));
  if (permset.status === 'blocked') item(`${MARKS.fail} ${permset.reason}`);
  else if (permset.toInsert.length > 0) {
    item(text('plan.permset', [permset.permissionSet.label, permset.toInsert.map((u) => u.username).join(', ')]));
  }
  if (layouts.status === 'blocked') item(`${MARKS.fail} ${layouts.reason}`);
  for (const { layout, plan: fields } of changedLayouts(layouts)) {
    item(text('plan.layout', [fields.added.join(', '), layout.name]));
  }
  if (layouts.status === 'ready') {
    for (const { layout, plan: p } of layouts.layouts) {
      if ('unreadable' in p) item(`${MARKS.fail} ${text('step.layoutUnreadable', [layout.name, p.unreadable.message, p.unreadable.errorCode])}`);
    }
  }
  if (!hasChanges(plan)) lines.push(`  ${text('plan.nothing')}`);
  return lines;
}

/** One line per step: connection, permission set, layouts, each done, already done, refused or impossible. */
export function renderSteps(plan: SetupPlan, applied: SetupApplied): string[] {
  const { apiUser, org } = plan;
  const lines = [
    applied.connection
      ? `${MARKS.pass} ${text('step.connected', [apiUser.username, org.environment, apiUser.mode])}`
      : `${MARKS.pass} ${text('step.alreadyConnected', [apiUser.username, org.environment, apiUser.mode])}`,
  ];

  if (plan.permset.status === 'blocked') lines.push(`${MARKS.fail} ${plan.permset.reason}`);
  else if (applied.permset) {
    const { permissionSet, assigned, alreadyAssigned, failed } = applied.permset;
    const names = (rows: Array<{ username: string }>): string => rows.map((r) => r.username).join(', ');
    if (assigned.length) lines.push(`${MARKS.pass} ${text('step.assigned', [permissionSet.label, names(assigned)])}`);
    if (alreadyAssigned.length) lines.push(`${MARKS.pass} ${text('step.alreadyAssigned', [permissionSet.label, names(alreadyAssigned)])}`);
    for (const f of failed) lines.push(`${MARKS.fail} ${text('step.notAssigned', [permissionSet.label, f.username, f.message, f.errorCode])}`);
  }

  if (plan.layouts.status === 'blocked') lines.push(`${MARKS.fail} ${plan.layouts.reason}`);
  else if (applied.layouts) {
    const rows = applied.layouts.layouts;
    const updated = rows.filter((r) => r.added.length > 0);
    const refused = rows.filter((r) => r.error);
    if (rows.length === 0) lines.push(`${MARKS.warn} ${text('step.noLayouts')}`);
    else if (updated.length > 0) lines.push(`${MARKS.pass} ${text('step.layoutsUpdated', [quoted(updated.map((r) => r.layout)), updated.length, rows.length])}`);
    else if (refused.length === 0) lines.push(`${MARKS.pass} ${text('step.layoutsDone', [rows.length])}`);
    for (const r of refused) {
      const key = r.unreadable ? 'step.layoutUnreadable' : 'step.layoutRefused';
      lines.push(`${MARKS.fail} ${text(key, [r.layout, r.error?.message ?? '', r.error?.errorCode ?? ''])}`);
    }
  }
  return lines;
}
