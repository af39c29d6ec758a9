import { Messages } from '@salesforce/core';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { configFlag, orgFlagDefaultHelp, targetOrgFlag } from '../../lib/flags.js';
import { explainOrgFlagError, typedTargetOrg } from '../../lib/connection/connect.js';
import { sameId } from '../../lib/connection/state.js';
import { type CompareResult, describeOrg, runCompare } from '../../lib/compare/run.js';
import { handleInterrupts } from '../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.compare');

export type { CompareResult } from '../../lib/compare/run.js';

export default class Compare extends SfCommand<CompareResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('ERROR CODES', {
    '0': messages.getMessage('errorCodes.0'),
    '1': messages.getMessage('errorCodes.1'),
  });

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
    const { flags, raw } = await this.parse(Compare).catch((err: unknown) => {
      throw explainOrgFlagError(err);
    });
    const [source, target] = [flags['source-org'], flags['target-org']];
    if (sameId(source.getOrgId(), target.getOrgId())) throw messages.createError('error.SameOrg', [source.getOrgId()]);
    const [typedSource, typedTarget] = [typedTargetOrg(raw, 'source-org'), typedTargetOrg(raw)];
    const sides = {
      source: { org: source, conn: source.getConnection(flags['api-version']), typedAlias: typedSource },
      target: { org: target, conn: target.getConnection(flags['api-version']), typedAlias: typedTarget },
    };

    this.spinner.start(messages.getMessage('info.comparing', [typedSource ?? source.getUsername(), typedTarget ?? target.getUsername()]));
    const { result, rows } = await runCompare(sides.source, sides.target, flags.config);
    this.spinner.stop();

    this.log(messages.getMessage('info.header', [describeOrg(result.source), describeOrg(result.target)]));
    if (flags.config) this.log(messages.getMessage('info.setupFile', [flags.config]));
    if (rows.length === 0) {
      this.log(messages.getMessage('info.same', [flags.config ? messages.getMessage('info.sameSchema') : '']));
    } else {
      this.table({
        data: rows,
        columns: (['item', 'source', 'target', 'todo'] as const).map((key) => ({ key, name: messages.getMessage(`column.${key}`) })),
        overflow: 'wrap',
      });
    }
    if (result.ready) this.log(messages.getMessage('info.ready', [flags.config ? messages.getMessage('info.readySchema') : '']));
    else this.log(messages.getMessage('info.notReady'));
    if (!result.ready) process.exitCode = 1;
    return result;
  }
}
