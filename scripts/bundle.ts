/**
 * Bundles the plugin into lib/ with esbuild: what `npm pack` publishes and what users install.
 *
 * Why: an installed plugin does not share the sf CLI's modules. Shipped as plain tsc output with its dependencies, it
 * pulled 288 packages (95 MB) and loaded a second sf stack file by file (+0.4–0.6 s per command). Bundled, it has no
 * runtime dependencies and loads a few large files.
 *
 * - One entry per command (src/commands/**), per hook (src/hooks/*) and the package entry (src/index.ts), found on
 *   disk, so new commands are picked up without touching this file; code shared between them goes into chunks.
 * - ESM output with a banner that gives the bundled CommonJS code `require`, `__filename` and `__dirname` (of the
 *   output file it lands in).
 * - The files pino runs in worker threads are entries of their own (workerEntries), found by path at run time.
 * - Corrections to dependencies' sources are the patches in scripts/patches/ (each says what, why and what breaks
 *   it; DESIGN.md lists them). Every patch must apply exactly as declared, to the exact version package.json pins, or
 *   the build fails naming the patch, the package version and the file (scripts/patches/source-patch.ts).
 * - Two rules for every bundled file: a dependency must not load its messages by a path relative to its own module
 *   (guardRelativeLoads fails the build), and `await import()` of a CommonJS module gives named exports as in Node
 *   (commonJsDynamicImports).
 *
 *   tsx scripts/bundle.ts          (npm run build runs it before tsc)
 *   BUNDLE_OUT=.variants/x BUNDLE_WITHOUT=lazy-core-index tsx scripts/bundle.ts
 *                                  (experiments: another output folder inside the repository, patches left out by name)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin, type PluginBuild } from 'esbuild';
import { applyPatch, owningPackage, patchesOf, PatchError, pinnedVersion, type SourcePatch } from './patches/source-patch.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// BUNDLE_OUT: another output folder inside the repository, for experiments while lib/ is in use.
const OUT = process.env.BUNDLE_OUT ? join(ROOT, process.env.BUNDLE_OUT) : join(ROOT, 'lib');
// BUNDLE_WITHOUT: patches left out by name (comma-separated), to measure what each one does. Never in a release build.
const WITHOUT = new Set((process.env.BUNDLE_WITHOUT ?? '').split(',').filter(Boolean));
const require = createRequire(join(ROOT, 'package.json'));

/** Every .ts file under dir (recursively), as paths relative to ROOT with forward slashes. */
function tsFiles(dir: string, recursive: boolean): string[] {
  return readdirSync(join(ROOT, dir), { recursive, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** Output path (without .js, relative to lib/) → source file. */
function entryPoints(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const file of [...tsFiles('src/commands', true), ...tsFiles('src/hooks', false), 'src/index.ts']) {
    entries[file.replace(/^src\//, '').replace(/\.ts$/, '')] = join(ROOT, file);
  }
  return { ...entries, ...workerEntries() };
}

/** The files pino and core's logger load by path in worker threads (scripts/patches/pino-worker-paths.ts). */
function workerEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  const pinoDir = dirname(require.resolve('pino'));
  const coreRequire = createRequire(require.resolve('@salesforce/core'));
  entries['thread-stream-worker'] = join(dirname(createRequire(join(pinoDir, 'pino.js')).resolve('thread-stream')), 'lib', 'worker.js');
  entries['pino-worker'] = join(pinoDir, 'lib', 'worker.js');
  entries['pino-file'] = join(pinoDir, 'file.js');
  entries['pino-pretty'] = coreRequire.resolve('pino-pretty');
  entries['transformStream'] = join(dirname(require.resolve('@salesforce/core')), 'logger', 'transformStream.js');
  return entries;
}

const BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  "import { dirname as __bundleDirname } from 'node:path';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __filename = __bundleFileURLToPath(import.meta.url);',
  'const __dirname = __bundleDirname(__filename);',
].join('\n');

type Transform = (source: string, path: string) => Promise<string> | string;

/** Every patch exported by a module of scripts/patches/ (see source-patch.ts for the shape and the rules). */
async function loadPatches(): Promise<SourcePatch[]> {
  const dir = join(ROOT, 'scripts', 'patches');
  const patches: SourcePatch[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    patches.push(...patchesOf((await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>));
  }
  const names = patches.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`two patches in scripts/patches/ are named "${twice}"`);
  const unknown = [...WITHOUT].filter((n) => !names.includes(n));
  if (unknown.length) throw new Error(`BUNDLE_WITHOUT names no patch: ${unknown.join(', ')} (patches: ${names.join(', ')})`);
  return patches.filter((p) => !WITHOUT.has(p.name));
}

/** Applies the patches that match `path`; `applied` collects the names of those that did. */
function patchTransform(patches: SourcePatch[], applied: Set<string>): Transform {
  return (source, path) => {
    let out = source;
    for (const patch of patches) {
      if (!patch.file.test(path)) continue;
      const owner = owningPackage(path, patch.package);
      if (!owner) throw new Error(`patch "${patch.name}": ${path} matches its file pattern but is not in ${patch.package}`);
      const pin = pinnedVersion(ROOT, patch.package);
      const pinHint = 'a patch is written against one version: pin it exactly, check the patch against that version';
      if (pin.problem) throw new PatchError(patch, owner.version, path, pin.problem, pinHint);
      if (pin.version !== owner.version) {
        throw new PatchError(patch, owner.version, path, `package.json pins ${patch.package} to ${pin.version}, but ${owner.version} was bundled`, pinHint);
      }
      out = applyPatch(patch, out, path, owner.version);
      applied.add(patch.name);
    }
    return out;
  };
}

/** A patch that matched no bundled file would silently ship the unpatched code: the build fails instead. */
function checkAllApplied(patches: SourcePatch[], applied: Set<string>): void {
  const missed = patches.filter((p) => !applied.has(p.name));
  if (missed.length) {
    const list = missed.map((p) => `"${p.name}" (${p.package}@${owningVersion(p.package)}, files ${String(p.file)})`).join('; ');
    throw new Error(`patches that matched no bundled file: ${list}. The dependency's files moved: look at scripts/patches/ again.`);
  }
}

function owningVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/**
 * Fails the build when a bundled dependency loads its messages relative to its own module at run time: in the
 * bundle, that path would point into lib/ instead of the dependency's package folder. (Runs after the patches, which
 * inline sf-plugins-core's; a new caller needs a patch like scripts/patches/sf-plugins-core-messages.ts.)
 */
const guardRelativeLoads: Transform = (source, path) => {
  if (!/[\\/]node_modules[\\/]/.test(path)) return source;
  const code = source.split('\n').filter((line) => !/^\s*(\*|\/\/)/.test(line));
  if (code.some((line) => /Messages\.importMessages\w*\(\s*(import\.meta\.url|__dirname)/.test(line))) {
    throw new Error(`${path} loads its messages by a path relative to its module: inline them (scripts/patches/)`);
  }
  return source;
};

/** Whether a resolved file is CommonJS, as Node decides it: by extension, else by the nearest package.json "type". */
function isCommonJs(file: string): boolean {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const pjson = join(dir, 'package.json');
    if (existsSync(pjson)) {
      const type = (JSON.parse(readFileSync(pjson, 'utf8')) as { type?: string }).type;
      // A nested package.json without "type" (e.g. a dist/ marker) does not decide; the package root does.
      if (type) return type !== 'module';
      if (/[\\/]node_modules[\\/](@[^\\/]+[\\/])?[^\\/]+$/.test(dir)) return true;
    }
  }
  return true;
}

/** Whether the match at `index` sits in a comment on its line or a JSDoc line (`@type {import('./x')}`): no code. */
function inComment(source: string, index: number): boolean {
  const line = source.slice(source.lastIndexOf('\n', index) + 1, index);
  const opened = line.lastIndexOf('/*');
  return /^\s*(\*|\/\/)/.test(line) || line.includes('//') || (opened >= 0 && !line.includes('*/', opened));
}

/**
 * `await import('a-commonjs-package')` in Node gives its exports as named bindings (and module.exports as `default`).
 * In a split ESM bundle esbuild turns the package into a chunk with only `export default module.exports`, so
 * destructured names come back undefined (`const { parse } = await import('yaml')`, sf-plugins-core's
 * `const { ConfigAggregator } = await import('@salesforce/core')`). Such imports are rewritten to give what Node
 * gives: module.exports' own properties as names, and module.exports as `default`. Not a patch of one package: a rule
 * for every bundled file, the plugin's own included. Breaks when: an import's specifier is computed (not a string
 * literal), which this cannot see.
 */
function commonJsDynamicImports(b: PluginBuild, rewritten: string[]): Transform {
  return async (source, path) => {
    let out = '';
    let last = 0;
    for (const match of source.matchAll(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g)) {
      const [expr, , spec] = match;
      if (inComment(source, match.index)) continue;
       
      const resolved = await b.resolve(spec, { kind: 'dynamic-import', resolveDir: dirname(path) });
      if (resolved.errors.length || resolved.external || !isCommonJs(resolved.path)) continue;
      out += `${source.slice(last, match.index)}${expr}.then((m) => ({ ...m.default, default: m.default }))`;
      last = match.index + expr.length;
      rewritten.push(`${relative(ROOT, path)}: ${spec}`);
    }
    return last === 0 ? source : out + source.slice(last);
  };
}

function sourceTransforms(patches: SourcePatch[], applied: Set<string>, rewritten: string[]): Plugin {
  return {
    name: 'source-transforms',
    setup(b) {
      const transforms = [patchTransform(patches, applied), guardRelativeLoads, commonJsDynamicImports(b, rewritten)];
      b.onLoad({ filter: /\.(ts|[cm]?js)$/ }, async (args) => {
        if (args.path.endsWith('.d.ts')) return undefined;
        let source = readFileSync(args.path, 'utf8');
         
        for (const transform of transforms) source = await transform(source, args.path);
        return { contents: source, loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

async function main(): Promise<void> {
  const patches = await loadPatches();
  const applied = new Set<string>();
  const rewritten: string[] = [];
  // A fresh lib/: stale files from an earlier build would be loaded by oclif and packed. (tsc then adds the .d.ts files.)
  rmSync(OUT, { recursive: true, force: true });
  const result = await build({
    entryPoints: entryPoints(),
    outdir: OUT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    chunkNames: '[name]-[hash]',
    // React and ink pick their production builds (no dev checks or profiling on every render), as bundlers do for apps.
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: BANNER },
    plugins: [sourceTransforms(patches, applied, rewritten)],
    metafile: true,
    logLevel: 'warning',
    // Optional peers that the bundled packages probe for with a guarded require/import; none is needed at run time.
    external: ['ts-node', 'tsx', 'typescript', '@oclif/plugin-*', 'react-devtools-core'],
  });
  checkAllApplied(patches, applied);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  process.stdout.write(`bundled ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(1)} MB into ${relative(ROOT, OUT)}/; patches: ${[...applied].join(', ')}; CommonJS dynamic imports rewritten: ${rewritten.length}\n`);
}

try {
  await main();
} catch (error) {
  // esbuild has printed its build errors (a failed patch among them) with their locations; others are ours.
  const printed = typeof error === 'object' && error !== null && 'errors' in error;
  if (!printed) process.stderr.write(`bundle: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
