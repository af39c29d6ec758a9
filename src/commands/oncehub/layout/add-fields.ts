import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { sendComposite } from '../../../lib/org/requests.js';
import { toSfError } from '../../../lib/org/errors.js';
import { orgContext } from '../../../lib/installation/context.js';
import {
  layoutFactsRequests,
  type LayoutAddFieldsResult,
  type LayoutFieldsRow,
  type LayoutWriteError,
  PACKAGE_EVENT_FIELDS,
  parseLayoutFacts,
  planLayoutFields,
  readLayoutMetadata,
  selectLayouts,
  writeLayouts,
} from '../../../lib/installation/layout.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.add-fields');

export type { LayoutAddFieldsResult, LayoutFieldsRow } from '../../../lib/installation/layout.js';

export default class LayoutAddFields extends SfCommand<LayoutAddFieldsResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    layout: Flags.string({ multiple: true, summary: messages.getMessage('flags.layout.summary') }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<LayoutAddFieldsResult> {
    const { flags } = await this.parse(LayoutAddFields);
    const conn = flags['target-org'].getConnection(flags['api-version']);
    const ctx = await orgContext(flags['target-org'], conn);
    try {
      this.spinner.start(messages.getMessage('info.Reading'));
      const facts = await parseLayoutFacts(conn, await sendComposite(conn, layoutFactsRequests(conn), { tooling: true }));
      const absent = PACKAGE_EVENT_FIELDS.filter((f) => !facts.fieldsInOrg.includes(f));
      if (absent.length > 0) throw messages.createError('error.PackageFieldsMissing', [absent.join(', '), ctx.alias], [ctx.alias]);
      const { selected, unknown } = selectLayouts(facts.layouts, flags.layout);
      if (unknown.length > 0) {
        const names = (list: string[]): string => list.map((n) => `"${n}"`).join(', ');
        throw messages.createError('error.UnknownLayout', [names(unknown), names(facts.layouts.map((l) => l.name))]);
      }
      const plans = (await readLayoutMetadata(conn, selected)).map(planLayoutFields);
      const changes = selected.flatMap((l, i) => (plans[i].added.length > 0 ? [{ id: l.id, metadata: plans[i].metadata }] : []));
      const failures = flags['dry-run'] ? new Map<string, LayoutWriteError>() : await writeLayouts(conn, changes);
      this.spinner.stop();

      const layouts = selected.map((l, i): LayoutFieldsRow => {
        const { added, alreadyPresent } = plans[i];
        const error = failures.get(l.id);
        return error ? { layout: l.name, added: [], alreadyPresent, notAdded: added, error } : { layout: l.name, added, alreadyPresent };
      });
      const result: LayoutAddFieldsResult = flags['dry-run'] ? { layouts, dryRun: true } : { layouts };
      this.print(result, changes.length);
      if (failures.size > 0) process.exitCode = failures.size === changes.length ? 1 : 68;
      return result;
    } catch (err) {
      throw toSfError(err, ctx);
    }
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
      if (r.error) this.warn(messages.getMessage('warning.WriteFailed', [r.layout, r.error.message, r.error.errorCode]));
    }
    const written = layouts.filter((r) => r.added.length > 0).length;
    if (result.dryRun) this.log(messages.getMessage('info.DryRun', [changing, layouts.length]));
    else if (changing === 0) this.log(messages.getMessage('info.NothingToDo', [layouts.length]));
    else this.logSuccess(messages.getMessage('info.Summary', [written, layouts.length]));
  }
}
