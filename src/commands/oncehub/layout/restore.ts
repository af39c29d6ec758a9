import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loggedInTarget, orgFlagError } from '../../../lib/cli/command.js';
import { errorCodesHelp } from '../../../lib/cli/exit-codes.js';
import { handleInterrupts } from '../../../lib/cli/interrupt.js';
import { columnsOf } from '../../../lib/cli/table.js';
import { targetOrgFlag } from '../../../lib/flags.js';
import { toSfError } from '../../../lib/org/errors.js';
import { restoreCommand } from '../../../lib/installation/backup.js';
import { restoreLayouts, type RestoreResult } from '../../../lib/installation/restore.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.restore');

export type { RestoreResult, RestoreRow } from '../../../lib/installation/restore.js';

export default class LayoutRestore extends SfCommand<RestoreResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1, 68]);

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    'backup-dir': Flags.directory({ required: true, exists: true, summary: messages.getMessage('flags.backup-dir.summary') }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    force: Flags.boolean({ summary: messages.getMessage('flags.force.summary') }),
  };

  public async run(): Promise<RestoreResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(LayoutRestore).catch(orgFlagError);
    const { conn, target } = await loggedInTarget(flags, raw);
    this.spinner.start(messages.getMessage('info.reading'));
    const { result, exitCode } = await restoreLayouts(conn, target, {
      dir: flags['backup-dir'],
      dryRun: flags['dry-run'],
      force: flags.force,
    }).catch((err: unknown) => {
      throw toSfError(err, target);
    });
    this.spinner.stop();
    this.print(result, restoreCommand(target.alias, flags['backup-dir']));
    if (exitCode !== 0) process.exitCode = exitCode;
    return result;
  }

  private print(result: RestoreResult, command: string): void {
    const { layouts } = result;
    this.table({
      data: layouts.map((r) => ({ layout: r.layout, restored: messages.getMessage(r.restored ? (result.dryRun ? 'value.wouldRestore' : 'value.yes') : 'value.no'), reason: r.reason ?? '' })),
      columns: columnsOf(messages, ['layout', 'restored', 'reason'] as const),
    });
    const restored = layouts.filter((r) => r.restored).length;
    if (result.dryRun) this.log(messages.getMessage('info.dryRun', [restored, layouts.length]));
    else this.logSuccess(messages.getMessage('info.summary', [restored, layouts.length, result.backupDir]));
    if (restored < layouts.length && layouts.some((r) => r.reason === messages.getMessage('reason.changedSince'))) {
      this.warn(messages.getMessage('info.force', [command]));
    }
  }
}
