import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../../emulator/index.js';
import { applyPatches, jsforceBodyErrors, jsforceBodyStreamError, jsforceResponseReadRejection } from '../../scripts/patches/jsforce-body-errors.js';

const require = createRequire(import.meta.url);
const libDir = join(require.resolve('@jsforce/jsforce-node/package.json'), '..', 'lib');
const read = (file: string): string => readFileSync(join(libDir, file), 'utf8');

describe('scripts/patches/jsforce-body-errors', () => {
  it('matches the installed jsforce exactly once per edit, and changes nothing else', () => {
    for (const [file, patch] of [
      ['request.js', jsforceBodyStreamError],
      ['request-helper.js', jsforceResponseReadRejection],
    ] as const) {
      const source = read(file);
      const patched = applyPatches(jsforceBodyErrors, source, join(libDir, file));
      expect(patched, file).to.not.equal(source);
      for (const { find, replace } of patch.edits) expect(patched.replace(replace, find), file).to.equal(source);
    }
    expect(applyPatches(jsforceBodyErrors, read('transport.js'), join(libDir, 'transport.js'))).to.equal(read('transport.js'));
  });

  it('fails loudly when jsforce no longer holds the patched lines', () => {
    const path = join(libDir, 'request.js');
    expect(() => applyPatches(jsforceBodyErrors, 'module.exports = {};', path)).to.throw(/request\.js no longer matches \(not found\)/);
    const twice = read('request.js').replace(jsforceBodyStreamError.edits[0].find, `${jsforceBodyStreamError.edits[0].find}${jsforceBodyStreamError.edits[0].find}`);
    expect(() => applyPatches(jsforceBodyErrors, twice, path)).to.throw(/found twice/);
  });

  it('is needed: unpatched jsforce (a plain Node process) dies on an answer cut mid-body', async () => {
    const emu = await startEmulator();
    try {
      emu.faults.cutBodies();
      const script = [
        "const { Connection } = require('@jsforce/jsforce-node');",
        `const conn = new Connection({ instanceUrl: ${JSON.stringify(emu.url)}, accessToken: ${JSON.stringify(emu.tokenFor('admin@acme.example'))}, version: '66.0' });`,
        "conn.request('/services/data/v66.0/query?q=SELECT+Id+FROM+Organization', { retry: { maxRetries: 0 } }).then(() => console.log('resolved'), (e) => console.log('rejected', e.message));",
      ].join('\n');
      const outcome = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, ['-e', script], { cwd: join(libDir, '..'), timeout: 30_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr })
        );
        child.stdin?.end();
      });
      expect(outcome.code).to.equal(1);
      expect(outcome.stdout).to.equal('');
      expect(outcome.stderr).to.match(/TypeError: terminated/);
    } finally {
      await emu.stop();
    }
  });
});
