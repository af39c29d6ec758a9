import { Messages } from '@salesforce/core';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { recordForOrg } from '../../../lib/connection/state.js';
import { toSfError } from '../../../lib/org/errors.js';
import {
  type AssigneeRow,
  type PermsetAssignResult,
  chooseAssignees,
  COLLECTION_SIZE,
  exitCodeFor,
  type FailedRow,
  fetchAssignmentFacts,
  insertAssignments,
  mergeInto,
  planAssignments,
} from '../../../lib/installation/assign.js';
import { aliasResolver, orgContext } from '../../../lib/installation/context.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.permset.assign');

export type { PermsetAssignResult } from '../../../lib/installation/assign.js';

export default class PermsetAssign extends SfCommand<PermsetAssignResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('EXIT CODES', {
    '0': messages.getMessage('errorCodes.0'),
    '68': messages.getMessage('errorCodes.68'),
    '1': messages.getMessage('errorCodes.1'),
  });

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'on-behalf-of': Flags.string({
      char: 'b',
      multiple: true,
      summary: messages.getMessage('flags.on-behalf-of.summary'),
      description: messages.getMessage('flags.on-behalf-of.description'),
    }),
    'permset-name': Flags.string({ summary: messages.getMessage('flags.permset-name.summary') }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<PermsetAssignResult> {
    const { flags } = await this.parse(PermsetAssign);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const ctx = await orgContext(org, conn);
    const usernames = chooseAssignees({
      onBehalfOf: flags['on-behalf-of'],
      recordedUsername: flags['on-behalf-of'] ? undefined : (await recordForOrg(org.getOrgId()))?.username,
      orgUsername: ctx.username,
      resolveAlias: await aliasResolver(),
    });
    try {
      this.spinner.start(messages.getMessage('info.Reading'));
      const facts = await fetchAssignmentFacts(conn, usernames, flags['permset-name']);
      this.spinner.stop();
      const permissionSet = facts.permissionSet;
      if (!permissionSet) {
        throw flags['permset-name']
          ? messages.createError('error.PermsetNotFound', [flags['permset-name'], ctx.alias], [ctx.alias])
          : messages.createError('error.PackageNotInstalled', [ctx.alias], [ctx.alias]);
      }
      const { toInsert, outcome } = planAssignments(usernames, facts);
      const { id, name, label, namespacePrefix } = permissionSet;
      const result: PermsetAssignResult = { permissionSet: { id, name, label, namespacePrefix }, ...outcome };
      if (flags['dry-run']) {
        result.assigned = toInsert.map((u) => ({ username: u.username, userId: u.id }));
        result.dryRun = true;
      } else if (toInsert.length > 0) {
        if (toInsert.length > COLLECTION_SIZE) {
          const title = messages.getMessage('info.Assigning', [label]);
          this.progress.start(toInsert.length, {}, { title, format: '%s | {bar} | {value}/{total} users' });
        }
        mergeInto(result, await insertAssignments(conn, permissionSet, toInsert, (done) => this.progress.update(done)));
        this.progress.finish();
      }
      this.print(result);
      process.exitCode = exitCodeFor(result);
      return result;
    } catch (err) {
      this.progress.stop();
      throw toSfError(err, ctx);
    }
  }

  private print(result: PermsetAssignResult): void {
    const userColumns = [
      { key: 'username', name: 'Username' },
      { key: 'userId', name: 'User Id' },
    ] as const;
    const show = (title: string, data: AssigneeRow[]): void => {
      if (data.length > 0) this.table({ title: messages.getMessage(title), data, columns: [...userColumns] });
    };
    show(result.dryRun ? 'table.WouldAssign' : 'table.Assigned', result.assigned);
    show('table.AlreadyAssigned', result.alreadyAssigned);
    if (result.failed.length > 0) {
      this.table<FailedRow>({
        title: messages.getMessage('table.Failed'),
        data: result.failed,
        columns: [
          { key: 'username', name: 'Username' },
          { key: 'errorCode', name: 'Error Code' },
          { key: 'message', name: 'Message' },
        ],
      });
    }
    const [assigned, already, failed] = [result.assigned.length, result.alreadyAssigned.length, result.failed.length];
    const label = result.permissionSet.label;
    if (result.dryRun) this.log(messages.getMessage('info.DryRun', [assigned, label, already, failed]));
    else this.log(messages.getMessage('info.Summary', [label, assigned, already, failed]));
  }
}
