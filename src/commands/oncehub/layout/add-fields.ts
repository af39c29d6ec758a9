import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loggedInTarget, orgFlagError } from '../../../lib/cli/command.js';
import { errorCodesHelp } from '../../../lib/cli/exit-codes.js';
import { columnsOf } from '../../../lib/cli/table.js';
import { layoutFlag, targetOrgFlag } from '../../../lib/flags.js';
import { toSfError } from '../../../lib/org/errors.js';
import { addLayoutFields, type LayoutAddFieldsResult, type LayoutFieldsRow } from '../../../lib/installation/layout.js';
import { backupBeforeWrite, restoreCommand } from '../../../lib/installation/backup.js';
import { addLayoutFieldsToSource, retrieveCommand, type SourceLayoutsResult } from '../../../lib/installation/source-layouts.js';
import { handleInterrupts } from '../../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.add-fields');

export type { LayoutAddFieldsResult, LayoutFieldsRow } from '../../../lib/installation/layout.js';
export type { SourceLayoutsResult, SourceLayoutRow } from '../../../lib/installation/source-layouts.js';

/** The result: the org's layouts, or with --source-dir the project's files (each row with its file) and notInProject. */
export type AddFieldsCommandResult = Omit<LayoutAddFieldsResult, 'layouts'> & {
  layouts: Array<LayoutFieldsRow & { file?: string }>;
  notInProject?: string[];
};

export default class LayoutAddFields extends SfCommand<AddFieldsCommandResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1, 68]);

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    layout: layoutFlag(messages),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    'source-dir': Flags.directory({
      char: 'd',
      multiple: true,
      summary: messages.getMessage('flags.source-dir.summary'),
      description: messages.getMessage('flags.source-dir.description'),
      exclusive: ['backup-dir'],
    }),
    'backup-dir': Flags.directory({
      summary: messages.getMessage('flags.backup-dir.summary'),
      description: messages.getMessage('flags.backup-dir.description'),
    }),
  };

  public async run(): Promise<AddFieldsCommandResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(LayoutAddFields).catch(orgFlagError);
    const { conn, target } = await loggedInTarget(flags, raw);
    this.spinner.start(messages.getMessage('info.reading'));
    const sourceDirs = flags['source-dir'];
    if (sourceDirs?.length) {
      // The project's files instead of the org: reads only (zero writes to the org).
      const source = await addLayoutFieldsToSource(conn, target.alias, { sourceDirs, layouts: flags.layout, dryRun: flags['dry-run'] }).catch(
        (err: unknown) => {
          throw toSfError(err, target);
        }
      );
      this.spinner.stop();
      this.printSource(source.result);
      if (source.exitCode !== 0) process.exitCode = source.exitCode;
      return source.result;
    }
    const backup = backupBeforeWrite(
      { orgId: target.orgId, username: target.username, apiVersion: conn.getApiVersion() },
      { dir: flags['backup-dir'] }
    );
    const { result, changing, exitCode } = await addLayoutFields(conn, target.alias, {
      layouts: flags.layout,
      dryRun: flags['dry-run'],
      beforeWrite: backup.hook,
    }).catch((err: unknown) => {
      throw toSfError(err, target);
    });
    this.spinner.stop();
    const backupDir = backup.written();
    if (backupDir) result.backupDir = backupDir;
    this.print(result, changing);
    if (backupDir) this.log(messages.getMessage('info.backup', [backupDir, restoreCommand(target.alias, backupDir)]));
    if (exitCode !== 0) process.exitCode = exitCode;
    return result;
  }

  private printSource(result: SourceLayoutsResult): void {
    const list = (fields: string[] | undefined): string => (fields?.length ? fields.join(', ') : '-');
    if (result.layouts.length > 0) {
      this.table({
        data: result.layouts.map((r) => ({ layout: r.layout, file: r.file, added: list(r.added), alreadyPresent: list(r.alreadyPresent) })),
        columns: [
          ...columnsOf(messages, ['layout', 'file'] as const),
          { key: 'added' as const, name: messages.getMessage(result.dryRun ? 'column.wouldAdd' : 'column.added') },
          ...columnsOf(messages, ['alreadyPresent'] as const),
        ],
      });
    }
    for (const r of result.layouts) {
      if (r.error) this.warn(messages.getMessage('warning.fileUnchanged', [r.file, r.error.message]));
    }
    if (result.notInProject.length > 0) {
      this.warn(messages.getMessage('warning.notInProject', [result.notInProject.map((n) => `  ${retrieveCommand(n)}`).join('\n')]));
    }
    const changing = result.layouts.filter((r) => r.added.length > 0).length;
    if (result.dryRun) this.log(messages.getMessage('info.sourceDryRun', [changing, result.layouts.length]));
    else if (changing === 0) this.log(messages.getMessage('info.sourceNothingToDo', [result.layouts.length]));
    else this.logSuccess(messages.getMessage('info.sourceSummary', [changing, result.layouts.length]));
  }

  private print(result: LayoutAddFieldsResult, changing: number): void {
    const { layouts } = result;
    if (layouts.length === 0) return this.log(messages.getMessage('info.noLayouts'));
    const list = (fields: string[] | undefined): string => (fields?.length ? fields.join(', ') : '-');
    this.table({
      data: layouts.map((r) => ({ layout: r.layout, added: list(r.added), alreadyPresent: list(r.alreadyPresent) })),
      columns: [
        ...columnsOf(messages, ['layout'] as const),
        { key: 'added' as const, name: messages.getMessage(result.dryRun ? 'column.wouldAdd' : 'column.added') },
        ...columnsOf(messages, ['alreadyPresent'] as const),
      ],
    });
    for (const r of layouts) {
      if (r.error) this.warn(messages.getMessage(r.unreadable ? 'warning.unreadable' : 'warning.writeFailed', [r.layout, r.error.message, r.error.errorCode]));
    }
    const written = layouts.filter((r) => r.added.length > 0).length;
    if (result.dryRun) this.log(messages.getMessage('info.dryRun', [changing, layouts.length]));
    else if (changing === 0) this.log(messages.getMessage('info.nothingToDo', [layouts.length]));
    else this.logSuccess(messages.getMessage('info.summary', [written, layouts.length]));
  }
}
