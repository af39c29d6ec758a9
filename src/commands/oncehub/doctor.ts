import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { orgFlagError, setExitCode, targetOrg } from '../../lib/cli/command.js';
import { errorCodesHelp } from '../../lib/cli/exit-codes.js';
import { resultFormatInArgv } from '../../lib/doctor/argv.js';
import { apiUserFlag, configFlag, modeFlag, targetOrgFlag } from '../../lib/flags.js';
import { writeJunitReport } from '../../lib/doctor/junit.js';
import { markdownReport, writeMarkdownReport } from '../../lib/doctor/markdown.js';
import { renderReport } from '../../lib/doctor/render.js';
import type { DoctorReport } from '../../lib/doctor/report.js';
import { runDoctor } from '../../lib/doctor/run.js';
import { handleInterrupts } from '../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.doctor');

export type { DoctorReport } from '../../lib/doctor/report.js';

export default class Doctor extends SfCommand<DoctorReport> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1]);

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    'api-user': apiUserFlag(messages),
    mode: modeFlag(),
    config: configFlag(messages),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.getMessage('flags.result-format.summary'),
      description: messages.getMessage('flags.result-format.description'),
      options: ['human', 'json', 'junit', 'markdown'] as const,
      default: 'human',
    })(),
    'output-dir': Flags.directory({
      char: 'd',
      summary: messages.getMessage('flags.output-dir.summary'),
      description: messages.getMessage('flags.output-dir.description'),
    }),
  };

  /** `--result-format json` is `--json`: stdout is then exactly the one JSON document. */
  public jsonEnabled(): boolean {
    return super.jsonEnabled() || resultFormatInArgv(this.argv) === 'json';
  }

  public async run(): Promise<DoctorReport> {
    handleInterrupts();
    const { flags, raw } = await this.parse(Doctor).catch(orgFlagError);
    const { org, conn, typedAlias } = targetOrg(flags, raw);

    this.spinner.start(messages.getMessage('info.checking', [typedAlias ?? org.getUsername() ?? org.getOrgId()]));
    const { report, facts } = await runDoctor(org, conn, {
      apiUser: flags['api-user'],
      mode: flags.mode,
      configPath: flags.config,
      typedAlias,
    });
    this.spinner.stop();

    const format = flags['result-format'];
    const outputDir = flags['output-dir'] ?? process.cwd();
    const notWritten = (err: unknown, kind: 'junit' | 'markdown'): Error =>
      messages.createError(`error.${kind}NotWritten`, [outputDir, err instanceof Error ? err.message : String(err)]);
    if (format === 'markdown') {
      // stdout is the Markdown alone, so `>> "$GITHUB_STEP_SUMMARY"` gets nothing else.
      const markdown = markdownReport(report, facts);
      if (!this.jsonEnabled()) this.log(markdown.trimEnd());
      if (flags['output-dir']) {
        const path = await writeMarkdownReport(markdown, outputDir).catch((err: unknown) => {
          throw notWritten(err, 'markdown');
        });
        this.logToStderr(messages.getMessage('info.markdownWritten', [path]));
      }
    } else if (!this.jsonEnabled()) for (const line of renderReport(report, facts)) this.log(line);
    if (format === 'junit') {
      const path = await writeJunitReport(report, outputDir).catch((err: unknown) => {
        throw notWritten(err, 'junit');
      });
      if (!this.jsonEnabled()) this.log(messages.getMessage('info.junitWritten', [path]));
    }
    setExitCode({ failed: report.summary.fail });
    return report;
  }
}
