import type { Connection, Org, SfError } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import {
  checkConnection,
  type ConnectOutcome,
  type ConnectResult,
  connectionPassed,
} from '../connection/connect.js';
import { type ConnectMode, type Environment, readConnections, recordForOrg } from '../connection/state.js';
import type { DoctorReport } from '../doctor/report.js';
import { chooseMode } from '../doctor/run.js';
import { loadSetupFile } from '../mapping/setup-file.js';
import { sameUsername } from '../org/identity.js';
import { connectTarget, type ConnectTarget } from '../org/target.js';
import { type SetupApplied, writesFailed } from './apply.js';
import { buildPlan, orgChanges, planJson, type SetupPlan, type SetupPlanJson } from './plan.js';
import { readPlanFacts } from './read.js';
import { escapeControl, quoteArg } from '../cli/command-line.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.setup');

/**
 * `sf oncehub setup` before any write: load the setup file (an invalid one costs no request), validate the API user
 * as `connect` does (one request), and only when every check passes read the installation facts (four requests) and
 * plan. The command then prints the plan, confirms it when needed, applies it (apply.ts) and runs the doctor.
 */

export type SetupOptions = {
  /** --config */
  configPath?: string;
  /** --api-user */
  apiUser?: string;
  /** --mode */
  mode?: ConnectMode;
  /** --sandbox / --production */
  environment?: Environment;
  /** The alias typed for --target-org, recorded with the connection. */
  typedAlias?: string;
};

export type PreparedSetup = {
  target: ConnectTarget;
  /** Step 1: the API user's checks. */
  checked: ConnectOutcome;
  /** undefined when a check failed: nothing is read or written past step 1. */
  plan?: SetupPlan;
};

export type SetupResult = {
  connect: ConnectResult;
  plan: SetupPlanJson | null;
  applied: SetupApplied;
  doctor: DoctorReport | null;
  dryRun: boolean;
  /** Only when the confirmation was declined. */
  cancelled?: true;
};

export async function prepareSetup(org: Org, conn: Connection, options: SetupOptions): Promise<PreparedSetup> {
  const file = options.configPath ? await loadSetupFile(options.configPath) : undefined;
  const target = await connectTarget(org, conn, options.typedAlias);
  if (!options.apiUser && file?.apiUser && !sameUsername(file.apiUser, target.username)) {
    throw messages.createError(
      'error.setupFileApiUser',
      [escapeControl(options.configPath ?? ''), escapeControl(file.apiUser), escapeControl(target.alias), escapeControl(target.username)],
      [escapeControl(file.apiUser), escapeControl(options.configPath ?? '')]
    );
  }
  const recorded = await recordForOrg(target.orgId);
  const mode = chooseMode({ flag: options.mode, setupFile: file?.mode, recorded, apiUsername: target.username });
  const checked = await checkConnection(conn, target, { mode, environment: options.environment, apiUser: options.apiUser });
  if (!connectionPassed(checked.result)) return { target, checked };

  const facts = await readPlanFacts(conn, checked.result.username, target);
  const existing = (await readConnections())[checked.result.environment];
  return { target, checked, plan: buildPlan(checked.result, checked.orgName ?? '', existing, facts) };
}

/**
 * Whether the plan may be applied right away, needs a yes first, or must be refused: changes to a production org are
 * confirmed unless --no-prompt; without a way to ask (--json, no terminal) they need --no-prompt. Sandboxes, and
 * plans that only record the connection locally, go ahead.
 */
export function confirmation(plan: SetupPlan, options: { noPrompt: boolean; canPrompt: boolean }): 'proceed' | 'ask' | 'refuse' {
  if (options.noPrompt || plan.org.environment !== 'production' || orgChanges(plan) === 0) return 'proceed';
  return options.canPrompt ? 'ask' : 'refuse';
}

/** The error for a production plan that cannot be confirmed, naming the org and how to go on; the plan is its data. */
export const confirmationRequired = (plan: SetupPlan, alias: string): SfError =>
  messages
    .createError('error.confirmationRequired', [orgChanges(plan), escapeControl(plan.org.name || plan.org.id)], [quoteArg(alias), quoteArg(alias)])
    .setData(planJson(plan));

/**
 * What setup's exit code is made of (lib/cli/exit-codes.ts turns it into the code): the doctor's failing checks when
 * there are any (1); else the writes refused for some user or layout beside the passing doctor (68); else nothing (0).
 */
export function setupOutcome(applied: SetupApplied, doctor: DoctorReport): { failed: number; succeeded?: number } {
  if (doctor.summary.fail > 0) return { failed: doctor.summary.fail };
  return { failed: writesFailed(applied) ? 1 : 0, succeeded: 1 };
}
