/**
 * End-to-end harness: the REAL `sf` binary (the @salesforce/cli devDependency) with the built plugin linked, in an
 * isolated HOME, against the project's Salesforce org emulator on 127.0.0.1. Used by the e2e tests, the demo and the
 * benchmark. Nothing here reads or writes the user's ~/.sf, and nothing leaves the loopback interface.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN_DIR = join(REPO_ROOT, 'node_modules', '.bin');
const SF = join(BIN_DIR, 'sf');

export type SfResult = {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when the command ran with --json (undefined when it is not exactly one JSON document). */
  json?: SfJson;
  ms: number;
};

// The sf JSON envelope: { status, result, warnings } on success, or an error object with name/message/exitCode.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SfJson = { status: number; result?: any; warnings?: string[]; name?: string; message?: string; exitCode?: number; actions?: string[]; [key: string]: any };

export type Session = {
  emulator: Emulator;
  /** The isolated HOME of this session (holds ~/.sf and ~/.sfdx). */
  home: string;
  /**
   * Logs `username` in under `alias` with an access token, as `sf org login access-token` does; into `emulator`
   * when given (a second org in the same sf home, e.g. a sandbox next to production), else the session's own.
   */
  login(username: string, alias: string, options?: { setDefault?: boolean; emulator?: Emulator }): Promise<void>;
  /** Runs `sf <args>`; never throws on a non-zero exit. */
  sf(args: string[], options?: { env?: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<SfResult>;
  /** The raw text of the plugin's state file (~/.sf/oncehub.json), or undefined when it does not exist. */
  stateFile(): string | undefined;
  /** Every access token this session handed out (for leak scans). */
  tokens(): string[];
  stop(): Promise<void>;
};

export type SessionOptions = EmulatorOptions & { emulator?: Emulator };

/** Environment that keeps sf quiet and offline (docs/toolchain.md: "Isolation and quiet"). */
function isolatedEnv(dirs: { home: string; config: string; data: string; cache: string; tmp: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Drop anything that could point sf at a real org or config, and npm's own variables. CI markers go too: under
    // CI=true @oclif/table prints plain tables, and a test must see the same output on a laptop and in CI (a test
    // that wants the CI look passes CI=true itself).
    if (/^(SF_|SFDX_|npm_|OCLIF_|XDG_|CI_)/i.test(key) || key === 'CI' || key === 'CONTINUOUS_INTEGRATION') continue;
    env[key] = value;
  }
  return {
    ...env,
    PATH: `${BIN_DIR}:${process.env.PATH ?? ''}`,
    HOME: dirs.home,
    USERPROFILE: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
    SF_DISABLE_TELEMETRY: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    SF_DISABLE_DNS_CHECK: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
    NODE_NO_WARNINGS: '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; timeoutMs?: number } = {}
): Promise<SfResult> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      SF,
      args,
      { env, cwd: options.cwd ?? env.HOME, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: SfJson | undefined;
        if (args.includes('--json')) {
          try {
            json = JSON.parse(stdout) as SfJson;
          } catch {
            json = undefined;
          }
        }
        done({ exitCode, stdout, stderr, json, ms: Date.now() - started });
      }
    );
  });
}

/**
 * A copy of the plugin as it would be installed: package.json without devDependencies (so oclif loads lib/, never
 * src/ through tsx), with lib/, messages/, schemas/ and node_modules linked from the repo. Built once per process.
 */
let staged: { dir: string; data: string; cache: string } | undefined;
let linking: Promise<{ dir: string; data: string; cache: string }> | undefined;

function stagePlugin(root: string): string {
  if (!existsSync(join(REPO_ROOT, 'lib', 'commands')) || !existsSync(join(REPO_ROOT, 'oclif.manifest.json'))) {
    throw new Error('The plugin is not built: run `npm run build` first (npm test does it).');
  }
  const dir = join(root, 'plugin-oncehub');
  mkdirSync(dir, { recursive: true });
  const pjson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pjson.devDependencies;
  delete pjson.scripts;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pjson, null, 2));
  copyFileSync(join(REPO_ROOT, 'oclif.manifest.json'), join(dir, 'oclif.manifest.json'));
  for (const name of ['lib', 'messages', 'schemas', 'node_modules']) {
    if (existsSync(join(REPO_ROOT, name))) symlinkSync(join(REPO_ROOT, name), join(dir, name));
  }
  return dir;
}

/** Links the staged plugin into a shared sf data folder once per process (linking costs ~1 s). */
async function linkedPlugin(): Promise<{ dir: string; data: string; cache: string }> {
  if (staged) return staged;
  linking ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'oncehub-sf-'));
    const dirs = {
      home: join(root, 'link-home'),
      config: join(root, 'link-config'),
      data: join(root, 'data'),
      cache: join(root, 'cache'),
      tmp: join(root, 'tmp'),
    };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    const dir = stagePlugin(root);
    const linked = await run(['plugins', 'link', dir, '--no-install'], isolatedEnv(dirs));
    if (linked.exitCode !== 0) throw new Error(`sf plugins link failed: ${linked.stderr}`);
    staged = { dir, data: dirs.data, cache: dirs.cache };
    return staged;
  })();
  return linking;
}

/** Starts an emulated org (unless one is given) and an isolated sf home linked to the built plugin. */
export async function startSession(options: SessionOptions = {}): Promise<Session> {
  const plugin = await linkedPlugin();
  const emulator = options.emulator ?? (await startEmulator(options));
  const root = mkdtempSync(join(tmpdir(), 'oncehub-e2e-'));
  const dirs = {
    home: join(root, 'home'),
    config: join(root, 'config'),
    data: plugin.data,
    cache: plugin.cache,
    tmp: join(root, 'tmp'),
  };
  for (const d of [dirs.home, dirs.config, dirs.tmp]) mkdirSync(d, { recursive: true });
  const env = isolatedEnv(dirs);
  const issued: string[] = [];

  return {
    emulator,
    home: dirs.home,
    async login(username, alias, loginOptions = {}) {
      const org = loginOptions.emulator ?? emulator;
      const token = org.tokenFor(username);
      issued.push(token);
      const args = ['org', 'login', 'access-token', '--instance-url', org.url, '--alias', alias, '--no-prompt', '--json'];
      if (loginOptions.setDefault) args.push('--set-default');
      const result = await run(args, { ...env, SF_ACCESS_TOKEN: token });
      if (result.exitCode !== 0) throw new Error(`login of ${username} failed (${result.exitCode}): ${result.stdout}${result.stderr}`);
    },
    sf: (args, runOptions = {}) => run(args, { ...env, ...runOptions.env }, runOptions),
    stateFile() {
      const file = join(dirs.home, '.sf', 'oncehub.json');
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
    tokens: () => [...issued],
    async stop() {
      if (!options.emulator) await emulator.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
