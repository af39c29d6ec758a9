import { Messages } from '@salesforce/core';
import { Flags, SfCommand, StandardColors } from '@salesforce/sf-plugins-core';
import type { Check } from '../../lib/checks.js';
import { orgFlagError, setExitCode, targetOrg } from '../../lib/cli/command.js';
import { errorCodesHelp } from '../../lib/cli/exit-codes.js';
import { environmentFromFlags } from '../../lib/cli/org-flags.js';
import { checksTable } from '../../lib/cli/table.js';
import { apiUserFlag, configFlag, environmentFlags, modeFlag, targetOrgFlag } from '../../lib/flags.js';
import { renderReport } from '../../lib/doctor/render.js';
import { runDoctor } from '../../lib/doctor/run.js';
import { applyPlan, nothingApplied } from '../../lib/setup/apply.js';
import { backupBeforeWrite, restoreCommand } from '../../lib/installation/backup.js';
import { planJson } from '../../lib/setup/plan.js';
import { orgLabel, renderPlan, renderSteps } from '../../lib/setup/render.js';
import { confirmation, confirmationRequired, prepareSetup, type SetupResult, setupOutcome } from '../../lib/setup/run.js';
import { handleInterrupts } from '../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.setup');

export type { SetupResult } from '../../lib/setup/run.js';

export default class Setup extends SfCommand<SetupResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1, 68]);

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    config: configFlag(messages),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), description: messages.getMessage('flags.dry-run.description') }),
    'no-prompt': Flags.boolean({
      char: 'p',
      summary: messages.getMessage('flags.no-prompt.summary'),
      description: messages.getMessage('flags.no-prompt.description'),
    }),
    'api-user': apiUserFlag(messages),
    mode: modeFlag(),
    ...environmentFlags(messages),
  };

  public async run(): Promise<SetupResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(Setup).catch(orgFlagError);
    const { org, conn, typedAlias } = targetOrg(flags, raw);
    const dryRun = flags['dry-run'] === true;

    this.spinner.start(messages.getMessage('info.checking', [org.getUsername() ?? org.getOrgId()]));
    const options = { configPath: flags.config, apiUser: flags['api-user'], mode: flags.mode, environment: environmentFromFlags(flags), typedAlias };
    const { target, checked, plan } = await prepareSetup(org, conn, options);
    this.spinner.stop();
    const result: SetupResult = { connect: checked.result, plan: plan ? planJson(plan) : null, applied: nothingApplied(), doctor: null, dryRun };

    if (!plan) {
      if (!this.jsonEnabled()) this.printFailedChecks(checked.result.checks);
      setExitCode({ failed: 1 });
      return result;
    }
    this.print(renderPlan(plan));
    if (dryRun) {
      this.print([messages.getMessage('info.dryRun')]);
      return result;
    }

    const decision = confirmation(plan, { noPrompt: flags['no-prompt'], canPrompt: !this.jsonEnabled() && process.stdin.isTTY === true });
    if (decision === 'refuse') throw confirmationRequired(plan, target.alias);
    if (decision === 'ask' && !(await this.confirm({ message: messages.getMessage('info.confirm', [orgLabel(plan)]), ms: 60_000 }))) {
      this.print([messages.getMessage('info.cancelled')]);
      return { ...result, cancelled: true };
    }

    this.spinner.start(messages.getMessage('info.applying'));
    const backup = backupBeforeWrite({ orgId: target.orgId, username: target.username, apiVersion: conn.getApiVersion() });
    result.applied = await applyPlan(conn, plan, checked, target, undefined, backup.hook);
    this.spinner.stop();
    const backupDir = backup.written();
    if (backupDir && result.applied.layouts) result.applied.layouts.backupDir = backupDir;
    this.print(['', ...renderSteps(plan, result.applied)]);
    if (backupDir) this.print([messages.getMessage('info.backup', [backupDir, restoreCommand(target.alias, backupDir)])]);

    this.spinner.start(messages.getMessage('info.doctor'));
    const doctor = await runDoctor(org, conn, { apiUser: flags['api-user'], mode: plan.apiUser.mode, configPath: flags.config, typedAlias });
    this.spinner.stop();
    result.doctor = doctor.report;
    const { done, total } = doctor.report.progress;
    this.print(['', ...renderReport(doctor.report, doctor.facts), '', messages.getMessage('info.done', [done, total])]);
    setExitCode(setupOutcome(result.applied, doctor.report));
    return result;
  }

  /** Human output only: under --json stdout is the result alone. */
  private print(lines: string[]): void {
    if (!this.jsonEnabled()) for (const line of lines) this.log(line);
  }

  private printFailedChecks(checks: Check[]): void {
    this.table(checksTable(checks));
    this.log(StandardColors.error(messages.getMessage('info.notConnected')));
  }
}
