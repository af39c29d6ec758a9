import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { orgFlagError, setExitCode, targetOrg } from '../../lib/cli/command.js';
import { errorCodesHelp } from '../../lib/cli/exit-codes.js';
import { columnsOf } from '../../lib/cli/table.js';
import { configFlag, orgFlagDefaultHelp, targetOrgFlag } from '../../lib/flags.js';
import { sameId } from '../../lib/org/identity.js';
import { type CompareResult, describeOrg, runCompare } from '../../lib/compare/run.js';
import { handleInterrupts } from '../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.compare');

export type { CompareResult } from '../../lib/compare/run.js';

export default class Compare extends SfCommand<CompareResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1]);

  public static readonly flags = {
    'source-org': Flags.optionalOrg({
      char: 's',
      summary: messages.getMessage('flags.source-org.summary'),
      required: true,
      defaultHelp: orgFlagDefaultHelp,
    }),
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    config: configFlag(messages),
  };

  public async run(): Promise<CompareResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(Compare).catch(orgFlagError);
    const [source, target] = [targetOrg(flags, raw, 'source-org'), targetOrg(flags, raw)];
    if (sameId(source.org.getOrgId(), target.org.getOrgId())) throw messages.createError('error.sameOrg', [source.org.getOrgId()]);

    const named = (side: typeof source): string | undefined => side.typedAlias ?? side.org.getUsername();
    this.spinner.start(messages.getMessage('info.comparing', [named(source), named(target)]));
    const { result, rows } = await runCompare(source, target, flags.config);
    this.spinner.stop();

    this.log(messages.getMessage('info.header', [describeOrg(result.source), describeOrg(result.target)]));
    if (flags.config) this.log(messages.getMessage('info.setupFile', [flags.config]));
    if (rows.length === 0) {
      this.log(messages.getMessage('info.same', [flags.config ? messages.getMessage('info.sameSchema') : '']));
    } else {
      this.table({
        data: rows,
        columns: columnsOf(messages, ['item', 'source', 'target', 'todo'] as const),
        overflow: 'wrap',
      });
    }
    if (result.ready) this.log(messages.getMessage('info.ready', [flags.config ? messages.getMessage('info.readySchema') : '']));
    else this.log(messages.getMessage('info.notReady'));
    setExitCode({ failed: result.ready ? 0 : 1 });
    return result;
  }
}
