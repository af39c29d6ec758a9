import { Messages } from '@salesforce/core';
import { type Check, MARKS } from '../checks.js';

/** The tables the commands print, with every header from messages. */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'commands');

/** Table columns whose headers are `column.<key>` in the given bundle. */
export const columnsOf = <K extends string>(bundle: Messages<string>, keys: readonly K[]): Array<{ key: K; name: string }> =>
  keys.map((key) => ({ key, name: bundle.getMessage(`column.${key}`) }));

/** The checks as table rows for the human output: a failed check's fix goes under its result. */
export function checkRows(checks: readonly Check[]): Array<{ status: string; title: string; result: string }> {
  return checks.map((c) => ({
    status: MARKS[c.status],
    title: c.title,
    result: c.fix ? `${c.message}\n${messages.getMessage('info.fix', [c.fix])}` : c.message,
  }));
}

/** The checks as the table connect and setup print: status symbol, title, result with the fix beneath it. */
export const checksTable = (checks: readonly Check[]) => ({
  data: checkRows(checks),
  columns: [{ key: 'status' as const, name: '' }, ...columnsOf(messages, ['title', 'result'] as const)],
  overflow: 'wrap' as const,
});
