import { ConfigFile, Global } from '@salesforce/core';

/**
 * The plugin's own state: which API user is connected for production and for sandbox, like OnceHub's
 * "API connection" tab. Kept as ~/.sf/oncehub.json through @salesforce/core's ConfigFile, which locks the file while
 * writing. It never holds a token: sf's own auth files keep those.
 */

export type Environment = 'production' | 'sandbox';
export const CONNECT_MODES = ['standard', 'advanced-secure'] as const;
export type ConnectMode = (typeof CONNECT_MODES)[number];

export type ConnectionRecord = {
  environment: Environment;
  alias: string;
  username: string;
  userId: string;
  orgId: string;
  instanceUrl: string;
  mode: ConnectMode;
  connectedAt: string;
};

/** What the state file holds: at most one record per environment. */
export type StateContents = Partial<Record<Environment, ConnectionRecord>>;

export const ENVIRONMENTS: readonly Environment[] = ['production', 'sandbox'];

/** Salesforce ids compared the way Salesforce does: the 15-character and 18-character forms of an id are the same. */
export const sameId = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);

export class OncehubState extends ConfigFile<ConfigFile.Options, StateContents> {
  public static getFileName(): string {
    return 'oncehub.json';
  }

  public static getDefaultOptions(): ConfigFile.Options {
    return { isGlobal: true, isState: true, filename: OncehubState.getFileName(), stateFolder: Global.SF_STATE_FOLDER };
  }

  public static async load(): Promise<OncehubState> {
    return OncehubState.create(OncehubState.getDefaultOptions());
  }
}

/** Both recorded connections (either may be missing). */
export async function readConnections(): Promise<StateContents> {
  const state = await OncehubState.load();
  const contents: StateContents = {};
  for (const env of ENVIRONMENTS) {
    const record = state.get(env);
    if (record) contents[env] = record;
  }
  return contents;
}

/** The environments that have a record, production first. */
export const recordedEnvironments = (contents: StateContents): Environment[] => ENVIRONMENTS.filter((env) => contents[env]);

/** Records the connection for its environment, replacing only that environment's record. */
export async function recordConnection(record: ConnectionRecord): Promise<void> {
  const state = await OncehubState.load();
  // Copy field by field: only the documented keys may ever reach the file.
  const { environment, alias, username, userId, orgId, instanceUrl, mode, connectedAt } = record;
  state.set(environment, { environment, alias, username, userId, orgId, instanceUrl, mode, connectedAt });
  await state.write();
}

/** Forgets the record of one environment; returns what was forgotten, if anything. */
export async function forgetConnection(environment: Environment): Promise<ConnectionRecord | undefined> {
  const state = await OncehubState.load();
  const existing = state.get(environment);
  if (!existing) return undefined;
  state.unset(environment);
  await state.write();
  return existing;
}

/** The recorded connection for an org (by its id), if any. */
export async function recordForOrg(orgId: string): Promise<ConnectionRecord | undefined> {
  const connections = await readConnections();
  return ENVIRONMENTS.map((env) => connections[env]).find((r) => r && sameId(r.orgId, orgId));
}
