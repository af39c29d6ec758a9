/**
 * The `sf doctor` hook (`sf-doctor-plugin-oncehub`): runs the same checks as `sf oncehub doctor` against the default
 * target org and reports them the way `sf doctor` expects: one `Doctor:diagnostic` event per check, the summary as
 * plugin data, and a suggestion per failure. It never throws: a problem becomes one diagnostic and one suggestion.
 * Everything is imported lazily: this file is loaded whenever `sf doctor` runs, also for people who never use OnceHub.
 */

/** The part of plugin-info's SfDoctor this hook uses (a structural type: no dependency on plugin-info). */
export type DoctorLike = {
  addPluginData(pluginName: string, data: Record<string, unknown>): void;
  addSuggestion(suggestion: string): void;
};

type DiagnosticStatus = 'pass' | 'fail' | 'warn' | 'unknown';

const PLUGIN = 'plugin-oncehub';

export const hook = async ({ doctor }: { doctor: DoctorLike }): Promise<void> => {
  const { ConfigAggregator, Lifecycle, Messages, Org, OrgConfigProperties, SfError } = await import('@salesforce/core');
  Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
  const messages = Messages.loadMessages(PLUGIN, 'doctor-checks');
  const lifecycle = Lifecycle.getInstance();
  const diagnose = (what: string, status: DiagnosticStatus): Promise<void> =>
    lifecycle.emit('Doctor:diagnostic', { testName: `[${PLUGIN}] ${what}`, status });

  let targetOrg: string | undefined;
  try {
    targetOrg = (await ConfigAggregator.create()).getPropertyValue<string>(OrgConfigProperties.TARGET_ORG);
    if (!targetOrg) {
      doctor.addPluginData(PLUGIN, { targetOrg: null });
      await diagnose(messages.getMessage('hook.noTargetOrg'), 'warn');
      doctor.addSuggestion(messages.getMessage('hook.noTargetOrg.suggestion'));
      return;
    }
    const org = await Org.create({ aliasOrUsername: targetOrg });
    const { runDoctor } = await import('../lib/doctor/run.js');
    const { report } = await runDoctor(org, org.getConnection(), { typedAlias: targetOrg });
    doctor.addPluginData(PLUGIN, {
      targetOrg,
      org: report.org,
      apiUser: report.apiUser,
      progress: report.progress,
      summary: report.summary,
    });
    for (const check of report.phases.flatMap((phase) => phase.checks)) {
      await diagnose(check.title, check.status === 'skip' ? 'unknown' : check.status);
      if (check.status === 'fail' && check.fix) doctor.addSuggestion(check.fix);
    }
  } catch (err) {
    const error = err instanceof SfError ? err : SfError.wrap(err instanceof Error ? err : String(err));
    doctor.addPluginData(PLUGIN, { targetOrg: targetOrg ?? null, error: { name: error.name, message: error.message } });
    await diagnose(messages.getMessage('hook.unreadable', [targetOrg ?? '?']), 'fail');
    doctor.addSuggestion([error.message, ...(error.actions ?? [])].join(' '));
  }
};

export default hook;
