import { Messages } from '@salesforce/core';
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { layoutFlag, targetOrgFlag } from '../../../lib/flags.js';
import { connectTarget, explainOrgFlagError, typedTargetOrg } from '../../../lib/connection/connect.js';
import { toSfError } from '../../../lib/org/errors.js';
import { addLayoutFields, type LayoutAddFieldsResult } from '../../../lib/installation/layout.js';
import { handleInterrupts } from '../../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.add-fields');

export type { LayoutAddFieldsResult, LayoutFieldsRow } from '../../../lib/installation/layout.js';

export default class LayoutAddFields extends SfCommand<LayoutAddFieldsResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('ERROR CODES', {
    '0': messages.getMessage('errorCodes.0'),
    '68': messages.getMessage('errorCodes.68'),
    '1': messages.getMessage('errorCodes.1'),
  });

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    layout: layoutFlag(messages),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<LayoutAddFieldsResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(LayoutAddFields).catch((err: unknown) => {
      throw explainOrgFlagError(err);
    });
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const target = await connectTarget(org, conn, typedTargetOrg(raw));
    this.spinner.start(messages.getMessage('info.Reading'));
    const { result, changing, exitCode } = await addLayoutFields(conn, target.alias, {
      layouts: flags.layout,
      dryRun: flags['dry-run'],
    }).catch((err: unknown) => {
      throw toSfError(err, target);
    });
    this.spinner.stop();
    this.print(result, changing);
    if (exitCode !== 0) process.exitCode = exitCode;
    return result;
  }

  private print(result: LayoutAddFieldsResult, changing: number): void {
    const { layouts } = result;
    if (layouts.length === 0) return this.log(messages.getMessage('info.NoLayouts'));
    const list = (fields: string[] | undefined): string => (fields?.length ? fields.join(', ') : '-');
    this.table({
      data: layouts.map((r) => ({ layout: r.layout, added: list(r.added), alreadyPresent: list(r.alreadyPresent) })),
      columns: [
        { key: 'layout', name: 'Layout' },
        { key: 'added', name: result.dryRun ? 'Would add' : 'Added' },
        { key: 'alreadyPresent', name: 'Already present' },
      ],
    });
    for (const r of layouts) {
      if (r.error) this.warn(messages.getMessage(r.unreadable ? 'warning.Unreadable' : 'warning.WriteFailed', [r.layout, r.error.message, r.error.errorCode]));
    }
    const written = layouts.filter((r) => r.added.length > 0).length;
    if (result.dryRun) this.log(messages.getMessage('info.DryRun', [changing, layouts.length]));
    else if (changing === 0) this.log(messages.getMessage('info.NothingToDo', [layouts.length]));
    else this.logSuccess(messages.getMessage('info.Summary', [written, layouts.length]));
  }
}
