import type { Connection, Org } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { type CheckStatus, MARKS } from '../checks.js';
import { environmentOf } from '../org/identity.js';
import type { DoctorReport, PhaseId } from '../doctor/report.js';
import { runDoctor } from '../doctor/run.js';
import { checkDifferences, isReady, isWorse, type SchemaIssue, type SchemaSeverity, schemaDifferences } from './diff.js';
import { quoteArg } from '../cli/command-line.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.compare');

/**
 * `sf oncehub compare`: the doctor's gathering for both orgs at once (each at most four requests, so at most eight,
 * and the wall time of one doctor run), then the pure comparison (diff.ts) and the rows of the human table.
 */

export type CompareOrg = DoctorReport['org'] & { alias: string };

export type CompareResult = {
  source: CompareOrg;
  target: CompareOrg;
  checks: Array<{ phase: PhaseId; id: string; source: CheckStatus; target: CheckStatus }>;
  /** `severity`: whether the difference breaks a booking's write in the target, or is a risk to review. */
  schema: Array<{ object: string; field: string; issue: SchemaIssue; severity: SchemaSeverity; source: string; target: string }>;
  ready: boolean;
};

/** One row of the human table: check or field, source, target, what to do. */
export type CompareRow = { item: string; source: string; target: string; todo: string };

export type CompareSide = { org: Org; conn: Connection; typedAlias?: string };

const statusText = (status: CheckStatus): string => `${MARKS[status]} ${status}`;

export async function runCompare(
  source: CompareSide,
  target: CompareSide,
  configPath: string | undefined
): Promise<{ result: CompareResult; rows: CompareRow[] }> {
  const [before, after] = await Promise.all(
    [source, target].map((side) => runDoctor(side.org, side.conn, { configPath, typedAlias: side.typedAlias }))
  );
  const checks = checkDifferences(before.report, after.report);
  const setup = after.facts.setup?.file;
  const schema = setup ? schemaDifferences(setup, before.facts, after.facts) : [];
  const orgOf = (side: typeof before): CompareOrg => ({ alias: side.facts.target.alias, ...side.report.org });
  const result: CompareResult = {
    source: orgOf(before),
    target: orgOf(after),
    checks: checks.map(({ phase, id, source: from, target: to }) => ({ phase, id, source: from, target: to })),
    schema: schema.map(({ object, field, issue, severity, source: from, target: to }) => ({ object, field, issue, severity, source: from, target: to })),
    ready: isReady(checks, schema),
  };
  const rows: CompareRow[] = [
    ...checks.map((d) => ({
      item: `${d.title} (${d.id})`,
      source: statusText(d.source),
      target: statusText(d.target),
      todo: isWorse(d) ? d.fix ?? messages.getMessage('todo.rerunDoctor', [quoteArg(result.target.alias)]) : messages.getMessage('todo.nothing'),
    })),
    ...schema.map((d) => ({
      item: `${d.object}.${d.field}: ${messages.getMessage(`issue.${d.issue}`)}${d.severity === 'warning' ? ` (${messages.getMessage('severity.warning')})` : ''}`,
      source: d.source,
      target: d.target,
      todo: d.fix,
    })),
  ];
  return { result, rows };
}

/** "acme-uat (sandbox, 00D…)" */
export const describeOrg = (org: CompareOrg): string => messages.getMessage('info.org', [org.alias, environmentOf(org), org.id]);
