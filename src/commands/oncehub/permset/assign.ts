import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loggedInTarget, orgFlagError, setExitCode } from '../../../lib/cli/command.js';
import { errorCodesHelp } from '../../../lib/cli/exit-codes.js';
import { columnsOf } from '../../../lib/cli/table.js';
import { onBehalfOfFlag, targetOrgFlag } from '../../../lib/flags.js';
import { recordForOrg } from '../../../lib/connection/state.js';
import { toSfError } from '../../../lib/org/errors.js';
import {
  aliasResolver,
  type AssigneeRow,
  assignPermissionSet,
  chooseAssignees,
  type FailedRow,
  type PermsetAssignResult,
} from '../../../lib/installation/assign.js';
import { handleInterrupts } from '../../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.permset.assign');

export type { PermsetAssignResult } from '../../../lib/installation/assign.js';

export default class PermsetAssign extends SfCommand<PermsetAssignResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1, 68]);

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    'on-behalf-of': onBehalfOfFlag(messages),
    'permset-name': Flags.string({ summary: messages.getMessage('flags.permset-name.summary') }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<PermsetAssignResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(PermsetAssign).catch(orgFlagError);
    const { org, conn, target } = await loggedInTarget(flags, raw);
    const usernames = chooseAssignees({
      onBehalfOf: flags['on-behalf-of'],
      recordedUsername: flags['on-behalf-of'] ? undefined : (await recordForOrg(org.getOrgId()))?.username,
      orgUsername: target.username,
      resolveAlias: await aliasResolver(),
    });
    this.spinner.start(messages.getMessage('info.reading'));
    const result = await assignPermissionSet(conn, target.alias, {
      usernames,
      permsetName: flags['permset-name'],
      dryRun: flags['dry-run'],
      progress: {
        start: (total, permsetLabel): void => {
          this.spinner.stop();
          const title = messages.getMessage('info.assigning', [permsetLabel]);
          this.progress.start(total, {}, { title, format: '%s | {bar} | {value}/{total} users' });
        },
        update: (done): void => this.progress.update(done),
        finish: (): void => this.progress.finish(),
      },
    }).catch((err: unknown) => {
      throw toSfError(err, target);
    });
    this.spinner.stop();
    this.print(result);
    setExitCode({ failed: result.failed.length, succeeded: result.assigned.length + result.alreadyAssigned.length });
    return result;
  }

  private print(result: PermsetAssignResult): void {
    const userColumns = columnsOf(messages, ['username', 'userId'] as const);
    const show = (title: string, data: AssigneeRow[]): void => {
      // Users who hold the set through a permission set group get a column naming the group.
      const via = data.some((row) => row.via) ? columnsOf(messages, ['via'] as const) : [];
      if (data.length > 0) this.table({ title: messages.getMessage(title), data, columns: [...userColumns, ...via] });
    };
    show(result.dryRun ? 'table.wouldAssign' : 'table.assigned', result.assigned);
    show('table.alreadyAssigned', result.alreadyAssigned);
    if (result.failed.length > 0) {
      this.table<FailedRow>({
        title: messages.getMessage('table.failed'),
        data: result.failed,
        columns: columnsOf(messages, ['username', 'errorCode', 'message'] as const),
      });
    }
    const [assigned, already, failed] = [result.assigned.length, result.alreadyAssigned.length, result.failed.length];
    const label = result.permissionSet.label;
    if (result.dryRun) this.log(messages.getMessage('info.dryRun', [assigned, label, already, failed]));
    else this.log(messages.getMessage('info.summary', [label, assigned, already, failed]));
  }
}
