/**
 * End-to-end harness: the REAL `sf` binary (the @salesforce/cli devDependency) with the plugin as users get it (the
 * packed tarball installed outside the repository, see stagedPlugin) linked, in an isolated HOME, against the project's Salesforce org emulator on 127.0.0.1. Used by the e2e tests, the demo and the
 * benchmark. Nothing here reads or writes the user's ~/.sf, and nothing leaves the loopback interface.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN_DIR = join(REPO_ROOT, 'node_modules', '.bin');
/** sf's own entry script, run on this process's Node (22+): the same as the `sf` shim, without a shell on Windows. */
const SF_RUN = join(REPO_ROOT, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');

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
  /** Starts `sf <args>` without waiting: the child (to send it a signal) and its result once it exits. */
  spawnSf(args: string[]): { child: ChildProcess; result: Promise<SfResult> };
  /** The raw text of the plugin's state file (~/.sf/oncehub.json), or undefined when it does not exist. */
  stateFile(): string | undefined;
  /** Every access token this session handed out (for leak scans). */
  tokens(): string[];
  /** The environment sf runs in (isolated HOME, XDG folders, quiet flags; sf and Node 22 first on PATH). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
};

export type SessionOptions = EmulatorOptions & {
  emulator?: Emulator;
  /**
   * false: sf's data folder is the session's own and has no plugin linked (for a test that installs the plugin
   * itself, as a user does). Default: the staged plugin linked, in a data folder shared by the process's sessions.
   */
  linkPlugin?: boolean;
};

