// Runs before every test file: keep the suite away from the user's real ~/.sf and from the network.
import { mkdtempSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatches, jsforceBodyErrors } from '../scripts/patches/jsforce-body-errors.js';

if (Number(process.versions.node.split('.')[0]) < 22) {
  throw new Error(`Tests need Node >= 22 (got ${process.version}); run them through npm (npm test), which uses the node devDependency.`);
}
const sandbox = mkdtempSync(join(tmpdir(), 'oncehub-test-'));
process.env.TMPDIR = sandbox;
process.env.SF_DISABLE_TELEMETRY = 'true';
process.env.SF_DISABLE_LOG_FILE = 'true';
process.env.SF_SKIP_NEW_VERSION_CHECK = 'true';
process.env.SF_DISABLE_AUTOUPDATE = 'true';
process.env.SF_AUTOUPDATE_DISABLE = 'true';
delete process.env.SF_TARGET_ORG;
// Internal, test-only: read retries wait 0 ms instead of 0.2/0.4/0.8 s (src/lib/org/requests.ts), so no test sleeps.
process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS = '0';

// jsforce's request path as users get it: the bundle applies scripts/patches/jsforce-body-errors.ts to the inlined
// jsforce, and the tests apply the same patches to node_modules' copy as it is compiled, in this process only. (tsx
// reads CommonJS files itself and bypasses module.registerHooks, so the hook sits at Module.prototype._compile, the
// step every loader ends in; any other file passes unchanged.)
type CompilingModule = { _compile(content: string, filename: string): unknown };
const proto = (Module as unknown as { prototype: CompilingModule }).prototype;
const compile = proto._compile; // eslint-disable-line @typescript-eslint/unbound-method
proto._compile = function (this: CompilingModule, content: string, filename: string): unknown {
  const patched = jsforceBodyErrors.some((p) => p.file.test(filename)) ? applyPatches(jsforceBodyErrors, content, filename) : content;
  return compile.call(this, patched, filename);
};
