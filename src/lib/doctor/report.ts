import { type Check, type CheckStatus, worstStatus } from '../checks.js';
import { exitCodeOf as outcomeExitCode, type ExitCode } from '../cli/exit-codes.js';
import { type InstallationFacts, judgeInstallation } from '../installation/judge.js';
import { judgeSourceLayouts } from '../installation/source-layouts.js';
import { judgeCreationRules } from '../mapping/creation-rules.js';
import { judgeFieldMapping } from '../mapping/field-mapping.js';
import { BOOKING_OBJECTS, type BookingObject } from '../mapping/setup-file.js';
import type { ObjectFields } from '../validation/fields.js';
import { judgeRequiredFields } from '../validation/required-fields.js';
import { judgeDuplicateRules, judgeValidationRules } from '../validation/rules.js';
import { checkMessages as messages, skipAll, unreadableCheck } from '../check-text.js';
import { type Fetched, notFetched } from '../fetched.js';
import { apiConnectionChecks, blockedMessage } from './api-connection.js';
import type { DoctorFacts } from './facts.js';
import { judgeApiUsage } from './api-usage.js';

/**
 * The doctor's report: the five phases in order, each with its checks judged from the facts (pure functions), the
 * progress through the phases and a count per status. This is the command's JSON result and what the JUnit file,
 * the human checklist and the sf doctor hook are made from.
 */

export const PHASE_IDS = ['api-connection', 'installation', 'field-validation', 'field-mapping', 'creation-rules'] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export type DoctorPhase = { id: PhaseId; title: string; status: CheckStatus; checks: Check[] };

export type DoctorReport = {
  org: { id: string; name: string; instanceUrl: string; isSandbox: boolean; edition: string };
  apiUser: { username: string; id: string } | null;
  phases: DoctorPhase[];
  progress: { done: number; total: number };
  summary: Record<CheckStatus, number>;
};

/** judge.ts's facts from what was read; a permission set or assignment that could not be read is reported below. */
function installationFacts(facts: DoctorFacts): InstallationFacts {
  const { installation } = facts;
  return {
    package: installation.package,
    permissionSet: installation.permissionSet.ok ? installation.permissionSet.value : undefined,
    apiUserAssigned: installation.apiUserAssigned.ok && installation.apiUserAssigned.value,
    ...(installation.apiUserAssignedVia ? { apiUserAssignedVia: installation.apiUserAssignedVia } : {}),
    ...(installation.apiUserPendingVia ? { apiUserPendingVia: installation.apiUserPendingVia } : {}),
    layouts: installation.layouts.ok ? installation.layouts.value : undefined,
  };
}

function installationChecks(facts: DoctorFacts): Check[] {
  const ctx = { alias: facts.target.alias, apiUsername: facts.apiUser.username };
  const { permissionSet, apiUserAssigned } = facts.installation;
  const unread = !permissionSet.ok ? permissionSet : !apiUserAssigned.ok ? apiUserAssigned : undefined;
  const checks = judgeInstallation(installationFacts(facts), ctx).map((check) =>
    check.id === 'permset-assigned' && unread && !unread.ok
      ? unreadableCheck(check.id, messages.getMessage('permset.what'), unread, check.title)
      : check
  );
  return [...checks, judgeSourceLayouts(facts.sourceLayouts, ctx)];
}

function fieldValidationChecks(facts: DoctorFacts): Check[] {
  return [
    judgeRequiredFields(facts.describes, facts.setup?.file.fieldValidation),
    judgeValidationRules(facts.validationRules),
    judgeDuplicateRules(facts.duplicateRules),
  ];
}

/** With the API blocked, the usage an error answer may carry says nothing about OnceHub's calls: not checked. */
function apiUsageCheck(facts: DoctorFacts): Check {
  const check = judgeApiUsage(facts.apiUsage);
  return facts.apiBlocked ? skipAll([check], blockedMessage(facts.apiBlocked, facts.target))[0] : check;
}

const phaseChecks: Record<PhaseId, (facts: DoctorFacts) => Check[]> = {
  'api-connection': (facts) => [...apiConnectionChecks(facts), apiUsageCheck(facts)],
  installation: installationChecks,
  'field-validation': fieldValidationChecks,
  'field-mapping': (facts) => [
    judgeFieldMapping(facts.setup?.file, facts.describes, {
      alias: facts.target.alias,
      configPath: facts.setup?.path ?? '',
    }),
  ],
  'creation-rules': (facts) => [
    judgeCreationRules(facts.setup?.file, facts, { configPath: facts.setup?.path ?? '' }),
  ],
};

/** Phase status = worst check; `done` = phases passing or warning, in order, up to the first that fails or is skipped. */
export function progressOf(phases: ReadonlyArray<Pick<DoctorPhase, 'status'>>): { done: number; total: number } {
  const stop = phases.findIndex((p) => p.status === 'fail' || p.status === 'skip');
  return { done: stop === -1 ? phases.length : stop, total: PHASE_IDS.length };
}

function summaryOf(phases: readonly DoctorPhase[]): Record<CheckStatus, number> {
  const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of phases.flatMap((p) => p.checks)) summary[check.status] += 1;
  return summary;
}

export function buildReport(facts: DoctorFacts): DoctorReport {
  const notChecked = facts.apiBlocked && blockedMessage(facts.apiBlocked, facts.target);
  const phases = PHASE_IDS.map((id): DoctorPhase => {
    const judged = phaseChecks[id](facts);
    // Without API access nothing past Phase 1 was read: keep every check (stable ids), each marked not checked.
    const checks = notChecked && id !== 'api-connection' ? skipAll(judged, notChecked) : judged;
    return { id, title: messages.getMessage(`phase.${id}`), status: worstStatus(checks), checks };
  });
  const org = facts.org.ok ? facts.org.value : undefined;
  const user = facts.apiUserFacts.ok ? facts.apiUserFacts.value : undefined;
  return {
    org: {
      id: org?.id || facts.target.orgId,
      name: org?.name ?? '',
      instanceUrl: facts.target.instanceUrl.replace(/\/+$/, ''),
      isSandbox: org ? org.isSandbox : facts.target.knownEnvironment === 'sandbox',
      edition: org?.edition ?? '',
    },
    apiUser: user ? { username: user.username, id: user.id } : null,
    phases,
    progress: progressOf(phases),
    summary: summaryOf(phases),
  };
}

/** Facts for a report where nothing past the org could be asked (API disabled for the org or refused to the user). */
export function blockedFacts(base: Omit<DoctorFacts, 'org' | 'apiUserFacts' | 'installation' | 'describes' | 'validationRules' | 'duplicateRules'>, failure: { errorCode: string; message: string }): DoctorFacts {
  const none = <T>(): Fetched<T> => notFetched<T>(failure);
  return {
    ...base,
    org: none(),
    apiUserFacts: none(),
    installation: {
      package: { status: 'unreadable', reason: failure.message },
      permissionSet: none(),
      apiUserAssigned: none(),
      layouts: none(),
    },
    describes: Object.fromEntries(BOOKING_OBJECTS.map((o) => [o, none<ObjectFields>()])) as Record<BookingObject, Fetched<ObjectFields>>,
    validationRules: none(),
    duplicateRules: none(),
  };
}

/** Exit code of a report: 1 when any check fails (warnings are allowed). */
export const exitCodeOf = (report: DoctorReport): ExitCode => outcomeExitCode({ failed: report.summary.fail });
