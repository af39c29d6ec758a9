/**
 * What `npm pack` would publish (the built bundle, see scripts/bundle.ts): everything the plugin needs at run time, and
 * nothing else — no sources, tests, fixtures, emulator, scripts or secrets.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from './harness.js';

type PackedFile = { path: string; size: number };
type Packed = { files: PackedFile[]; entryCount: number; unpackedSize: number };

function npmPackDryRun(): Packed {
  const npmCli = process.env.npm_execpath;
  const [file, args] = npmCli && /\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const out = execFileSync(file, [...args, 'pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    shell: file === 'npm' && process.platform === 'win32',
  });
  return (JSON.parse(out) as Packed[])[0];
}

/** Source files below a folder of the repository, relative to the repository, with forward slashes. */
const sourcesUnder = (dir: string, ext: string): string[] =>
  readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)).split(sep).join('/'));

describe('package: the npm tarball', function () {
  this.timeout(120_000);
  let packed: Packed;
  let paths: Set<string>;

  before(() => {
    packed = npmPackDryRun();
    paths = new Set(packed.files.map((f) => f.path));
  });

  it('holds no sources, tests, fixtures, tooling or secrets', () => {
    const forbidden = [
      /^src\//,
      /^test\//,
      /^emulator\//,
      /^scripts\//,
      /^examples\//,
      /^\.github\//,
      /^\.ci\//,
      /^bin\/dev/,
      /fixtures?\//,
      /(?<!\.d)\.ts$/,
      /\.map$/,
      /(^|\/)\.env/,
      /(^|\/)\.npmrc$/,
      /\.(pem|key|p12|crt)$/,
      /(^|\/)(id_rsa|server\.key)/,
      /^tsconfig/,
      /^node_modules\//,
    ];
    const offending = [...paths].filter((p) => forbidden.some((re) => re.test(p)));
    expect(offending).to.deep.equal([]);
  });

  it('holds a bundle entry per command and hook, with every chunk they import', () => {
    const commands = sourcesUnder('src/commands', '.ts').map((f) => f.replace(/^src\//, 'lib/').replace(/\.ts$/, '.js'));
    const hooks = sourcesUnder('src/hooks', '.ts').map((f) => f.replace(/^src\//, 'lib/').replace(/\.ts$/, '.js'));
    expect(commands.length).to.be.greaterThan(5);
    for (const entry of [...commands, ...hooks, 'lib/index.js', 'lib/index.d.ts']) expect(paths, entry).to.include(entry);

    // Every relative import of every packed module resolves to a packed file (chunks, worker files).
    const missing: string[] = [];
    for (const path of [...paths].filter((p) => p.endsWith('.js'))) {
      const code = readFileSync(join(REPO_ROOT, path), 'utf8');
      // esbuild writes static imports at the start of a line and dynamic ones as import("./x.js").
      const specs = [
        ...code.matchAll(/^(?:import|export)\b[^;]*?["'](\.{1,2}\/[^"']+\.js)["'];?$/gm),
        // (comments in bundled code show import("./x.js") examples too: only esbuild's hashed chunk names count)
        ...code.matchAll(/\bimport\("(\.{1,2}\/(?:[\w.-]+\/)*[\w.-]+-[A-Z0-9]{8}\.js)"\)/g),
      ];
      for (const [, spec] of specs) {
        const target = posix.normalize(posix.join(posix.dirname(path), spec));
        if (!paths.has(target)) missing.push(`${path} → ${spec}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('holds the logger transport files pino loads by path in worker threads', () => {
    for (const file of ['transformStream', 'pino-worker', 'thread-stream-worker', 'pino-file', 'pino-pretty']) {
      expect(paths).to.include(`lib/${file}.js`);
    }
  });

  it('holds every messages file, the setup file schema and the oclif manifest listing every command', () => {
    for (const file of sourcesUnder('messages', '.md')) expect(paths).to.include(file);
    for (const file of sourcesUnder('schemas', '.json')) expect(paths).to.include(file);
    expect(paths).to.include('oclif.manifest.json');
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
    const ids = sourcesUnder('src/commands', '.ts').map((f) => f.replace(/^src\/commands\//, '').replace(/\.ts$/, '').split('/').join(':'));
    expect(Object.keys(manifest.commands).sort()).to.deep.equal(ids.sort());
  });

  it('has no runtime dependencies and points oclif at the bundle', () => {
    const pjson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      oclif: { commands: string; hooks: Record<string, string> };
    };
    expect(Object.keys(pjson.dependencies ?? {})).to.deep.equal([]);
    expect(pjson.oclif.commands).to.equal('./lib/commands');
    // oclif resolves a hook's path like require.resolve, so the `.js` may be left out (as sf's own plugins do).
    for (const hook of Object.values(pjson.oclif.hooks)) expect(paths).to.include(posix.normalize(hook.replace(/^\.\//, '').replace(/(\.js)?$/, '.js')));
    // A CI job installs it on every run (README, "Performance": the bar is ≤ 15 MB installed).
    expect(packed.unpackedSize).to.be.lessThan(15e6);
  });
});
