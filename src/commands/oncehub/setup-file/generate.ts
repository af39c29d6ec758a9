import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loggedInTarget, orgFlagError } from '../../../lib/cli/command.js';
import { errorCodesHelp } from '../../../lib/cli/exit-codes.js';
import { targetOrgFlag } from '../../../lib/flags.js';
import { DEFAULT_SETUP_FILE, generateSetupFile, type GenerateResult } from '../../../lib/generate/generate.js';
import { handleInterrupts } from '../../../lib/cli/interrupt.js';
import { quoteArg } from '../../../lib/cli/command-line.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.setup-file.generate');

export type { GenerateResult } from '../../../lib/generate/generate.js';

export default class SetupFileGenerate extends SfCommand<GenerateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1]);

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    'output-file': Flags.string({
      char: 'f',
      summary: messages.getMessage('flags.output-file.summary'),
      description: messages.getMessage('flags.output-file.description'),
      default: DEFAULT_SETUP_FILE,
    }),
    force: Flags.boolean({
      summary: messages.getMessage('flags.force.summary'),
    }),
  };

  public async run(): Promise<GenerateResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(SetupFileGenerate).catch(orgFlagError);
    const { conn, target } = await loggedInTarget(flags, raw);

    this.spinner.start(messages.getMessage('info.reading', [target.alias]));
    const result = await generateSetupFile(conn, target, { outputFile: flags['output-file'], force: flags.force });
    this.spinner.stop();

    const { setupFile } = result;
    this.log(
      messages.getMessage('info.written', [
        result.path,
        target.alias,
        Object.keys(setupFile.fieldValidation ?? {}).length,
        setupFile.fieldMapping?.length ?? 0,
      ])
    );
    if (!setupFile.apiUser) this.log(messages.getMessage('info.noRecordedConnection', [target.alias]));
    this.log(messages.getMessage('info.next', [quoteArg(target.alias), quoteArg(flags['output-file'])]));
    return result;
  }
}
