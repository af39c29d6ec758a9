import { join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { MARKS } from '../checks.js';
import { escapeControl } from '../cli/command-line.js';
import { environmentOf } from '../org/identity.js';
import { writeFileSafely } from '../files.js';
import type { DoctorFacts } from './facts.js';
import { fixesInOrder } from './render.js';
import type { DoctorReport } from './report.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.doctor');

/**
 * `--result-format markdown`: the report as GitHub-flavoured Markdown, for `>> "$GITHUB_STEP_SUMMARY"` or a
 * merge-request comment: a heading with the org and the progress, one table per phase, then the numbered fixes.
 */

export const MARKDOWN_FILE_NAME = 'oncehub-doctor.md';

/**
 * Text placed in Markdown: a `|` would end a table cell and a newline the row; `<…>` (as in `-o <alias>`) would be
 * read as an HTML tag and vanish; `*`, `` ` ``, `[` would start emphasis, code or links. Underscores stay: inside
 * a word (Region__c) GFM never reads them as emphasis. Control characters are shown as escapes (`\\e`, `\\u202e`).
 */
export function escapeMarkdown(text: string): string {
  // Control characters (a lone \r, ESC, bidi overrides) become visible escapes, whose backslash is escaped in turn.
  return text
    .split(/\r?\n/)
    .map((line) => escapeControl(line).replace(/[\\|<>*`[\]]/g, (c) => `\\${c}`))
    .join('<br>');
}

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

export function markdownReport(report: DoctorReport, facts: Pick<DoctorFacts, 'target' | 'apiUser' | 'mode'>): string {
  const { org, progress, summary } = report;
  const header = messages.getMessage('info.header', [org.name || facts.target.alias, org.id, environmentOf(org), org.edition || '?']);
  const lines = [
    `## ${escapeMarkdown(header)} — ${messages.getMessage('info.progress', [progress.done, progress.total])}`,
    '',
    escapeMarkdown(
      messages.getMessage('info.apiUser', [facts.apiUser.username, messages.getMessage(`info.source.${facts.apiUser.source}`), facts.mode])
    ),
    '',
    escapeMarkdown(messages.getMessage('info.summary', [summary.pass, summary.warn, summary.fail, summary.skip])),
  ];
  const columns = ['markdown.status', 'markdown.check', 'markdown.result'].map((key) => messages.getMessage(key));
  for (const phase of report.phases) {
    lines.push('', `### ${MARKS[phase.status]} ${escapeMarkdown(phase.title)}`, '', row(columns), row(columns.map(() => '---')));
    for (const check of phase.checks) {
      lines.push(row([MARKS[check.status], `${escapeMarkdown(check.title)} (\`${check.id}\`)`, escapeMarkdown(check.message)]));
    }
  }
  const fixes = fixesInOrder(report);
  if (fixes.length > 0) {
    lines.push('', `### ${escapeMarkdown(messages.getMessage('info.fixes'))}`, '');
    fixes.forEach(({ status, fix }, i) => lines.push(`${i + 1}. ${MARKS[status]} ${escapeMarkdown(fix)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the Markdown report to <dir>/oncehub-doctor.md (creating dir) through a temporary file. */
export async function writeMarkdownReport(markdown: string, outputDir: string): Promise<string> {
  const path = join(resolve(outputDir), MARKDOWN_FILE_NAME);
  await writeFileSafely(path, markdown, { overwrite: true });
  return path;
}
