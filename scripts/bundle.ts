/**
 * Bundles the plugin into lib/ with esbuild: what `npm pack` publishes and what users install.
 *
 * Why: an installed plugin does not share the sf CLI's modules. Shipped as plain tsc output with its dependencies, it
 * pulled 288 packages (95 MB) and loaded a second sf stack file by file (+0.4–0.6 s per command). Bundled, it has no
 * runtime dependencies and loads a few large files.
 *
 * - One entry per command (src/commands/**), per hook (src/hooks/*) and the library entry (src/index.ts), found on
 *   disk, so new commands are picked up without touching this file; code shared between them goes into chunks.
 * - ESM output with a banner that gives the bundled CommonJS code `require`, `__filename` and `__dirname` (of the
 *   output file it lands in).
 * - pino (the @salesforce/core logger) runs its transports in worker threads that load files by path: the workers and
 *   core's transformStream become entries of their own in lib/, and the paths pino and core look them up under are
 *   rewritten to those files. (esbuild-plugin-pino 2.3 resolves them against the build's outdir or process.cwd(),
 *   which is wrong for an installed plugin.)
 * - Dependencies that load their Messages bundles from their own package folder at run time (sf-plugins-core) get the
 *   messages inlined at build time, parsed by @salesforce/core itself. The plugin's own code keeps loading messages/
 *   from the package root (`Messages.importMessagesDirectoryFromMetaUrl(import.meta.url)` walks up to package.json).
 *
 *   tsx scripts/bundle.ts          (npm run build runs it after tsc)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Messages } from '@salesforce/core';
import { build, type Plugin, type PluginBuild } from 'esbuild';
import { applyPatches, assertAllApplied, jsforceBodyErrors } from './patches/jsforce-body-errors.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// BUNDLE_OUT: another output folder inside the repository, for experiments while lib/ is in use.
const OUT = process.env.BUNDLE_OUT ? join(ROOT, process.env.BUNDLE_OUT) : join(ROOT, 'lib');
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

/** pino and core's logger find their worker files in lib/, next to the chunk that holds them (see entryPoints). */
const pinoPaths: Transform = (source, path) => {
  if (/[\\/]pino[\\/]pino\.js$/.test(path)) {
    const overrides = ['thread-stream-worker', 'pino-worker', 'pino-pretty']
      .map((id) => `'${id}': require('node:path').join(__dirname, '${id}.js')`)
      .concat("'pino/file': require('node:path').join(__dirname, 'pino-file.js')")
      .join(', ');
    return `globalThis.__bundlerPathsOverrides = { ...(globalThis.__bundlerPathsOverrides || {}), ${overrides} };\n${source}`;
  }
  if (/[\\/]@salesforce[\\/]core[\\/]lib[\\/]logger[\\/]logger\.js$/.test(path)) {
    const target = "path.join('..', '..', 'lib', 'logger', 'transformStream')";
    if (!source.includes(target)) throw new Error(`${path}: the transformStream target moved; update scripts/bundle.ts`);
    return source.replace(target, "path.join(__dirname, 'transformStream.js')");
  }
  return source;
};

/** sf-plugins-core reads its messages/ folder at run time; in the bundle they are inlined instead. */
const inlineDependencyMessages: Transform = (source, path) => {
  const call = 'Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);';
  if (!/[\\/]node_modules[\\/]@salesforce[\\/]sf-plugins-core[\\/]lib[\\/]/.test(path) || !source.includes(call)) return source;
  const pkgDir = path.slice(0, path.lastIndexOf(`${sep}lib${sep}`));
  const pkgName = '@salesforce/sf-plugins-core';
  Messages.importMessagesDirectory(join(pkgDir, 'lib'), true, pkgName);
  const loaders = readdirSync(join(pkgDir, 'messages')).map((file) => {
    const bundle = file.replace(/\.(md|json)$/, '');
    const entries = [...Messages.loadMessages(pkgName, bundle).messages.entries()];
    return `Messages.setLoaderFunction(${JSON.stringify(pkgName)}, ${JSON.stringify(bundle)}, (locale) => new Messages(${JSON.stringify(bundle)}, locale, new Map(${JSON.stringify(entries)})));`;
  });
  return source.replace(call, loaders.join('\n'));
};

/**
 * Fails the build when a bundled dependency loads its messages relative to its own module at run time in a way this
 * script does not handle: in the bundle, that path would point into lib/ instead of the dependency's package folder.
 */
