/**
 * jsforce 3.12 crashes the process when an answer is cut off after its header block (a proxy reset, a flaky network):
 * undici has resolved `fetch()` and then fails the body stream with `TypeError: terminated`, and jsforce's request path
 * has two leaks for that error, REST and SOAP alike (every call goes through `request.js`):
 *
 * - `lib/request.js` pipes `Readable.fromWeb(res.body)` into its output stream without an 'error' listener: the body's
 *   error is an unhandled 'error' event (an uncaught exception), and the request's promise never settles.
 * - `lib/request-helper.js` reads the whole body inside an async 'response' listener; when that read rejects, nobody
 *   handles the rejection (an unhandled rejection).
 *
 * The correction forwards the body's error to the request's own stream, whose 'error' event rejects the request's
 * promise (`transport.js` `httpRequest`): the caller gets an ordinary rejected request, and the read in the 'response'
 * listener, which fails with that same error, is left to that promise. Nothing else changes.
 *
 * Applied by the bundle (scripts/bundle.ts), so users get it, and in-process by the tests' module load hook
 * (test/init.ts), so unit tests run the same code. Each `find` must occur exactly once, or the build (and the tests)
 * fail: a jsforce update that moves these lines must be looked at again.
 */

export type SourcePatch = {
  name: string;
  why: string;
  package: string;
  /** The patched file, matched on its path. */
  file: RegExp;
  edits: Array<{ find: string; replace: string }>;
};

const why =
  'An answer cut off mid-body crashes jsforce 3.12 (unhandled stream error and unhandled rejection) instead of rejecting the request.';

export const jsforceBodyStreamError: SourcePatch = {
  name: 'jsforce-body-errors: request.js',
  why,
  package: '@jsforce/jsforce-node',
  file: /[\\/]@jsforce[\\/]jsforce-node[\\/]lib[\\/]request\.js$/,
  edits: [
    {
      find: '        stream_1.Readable.fromWeb(res.body).pipe(output);\n',
      replace: [
        '        const body = stream_1.Readable.fromWeb(res.body);',
        "        // patched (scripts/patches/jsforce-body-errors.ts): a body cut off mid-way rejects the request",
        "        body.on('error', (err) => emitter.emit('error', err));",
        '        body.pipe(output);',
        '',
      ].join('\n'),
    },
  ],
};

export const jsforceResponseReadRejection: SourcePatch = {
  name: 'jsforce-body-errors: request-helper.js',
  why,
  package: '@jsforce/jsforce-node',
  file: /[\\/]@jsforce[\\/]jsforce-node[\\/]lib[\\/]request-helper\.js$/,
  edits: [
    {
      find: '            const resBody = await (0, stream_2.readAll)(duplex, options.encoding);\n',
      replace: [
        '            let resBody;',
        '            try {',
        '                resBody = await (0, stream_2.readAll)(duplex, options.encoding);',
        '            }',
        '            catch {',
        "                // patched (scripts/patches/jsforce-body-errors.ts): the stream's 'error' event rejects the request",
        '                return;',
        '            }',
        '',
      ].join('\n'),
    },
  ],
};

export const jsforceBodyErrors: readonly SourcePatch[] = [jsforceBodyStreamError, jsforceResponseReadRejection];

/** The names of the patches applied so far in this process (a build checks that every listed patch was). */
export const appliedPatches = new Set<string>();

/** Throws unless every patch was applied: a file that moved or was renamed must not go unnoticed. */
export function assertAllApplied(patches: readonly SourcePatch[]): void {
  const missing = patches.filter((p) => !appliedPatches.has(p.name)).map((p) => p.name);
  if (missing.length) throw new Error(`source patches never applied (no file matched): ${missing.join(', ')}; update scripts/patches/`);
}

/** Applies the patches whose `file` matches `path`; throws when an edit's `find` does not occur exactly once. */
export function applyPatches(patches: readonly SourcePatch[], source: string, path: string): string {
  let out = source;
  for (const patch of patches) {
    if (!patch.file.test(path)) continue;
    appliedPatches.add(patch.name);
    for (const { find, replace } of patch.edits) {
      const at = out.indexOf(find);
      if (at < 0 || out.indexOf(find, at + 1) >= 0) {
        throw new Error(`${patch.name}: ${path} no longer matches (${at < 0 ? 'not found' : 'found twice'}); update scripts/patches/`);
      }
      out = out.slice(0, at) + replace + out.slice(at + find.length);
    }
  }
  return out;
}
