import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigFile, Global, Lifecycle, Messages } from '@salesforce/core';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { escapeControl } from '../cli/command-line.js';
import { packageFile, writeFileSafely } from '../files.js';
import { type Environment, sameId } from '../org/identity.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'state');

/**
 * The plugin's own state: which API user is connected for production and for sandbox, like OnceHub's
 * "API connection" tab, kept as ~/.sf/oncehub.json. It never holds a token: sf's own auth files keep those.
 *
 * The file is read and validated here (schemas/oncehub-state.schema.json), never trusted: a file that cannot be read,
 * is not JSON or holds the wrong shapes is treated as empty with a warning that names it and says how to fix it
 * (sf-plugins-core prints Lifecycle warnings on stderr, and in --json output). `connect` keeps such a file beside the
 * new one as `<name>.corrupt-<UTC time>` instead of overwriting it. Writes hold the same `<file>.lock` folder
 * @salesforce/core's ConfigFile uses and go through writeFileSafely (mode 0600, a symlink is refused).
 */

export type { Environment } from '../org/identity.js';
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

const RECORD_KEYS = ['environment', 'alias', 'username', 'userId', 'orgId', 'instanceUrl', 'mode', 'connectedAt'] as const;

/**
 * Kept so the file's place is the one @salesforce/core gives global state files (and TestContext redirects):
 * `<home>/.sf/oncehub.json`.
 */
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

/** The state file's path. */
export const statePath = (): string =>
  join(ConfigFile.resolveRootFolderSync(true), Global.SF_STATE_FOLDER, OncehubState.getFileName());

/** The state file as read: its records, or why it could not be used (then `contents` is empty). */
export type StateRead = { path: string; contents: StateContents; problem?: string };

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function validator(): Promise<(document: unknown) => ErrorObject[]> {
  const [{ Ajv2020 }, text] = await Promise.all([
    import('ajv/dist/2020.js'),
    readFile(packageFile('schemas', 'oncehub-state.schema.json'), 'utf8'),
  ]);
  const validate = new Ajv2020({ allErrors: false }).compile(JSON.parse(text) as object);
  return (document) => (validate(document) ? [] : validate.errors ?? []);
}

/** Reads and validates the state file; never throws for its content. An absent file is an empty state. */
export async function readState(): Promise<StateRead> {
  const path = statePath();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, contents: {} };
    return { path, contents: {}, problem: (err as NodeJS.ErrnoException).code ?? errorText(err) };
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    return { path, contents: {}, problem: messages.getMessage('problem.json', [errorText(err)]) };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { path, contents: {}, problem: messages.getMessage('problem.notObject') };
  }
  const [error] = (await validator())(document);
  if (error) {
    const where = error.instancePath || '/';
    return { path, contents: {}, problem: messages.getMessage('problem.shape', [where, error.message ?? error.keyword]) };
  }
  const contents: StateContents = {};
  for (const env of ENVIRONMENTS) {
    const record = (document as StateContents)[env];
    if (record) contents[env] = pick(record);
  }
  return { path, contents };
}

/** Only the documented keys, in their order. */
function pick(record: ConnectionRecord): ConnectionRecord {
  return Object.fromEntries(RECORD_KEYS.map((key) => [key, record[key]])) as ConnectionRecord;
}

const warned = new Set<string>();

/** For tests: warn again about a file already warned about in this process. */
export const forgetStateWarnings = (): void => warned.clear();

/** Warns (once per process and file) that the state file is not used, naming it and the fix. */
async function warnUnusable(read: StateRead): Promise<void> {
  const key = `${read.path}\0${read.problem ?? ''}`;
  if (!read.problem || warned.has(key)) return;
  warned.add(key);
  await Lifecycle.getInstance().emitWarning(
    messages.getMessage('warning.unusable', [escapeControl(read.path), escapeControl(read.problem)])
  );
}

/** Both recorded connections (either may be missing); an unusable file warns and reads as empty. */
export async function readConnections(): Promise<StateContents> {
  const read = await readState();
  await warnUnusable(read);
  return read.contents;
}

/** The environments that have a record, production first. */
export const recordedEnvironments = (contents: StateContents): Environment[] => ENVIRONMENTS.filter((env) => contents[env]);

const LOCK_STALE_MS = 10_000;
const LOCK_ATTEMPTS = 200;

/** Runs fn holding `<path>.lock` (a folder, created exclusively: the lock @salesforce/core's ConfigFile takes too). */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const since = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (since > LOCK_STALE_MS) {
        await rm(lock, { recursive: true, force: true });
      } else if (attempt >= LOCK_ATTEMPTS) {
        throw messages.createError('error.locked', [path, lock]);
      } else {
        await delay(50);
      }
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

const serialize = (contents: StateContents): string => `${JSON.stringify(contents, null, 2)}\n`;

/** `oncehub.json.corrupt-20261202T173000Z`: the UTC time, without characters some file systems refuse. */
const corruptName = (path: string, at: Date): string =>
  `${path}.corrupt-${at.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll('-', '').replaceAll(':', '')}`;

/**
 * Records the connection for its environment, replacing only that environment's record. A file that cannot be used
 * is kept beside the new one as `<name>.corrupt-<UTC time>`, with a warning naming both.
 */
export async function recordConnection(record: ConnectionRecord, now: () => Date = () => new Date()): Promise<void> {
  const path = statePath();
  return withLock(path, async () => {
    const read = await readState();
    if (read.problem) {
      const keptAs = corruptName(path, now());
      try {
        await rename(path, keptAs);
      } catch (err) {
        // Not movable (e.g. a folder's permissions): never overwrite what could not be kept.
        throw messages.createError('error.notKept', [path, errorText(err)]);
      }
      await Lifecycle.getInstance().emitWarning(
        messages.getMessage('warning.keptCorrupt', [escapeControl(path), escapeControl(read.problem), escapeControl(keptAs)])
      );
    }
    // Copy field by field: only the documented keys may ever reach the file.
    const contents: StateContents = { ...read.contents, [record.environment]: pick(record) };
    await writeFileSafely(path, serialize(contents), { overwrite: true, mode: 0o600 });
  });
}

/** Forgets the record of one environment; returns what was forgotten, if anything. An unusable file is left as it is. */
export async function forgetConnection(environment: Environment): Promise<ConnectionRecord | undefined> {
  const path = statePath();
  return withLock(path, async () => {
    const read = await readState();
    await warnUnusable(read);
    const existing = read.contents[environment];
    if (!existing) return undefined;
    const contents = { ...read.contents };
    delete contents[environment];
    await writeFileSafely(path, serialize(contents), { overwrite: true, mode: 0o600 });
    return existing;
  });
}

/** The recorded connection for an org (by its id), if any. */
export async function recordForOrg(orgId: string): Promise<ConnectionRecord | undefined> {
  const connections = await readConnections();
  return ENVIRONMENTS.map((env) => connections[env]).find((r) => r && sameId(r.orgId, orgId));
}