/**
 * Environment that keeps sf quiet and offline: its own HOME and XDG_* folders (oclif reads XDG_* before HOME) and the
 * SF_* switches of the Salesforce CLI Setup Guide ("Salesforce CLI Environment Variables", "Disable Salesforce CLI Data
 * Collection and Metrics", "Disable Automatic Update of the CLI").
 */
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
    PATH: `${BIN_DIR}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
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
    // Internal, test-only: the plugin's read retries wait 1 ms instead of 0.2/0.4/0.8 s (src/lib/org/requests.ts).
    ONCEHUB_RETRY_MIN_TIMEOUT_MS: '1',
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
      process.execPath,
      ['--no-deprecation', SF_RUN, ...args],
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

/** What installing the packed plugin cost: measured on the staged install below. */
export type InstallFootprint = {
  /** The npm tarball that was installed (outside the repository). */
  tarball: string;
  /** Packages under the install's node_modules, the plugin itself included. */
  packages: number;
  /** Bytes of every file under that node_modules (apparent size). */
  bytes: number;
  /** Wall time of `npm install <tarball> --omit=dev`. */
  installSeconds: number;
};

type Staged = { dir: string; data: string; cache: string; footprint: InstallFootprint };

let staging: Promise<Staged> | undefined;

/** Runs npm on the current Node (npm scripts set npm_execpath), so no shell is needed on Windows either. */
function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const npmCli = process.env.npm_execpath;
  const [file, argv] = npmCli && /\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  return new Promise((done, fail) => {
    execFile(file, argv, { cwd, maxBuffer: 64 * 1024 * 1024, shell: file === 'npm' && process.platform === 'win32' }, (error, stdout, stderr) =>
      error ? fail(new Error(`npm ${args.join(' ')} failed in ${cwd}: ${stderr || error.message}`)) : done({ stdout, stderr })
    );
  });
}

/** Counts the packages (folders with a package.json) and bytes under a node_modules folder. */
function measureNodeModules(nodeModules: string): { packages: number; bytes: number } {
  let packages = 0;
  let bytes = 0;
  for (const entry of readdirSync(nodeModules, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    bytes += statSync(file).size;
    // A package's own package.json sits right under node_modules/<name>/ or node_modules/@scope/<name>/.
    const parts = relative(nodeModules, file).split(sep);
    const tail = parts.slice(parts.lastIndexOf('node_modules') + 1);
    if (entry.name === 'package.json' && (tail.length === 2 || (tail.length === 3 && tail[0].startsWith('@')))) packages++;
  }
  return { packages, bytes };
}

/** Where a mocha global setup left the staged plugin for the parallel workers (a JSON file of `Staged`). */
const STAGED_ENV = 'ONCEHUB_E2E_STAGED';

/**
 * The plugin as a user gets it: `npm pack`, then the tarball installed with its production dependencies only in a
 * folder outside the repository (as `sf plugins install` does: the package is a dependency of an otherwise empty
 * project, so its devDependencies are never resolved), then `sf plugins link <that package> --no-install` into the real
 * sf. Nothing is borrowed from the repository's node_modules.
 */
async function stage(root: string): Promise<Staged> {
  if (!existsSync(join(REPO_ROOT, 'lib', 'commands')) || !existsSync(join(REPO_ROOT, 'oclif.manifest.json'))) {
    throw new Error('The plugin is not built: run `npm run build` first (npm test does it).');
  }
  const dirs = {
    home: join(root, 'link-home'),
    config: join(root, 'link-config'),
    data: join(root, 'data'),
    cache: join(root, 'cache'),
    tmp: join(root, 'tmp'),
    install: join(root, 'install'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });

  const packed = JSON.parse((await npm(['pack', '--json', '--pack-destination', root], REPO_ROOT)).stdout) as Array<{ filename: string }>;
  const tarball = join(root, packed[0].filename);
  writeFileSync(join(dirs.install, 'package.json'), JSON.stringify({ name: 'oncehub-install', private: true }));
  const started = performance.now();
  await npm(['install', tarball, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], dirs.install);
  const installSeconds = (performance.now() - started) / 1000;
  const dir = join(dirs.install, 'node_modules', 'plugin-oncehub');

  const linked = await run(['plugins', 'link', dir, '--no-install'], isolatedEnv(dirs));
  if (linked.exitCode !== 0) throw new Error(`sf plugins link failed: ${linked.stderr}`);
  const footprint = { tarball, installSeconds, ...measureNodeModules(join(dirs.install, 'node_modules')) };
  return { dir, data: dirs.data, cache: dirs.cache, footprint };
}

/**
 * Stages the plugin once for every mocha worker (`mochaGlobalSetup` of test/e2e/global-setup.ts): the workers find it
 * through an environment variable they inherit. Returns the cleanup.
 */
export async function stageForWorkers(): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'oncehub-sf-'));
  const staged = await stage(root);
  const file = join(root, 'staged.json');
  writeFileSync(file, JSON.stringify(staged));
  process.env[STAGED_ENV] = file;
  return () => {
    delete process.env[STAGED_ENV];
    rmSync(root, { recursive: true, force: true });
  };
}

/**
 * The staged plugin: the one a global setup staged for the workers, with a cache folder of this process's own (the
 * sf processes of parallel workers must not write the same cache), or else staged by this process (the demo, the
 * bench, a single e2e file), removed when the process exits.
 */
async function stagedPlugin(): Promise<Staged> {
  staging ??= (async (): Promise<Staged> => {
    const shared = process.env[STAGED_ENV];
    if (shared && existsSync(shared)) {
      const staged = JSON.parse(readFileSync(shared, 'utf8')) as Staged;
      const cache = mkdtempSync(join(tmpdir(), 'oncehub-sf-cache-'));
      process.once('exit', () => rmSync(cache, { recursive: true, force: true }));
      cpSync(staged.cache, cache, { recursive: true });
      return { ...staged, cache };
    }
    const root = mkdtempSync(join(tmpdir(), 'oncehub-sf-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    return stage(root);
  })();
  return staging;
}

/** Stages the plugin (once per process) and tells what its install cost. */
export async function installFootprint(): Promise<InstallFootprint> {
  return (await stagedPlugin()).footprint;
}

/** Starts an emulated org (unless one is given) and an isolated sf home linked to the built plugin. */
export async function startSession(options: SessionOptions = {}): Promise<Session> {
  const plugin = options.linkPlugin === false ? undefined : await stagedPlugin();
  const emulator = options.emulator ?? (await startEmulator(options));
  const root = mkdtempSync(join(tmpdir(), 'oncehub-e2e-'));
  const dirs = {
    home: join(root, 'home'),
    config: join(root, 'config'),
    data: plugin?.data ?? join(root, 'data'),
    cache: plugin?.cache ?? join(root, 'cache'),
    tmp: join(root, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env = isolatedEnv(dirs);
  const issued: string[] = [];

  return {
    emulator,
    home: dirs.home,
    env,
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
    spawnSf(args) {
      const started = Date.now();
      const child = spawn(process.execPath, ['--no-deprecation', SF_RUN, ...args], { env, cwd: env.HOME });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const result = new Promise<SfResult>((done) =>
        child.on('close', (code, signal) => done({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started }))
      );
      return { child, result };
    },
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
