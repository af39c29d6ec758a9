import { Messages } from '@salesforce/core';
import { type CheckStatus, MARKS } from '../checks.js';
import { environmentOf } from '../org/identity.js';
import type { DoctorFacts } from './facts.js';
import type { DoctorReport } from './report.js';
import { escapeControl } from '../cli/command-line.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.doctor');

/** The doctor's human output, a checklist: phases in order with their checks, the progress, then the fixes in order. */

/** The fixes of the checks that do not pass, in phase order, each once. */
export function fixesInOrder(report: DoctorReport): Array<{ status: CheckStatus; fix: string }> {
  const seen = new Set<string>();
  return report.phases
    .flatMap((phase) => phase.checks)
    .filter((check) => check.fix && (check.status === 'fail' || check.status === 'warn'))
    .filter((check) => !seen.has(check.fix!) && !!seen.add(check.fix!))
    .map((check) => ({ status: check.status, fix: check.fix! }));
}

/** Text for the terminal: its lines kept, control characters inside them (ESC, a lone CR, bidi overrides) escaped. */
export const shown = (text: string): string => text.split('\n').map(escapeControl).join('\n');

export function renderReport(report: DoctorReport, facts: Pick<DoctorFacts, 'target' | 'apiUser' | 'mode'>): string[] {
  const { org } = report;
  const lines = [
    messages.getMessage('info.header', [escapeControl(org.name || facts.target.alias), org.id, environmentOf(org), escapeControl(org.edition || '?')]),
    messages.getMessage('info.apiUser', [escapeControl(facts.apiUser.username), messages.getMessage(`info.source.${facts.apiUser.source}`), facts.mode]),
    '',
  ];
  for (const phase of report.phases) {
    lines.push(`${MARKS[phase.status]} ${shown(phase.title)}`);
    for (const check of phase.checks) lines.push(`    ${MARKS[check.status]} ${shown(check.title)}: ${shown(check.message)}`);
  }
  const { summary, progress } = report;
  lines.push(
    '',
    messages.getMessage('info.progress', [progress.done, progress.total]),
    messages.getMessage('info.summary', [summary.pass, summary.warn, summary.fail, summary.skip])
  );
  const fixes = fixesInOrder(report);
  if (fixes.length > 0) {
    lines.push('', messages.getMessage('info.fixes'));
    fixes.forEach(({ status, fix }, i) => lines.push(`  ${i + 1}. ${MARKS[status]} ${shown(fix)}`));
  }
  return lines;
}
