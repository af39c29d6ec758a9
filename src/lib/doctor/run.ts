import type { Connection, Org } from '@salesforce/core';
import { StateAggregator } from '@salesforce/core';
import { sameUsername } from '../org/identity.js';
import { connectTarget } from '../org/target.js';
import { type ConnectionRecord, type ConnectMode, readConnections, recordForOrg } from '../connection/state.js';
import { loadSetupFile } from '../mapping/setup-file.js';
import type { ApiUserChoice, DoctorFacts } from './facts.js';
import { apiUsageSeen } from './api-usage.js';
import { gatherFacts } from './gather.js';
import { readSourceLayouts } from '../installation/source-layouts.js';
import { buildReport, type DoctorReport } from './report.js';

/**
 * `sf oncehub doctor` and the `sf doctor` hook share this: load the setup file (before any request, so an invalid
 * file costs nothing), decide which user and mode to check, gather the facts, build the report.
 */

export type DoctorOptions = {
  /** --api-user */
  apiUser?: string;
  /** --mode */
  mode?: ConnectMode;
  /** --config */
  configPath?: string;
  /** The alias typed for --target-org, used in the fixes' commands. */
  typedAlias?: string;
  /** Where to look for an sf project (sfdx-project.json here or above); default the current folder. */
  cwd?: string;
};

/** --api-user, else the setup file's apiUser, else the recorded API user of this org, else the user sf is logged in as. */
export function chooseApiUser(candidates: {
  flag?: string;
  setupFile?: string;
  recorded?: string;
  authenticated: string;
}): Pick<ApiUserChoice, 'username' | 'source'> {
  if (candidates.flag) return { username: candidates.flag, source: 'flag' };
  if (candidates.setupFile) return { username: candidates.setupFile, source: 'setup-file' };
  if (candidates.recorded) return { username: candidates.recorded, source: 'recorded' };
  return { username: candidates.authenticated, source: 'authenticated' };
}

/** --mode, else the setup file's mode, else the mode recorded when that same user was connected, else standard. */
export function chooseMode(candidates: {
  flag?: ConnectMode;
  setupFile?: ConnectMode;
  recorded?: Pick<ConnectionRecord, 'username' | 'mode'>;
  apiUsername: string;
}): ConnectMode {
  const recorded = candidates.recorded && sameUsername(candidates.recorded.username, candidates.apiUsername) ? candidates.recorded.mode : undefined;
  return candidates.flag ?? candidates.setupFile ?? recorded ?? 'standard';
}

/** The alias (or username) sf is logged in as this user under, if it is logged in at all. */
async function localAliasOf(username: string, target: { alias: string; username: string }): Promise<string | undefined> {
  if (sameUsername(username, target.username)) return target.alias;
  const state = await StateAggregator.getInstance();
  if (!(await state.orgs.exists(username))) return undefined;
  return state.aliases.getAll(username)[0] ?? username;
}

export async function runDoctor(
  org: Org,
  conn: Connection,
  options: DoctorOptions
): Promise<{ report: DoctorReport; facts: DoctorFacts }> {
  const setup = options.configPath
    ? { path: options.configPath, file: await loadSetupFile(options.configPath) }
    : undefined;
  const target = await connectTarget(org, conn, options.typedAlias);
  const [connections, recorded] = await Promise.all([readConnections(), recordForOrg(target.orgId)]);
  const choice = chooseApiUser({
    flag: options.apiUser,
    setupFile: setup?.file.apiUser,
    recorded: recorded?.username,
    authenticated: target.username,
  });
  const mode = chooseMode({ flag: options.mode, setupFile: setup?.file.mode, recorded, apiUsername: choice.username });
  const apiUser: ApiUserChoice = { ...choice, localAlias: await localAliasOf(choice.username, target) };
  const facts = await gatherFacts(conn, {
    target: {
      alias: target.alias,
      username: target.username,
      orgId: target.orgId,
      instanceUrl: target.instanceUrl,
      knownEnvironment: target.knownEnvironment,
    },
    mode,
    apiUser,
    connections,
    setup,
  });
  // Every answer carried the org's API usage: jsforce kept the last one, no request of its own.
  facts.apiUsage = apiUsageSeen(conn);
  // The project's layout files, when doctor runs in an sf project: files only, no request.
  const inUse = facts.installation.layouts;
  facts.sourceLayouts = await readSourceLayouts(inUse.ok ? inUse.value : undefined, options.cwd);
  return { report: buildReport(facts), facts };
}
