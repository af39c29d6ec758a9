/**
 * pino (the @salesforce/core logger) runs its transports in worker threads, which load their files by path: thread-stream's
 * worker, pino's worker and `pino/file`, and core's own `lib/logger/transformStream` (its log transform). In a bundle
 * those paths point nowhere, so the bundle makes each of them an entry of its own in lib/ (scripts/bundle.ts,
 * `workerEntries`), and these patches point pino and core at those files:
 *
 * - pino and thread-stream look a worker up in `globalThis.__bundlerPathsOverrides` before resolving it (pino's
 *   "Bundling support", docs/bundling.md in pinojs/pino: the contract esbuild-plugin-pino and the webpack plugin use).
 *   pino.js sets it before anything else runs. esbuild-plugin-pino itself is not used: it resolves the files against
 *   the build's outdir or process.cwd(), which is wrong for an installed plugin; here they are found next to the
 *   bundled code (`__dirname` of the output file, from the bundle's banner).
 * - core's logger names its transform as a path relative to its own module (`../../lib/logger/transformStream`).
 *
 * Without them, every sf command run with file logging (the default: ~/.sf/sf-YYYY-MM-DD.log) fails when the logger
 * starts its worker ("unable to determine transport target" / "Cannot find module"). sfdx-core's own bundle
 * (scripts/build.mjs in forcedotcom/sfdx-core) avoids the question by defining SF_DISABLE_LOG_FILE, i.e. no log file:
 * that would change what users get, so the plugin keeps the log and patches the paths.
 *
 * Breaks when: pino drops or renames `__bundlerPathsOverrides` or its worker ids, or core moves its transform (the
 * `find` below then fails the build); a new worker file (a new transport) needs its own entry.
 */
import type { SourcePatch } from './source-patch.js';

/** Worker ids pino and thread-stream look up in the overrides, each an entry file of the same name in lib/. */
export const WORKER_IDS = ['thread-stream-worker', 'pino-worker', 'pino-pretty'] as const;

const overrides = WORKER_IDS.map((id) => `'${id}': require('node:path').join(__dirname, '${id}.js')`)
  .concat("'pino/file': require('node:path').join(__dirname, 'pino-file.js')")
  .join(', ');

export const pinoWorkerPaths: SourcePatch = {
  name: 'pino-worker-paths',
  why: 'pino loads its transport workers by path; in the bundle they are entries of their own in lib/.',
  package: 'pino',
  file: /[\\/]node_modules[\\/]pino[\\/]pino\.js$/,
  edits: [
    {
      find: "'use strict'\n",
      replace: `'use strict'\nglobalThis.__bundlerPathsOverrides = { ...(globalThis.__bundlerPathsOverrides || {}), ${overrides} };\n`,
    },
  ],
};

export const coreTransformStreamPath: SourcePatch = {
  name: 'core-transform-stream-path',
  why: "@salesforce/core's logger names its transform by a path relative to its module; in the bundle it is lib/transformStream.js.",
  package: '@salesforce/core',
  file: /[\\/]node_modules[\\/]@salesforce[\\/]core[\\/]lib[\\/]logger[\\/]logger\.js$/,
  edits: [
    {
      find: "path.join('..', '..', 'lib', 'logger', 'transformStream')",
      replace: "path.join(__dirname, 'transformStream.js')",
    },
  ],
};
