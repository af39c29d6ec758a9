// Runs before every test file: keep the suite away from the user's real ~/.sf and from the network.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