const guardRelativeLoads: Transform = (source, path) => {
  if (!/[\\/]node_modules[\\/]/.test(path) || /[\\/]@salesforce[\\/](sf-plugins-core|core)[\\/]lib[\\/]/.test(path)) return source;
  const code = source.split('\n').filter((line) => !/^\s*(\*|\/\/)/.test(line));
  if (code.some((line) => /Messages\.importMessages\w*\(\s*(import\.meta\.url|__dirname)/.test(line))) {
    throw new Error(`${path} loads its messages by path: inline them (scripts/bundle.ts)`);
  }
  return source;
};

/**
 * @salesforce/core's index requires every module up front (jsforce and all), although `status` or `--help` touch only
 * Messages, ConfigFile and a few more. Its re-exports become lazy: each `require` runs when a getter is first read.
 * (The CLI shares one copy among its own plugins; an installed plugin pays for its own on every command.)
 */
const lazyCoreIndex: Transform = (source, path) => {
  if (!/[\\/]@salesforce[\\/]core[\\/]lib[\\/]index\.js$/.test(path)) return source;
  let out = source;
  for (const [line, name, spec] of source.matchAll(/^(?:var|const) (\w+_1) = require\("(\.[^"]+)"\);$/gm)) {
    out = out.replace(`${line}\n`, '').replace(new RegExp(`\\b${name}\\b`, 'g'), `require(${JSON.stringify(spec)})`);
  }
  if (/\b\w+_1\b/.test(out)) throw new Error(`${path}: a module binding was left behind; update scripts/bundle.ts`);
  return out;
};

/**
 * ink 7 (sf-plugins-core's tables) asks terminal-size for the window when stdout is no terminal (CI, pipes), and
 * terminal-size then spawns `tput` twice (and `resize`): measured at about 0.3 s of CPU per `sf oncehub status | …`.
 * Without a terminal there is no window to measure, so the bundle answers with terminal-size's own fallback (80 × 24),
 * which is also what `tput` prints without a terminal.
 */
const noTerminalProbes: Transform = (source, path) => {
  if (!/[\\/]node_modules[\\/]terminal-size[\\/]index\.js$/.test(path)) return source;
  const probes = ['const tput = () => {', 'const resize = () => {'];
  if (!probes.every((p) => source.includes(p))) throw new Error(`${path}: terminal-size changed; update scripts/bundle.ts`);
  // `const tput = () => {…}` becomes `const tput = () => undefined; const probedTput = () => {…}` (left unused).
  return probes.reduce((out, p) => out.replace(p, `${p.replace(' => {', ' => undefined;')}\nconst probed${p.slice(6)}`), source);
};

/** Listed source patches (scripts/patches/*): each says what and why, and fails the build when it no longer matches. */
const listedPatches: Transform = (source, path) => applyPatches(jsforceBodyErrors, source, path);

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

/**
 * `await import('a-commonjs-package')` in Node gives its exports as named bindings (and module.exports as `default`).
 * In a split ESM bundle esbuild turns the package into a chunk with only `export default module.exports`, so
 * destructured names come back undefined. Such imports are rewritten to give what Node gives: module.exports' own
 * properties as names, and module.exports as `default`.
 */
function commonJsDynamicImports(b: PluginBuild): Transform {
  return async (source, path) => {
    const found = [...source.matchAll(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g)];
    let out = source;
    for (const [expr, , spec] of found) {
      const resolved = await b.resolve(spec, { kind: 'dynamic-import', resolveDir: dirname(path) });
      if (resolved.errors.length || resolved.external || !isCommonJs(resolved.path)) continue;
      out = out.split(expr).join(`${expr}.then((m) => ({ ...m.default, default: m.default }))`);
    }
    return out;
  };
}

const sourceTransforms: Plugin = {
  name: 'source-transforms',
  setup(b) {
    const transforms = [listedPatches, pinoPaths, inlineDependencyMessages, lazyCoreIndex, noTerminalProbes, guardRelativeLoads, commonJsDynamicImports(b)];
    b.onLoad({ filter: /\.(ts|[cm]?js)$/ }, async (args) => {
      if (args.path.endsWith('.d.ts')) return undefined;
      let source = readFileSync(args.path, 'utf8');
      for (const transform of transforms) source = await transform(source, args.path);
      return { contents: source, loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: dirname(args.path) };
    });
  },
};

async function main(): Promise<void> {
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
    plugins: [sourceTransforms],
    metafile: true,
    logLevel: 'warning',
    // Optional peers that the bundled packages probe for with a guarded require/import; none is needed at run time.
    external: ['ts-node', 'tsx', 'typescript', '@oclif/plugin-*', 'react-devtools-core'],
  });
  assertAllApplied(jsforceBodyErrors);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  process.stdout.write(`bundled ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(1)} MB into lib/\n`);
}

await main();
