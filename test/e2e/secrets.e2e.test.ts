/**
 * The access token must never leave sf's own auth files: not in any output (human, JSON, errors), not in the plugin's
 * state file, not in the JUnit or Markdown report or a generated setup file, not in anything else the plugin writes under
 * HOME or the output folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { ADMIN_USERNAME, scenarios } from '../../emulator/index.js';
import { type Session, startSession } from './harness.js';

/** Every file below `dir`, except sf's own auth store (~/.sfdx), which is where the token legitimately lives. */
function filesBelow(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (relative(root, path) === '.sfdx') return [];
    return statSync(path).isDirectory() ? filesBelow(path, root) : [path];
  });
}

describe('e2e: no access token in any output or file', function () {
  this.timeout(240_000);
  let s: Session;

  before(async () => {
    s = await startSession({ org: scenarios.demo().withTwoEventLayouts().build() });
    await s.login(ADMIN_USERNAME, 'acme');
  });

  after(async () => s?.stop());

  it('every command, in human and JSON mode, on success and on failure', async () => {
    const token = s.tokens()[0];
    // The part after "!" is the secret; the 00D prefix is the org id, which may legitimately be shown.
    const secret = token.split('!')[1];
    expect(secret.length).to.be.greaterThan(10);
    const outDir = join(s.home, 'reports');

    // Each run with the exit code it must end with, so a command that never ran (or failed early) cannot pass the scan.
    const runs: Array<[string[], number]> = [
      [['oncehub', 'connect', '-o', 'acme'], 0],
      [['oncehub', 'connect', '-o', 'acme', '--json'], 0],
      [['oncehub', 'status'], 0],
      [['oncehub', 'status', '--json'], 0],
      [['oncehub', 'doctor', '-o', 'acme', '--json'], 1],
      // Prints the human checklist too (and writes the report file, scanned below).
      [['oncehub', 'doctor', '-o', 'acme', '--result-format', 'junit', '--output-dir', outDir], 1],
      [['oncehub', 'doctor', '-o', 'acme', '--result-format', 'markdown', '--output-dir', outDir], 1],
      [['oncehub', 'setup-file', 'generate', '-o', 'acme', '--json'], 0],
      [['oncehub', 'setup-file', 'generate', '-o', 'acme'], 1], // the file exists, no --force: an error
      [['oncehub', 'compare', '-s', 'acme', '-o', 'acme'], 1], // the same org on both sides: an error
      [['oncehub', 'permset', 'assign', '-o', 'acme', '--dry-run', '--json'], 0],
      [['oncehub', 'setup', '-o', 'acme', '--json'], 1], // production with work to do, without --no-prompt under --json: an error
      [['oncehub', 'permset', 'assign', '-o', 'acme'], 0],
      [['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json'], 0],
      [['oncehub', 'setup', '-o', 'acme', '--no-prompt'], 0],
      [['oncehub', 'connect', '-o', 'acme', '--sandbox'], 1], // wrong environment: an error
      [['oncehub', 'doctor', '-o', 'acme', '--config', join(s.home, 'missing.json')], 1], // bad input: an error
    ];
    const outputs: string[] = [];
    for (const [args, exitCode] of runs) {
      const run = await s.sf(args);
      expect(run.exitCode, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).to.equal(exitCode);
      outputs.push(`${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
    }
    // An expired session: the error path that is closest to the token.
    s.emulator.faults.expiredSession({ times: 50 });
    for (const args of [['oncehub', 'connect', '-o', 'acme'], ['oncehub', 'doctor', '-o', 'acme', '--json']]) {
      const run = await s.sf(args);
      expect(run.exitCode).to.equal(1);
      outputs.push(`${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
    }
    s.emulator.faults.clear();

    for (const output of outputs) expect(output, output.split('\n')[0]).to.not.include(secret);

    const written = [...filesBelow(s.home)];
    expect(written.some((f) => f.endsWith(join('.sf', 'oncehub.json')))).to.equal(true);
    expect(written.some((f) => f.endsWith('oncehub-doctor.xml'))).to.equal(true);
    expect(written.some((f) => f.endsWith('oncehub-doctor.md'))).to.equal(true);
    expect(written.some((f) => f.endsWith('oncehub-setup.json'))).to.equal(true);
    for (const file of written) expect(readFileSync(file, 'utf8'), file).to.not.include(secret);
  });
});
