/**
 * Issue #15 end to end, through the real sf: files are written only where asked (symlinks, FIFOs, a file that appears
 * during the run), a damaged state file is kept and named on stderr, and a printed fix pasted into bash runs exactly
 * what it shows. Blank flags, the other damaged state files and JUnit with hostile values are
 * test/commands/oncehub/hostile-input.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect } from 'chai';
import { scenarios } from '../../emulator/index.js';
import { type Session, type SfResult, startSession } from './harness.js';

const STACK = /\n\s+at .+\(.+:\d+:\d+\)/;
const HOSTILE_API_USER = 'api@acme.example$(touch canary)';

describe('e2e: hostile input and shared machines (issue #15)', function () {
  this.timeout(600_000);
  let s: Session;

  before(async () => {
    s = await startSession({ org: scenarios.demo().withApiUser(HOSTILE_API_USER).build() });
    await s.login('admin@acme.example', 'acme');
  });

  after(async () => s?.stop());

  /** A fresh folder in the session's HOME. */
  const folder = (name: string): string => {
    const dir = join(s.home, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  const clean = (run: SfResult): void => {
    expect(run.stderr, 'no stack trace').to.not.match(STACK);
    expect(run.stdout).to.not.match(STACK);
  };

  describe('files are written only where asked', () => {
    it('setup-file generate -f <symlink> refuses without --force and never writes through the link', async () => {
      const dir = folder('gen-symlink');
      const victim = join(dir, 'victim.txt');
      writeFileSync(victim, 'precious');
      symlinkSync(victim, join(dir, 'setup.json'));
      s.emulator.log.clear();
      const run = await s.sf(['oncehub', 'setup-file', 'generate', '-o', 'acme', '-f', join(dir, 'setup.json'), '--json']);
      clean(run);
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('SymlinkTargetError');
      expect(s.emulator.log.dataRequests(), 'refused before any request').to.have.length(0);
      expect(readFileSync(victim, 'utf8')).to.equal('precious');

      const forced = await s.sf(['oncehub', 'setup-file', 'generate', '-o', 'acme', '-f', join(dir, 'setup.json'), '--force']);
      expect(forced.exitCode, forced.stderr).to.equal(0);
      expect(lstatSync(join(dir, 'setup.json')).isFile(), 'the link itself is replaced').to.equal(true);
      expect(readFileSync(victim, 'utf8')).to.equal('precious');
    });

    it('a FIFO is refused, --force included, by setup-file generate and by doctor --output-dir', async () => {
      const dir = folder('fifo');
      execFileSync('mkfifo', [join(dir, 'setup.json'), join(dir, 'oncehub-doctor.xml')]);
      const generate = await s.sf(['oncehub', 'setup-file', 'generate', '-o', 'acme', '-f', join(dir, 'setup.json'), '--force', '--json']);
      clean(generate);
      expect(generate.exitCode).to.equal(1);
      expect(generate.json?.name).to.equal('NotRegularFileError');
      expect(generate.json?.message).to.include('FIFO');
      const doctor = await s.sf(['oncehub', 'doctor', '-o', 'acme', '-r', 'junit', '-d', dir]);
      clean(doctor);
      expect(doctor.exitCode).to.equal(1);
      expect(doctor.stderr).to.include('FIFO');
      expect(lstatSync(join(dir, 'setup.json')).isFIFO()).to.equal(true);
      expect(lstatSync(join(dir, 'oncehub-doctor.xml')).isFIFO()).to.equal(true);
    });

    it('doctor never writes a report through a symlink planted in --output-dir', async () => {
      const dir = folder('report-symlink');
      const victim = join(dir, 'victim.txt');
      writeFileSync(victim, 'precious');
      symlinkSync(victim, join(dir, 'oncehub-doctor.md'));
      const run = await s.sf(['oncehub', 'doctor', '-o', 'acme', '-r', 'markdown', '-d', dir]);
      clean(run);
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.include('symbolic link');
      expect(readFileSync(victim, 'utf8')).to.equal('precious');
    });

    it('of two concurrent setup-file generate runs to the same path, one writes and the other fails cleanly', async () => {
      const path = join(folder('race'), 'oncehub-setup.json');
      const runs = await Promise.all([1, 2].map(() => s.sf(['oncehub', 'setup-file', 'generate', '-o', 'acme', '-f', path, '--json'])));
      runs.forEach(clean);
      expect(runs.map((r) => r.exitCode).sort()).to.deep.equal([0, 1]);
      expect(runs.find((r) => r.exitCode === 1)?.json?.name).to.equal('FileExistsError');
      expect(JSON.parse(readFileSync(path, 'utf8'))).to.have.property('creationRules');
      expect(readdirSync(join(s.home, 'race')), 'no temporary file left').to.deep.equal(['oncehub-setup.json']);
    });
  });

  // The other damaged files, per command, are test/commands/oncehub/hostile-input.test.ts.
  describe('a damaged state file', () => {
    const statePath = (): string => join(s.home, '.sf', 'oncehub.json');
    const plant = (text: string): void => {
      mkdirSync(join(s.home, '.sf'), { recursive: true });
      writeFileSync(statePath(), text);
    };

    it('invalid JSON: connect keeps it as <name>.corrupt-<UTC time> beside the new one and says so', async () => {
      plant('{"sandbox": {"username": "uat@acme.example",');
      const run = await s.sf(['oncehub', 'connect', '-o', 'acme']);
      clean(run);
      const kept = readdirSync(join(s.home, '.sf')).filter((f) => /^oncehub\.json\.corrupt-\d{8}T\d{6}Z$/.test(f));
      expect(kept, run.stderr).to.have.length(1);
      expect(readFileSync(join(s.home, '.sf', kept[0]), 'utf8')).to.equal('{"sandbox": {"username": "uat@acme.example",');
      expect(run.stderr).to.include(kept[0]);
      expect(JSON.parse(readFileSync(statePath(), 'utf8'))).to.have.nested.property('production.username', 'admin@acme.example');
    });
  });

  it('a printed fix with apiUser "api@acme.example$(touch canary)", pasted into bash, runs exactly what it shows', async () => {
    const dir = folder('paste');
    const config = join(dir, 'setup.json');
    writeFileSync(config, JSON.stringify({ apiUser: HOSTILE_API_USER }));
    const run = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--config', config, '--json']);
    clean(run);
    type Check = { id: string; fix?: string };
    const checks = (run.json?.result?.phases as Array<{ checks: Check[] }>).flatMap((p) => p.checks);
    const fix = checks.find((c) => c.id === 'permset-assigned')?.fix;
    expect(fix, JSON.stringify(checks)).to.be.a('string');
    expect(fix).to.include("--on-behalf-of 'api@acme.example$(touch canary)'");

    // A stub sf that prints its arguments, NUL-separated; bash runs the fix as a user would paste it.
    const bin = mkdtempSync(join(tmpdir(), 'oncehub-stub-sf-'));
    writeFileSync(join(bin, 'sf'), '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done\n');
    chmodSync(join(bin, 'sf'), 0o755);
    const out = execFileSync('bash', ['--norc', '-c', fix!], { cwd: dir, env: { PATH: `${bin}${delimiter}/usr/bin${delimiter}/bin` }, encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).to.deep.equal(['oncehub', 'permset', 'assign', '--target-org', 'acme', '--on-behalf-of', HOSTILE_API_USER]);
    expect(existsSync(join(dir, 'canary')), 'nothing else ran').to.equal(false);

    // The human checklist prints the same quoted command.
    const human = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--config', config]);
    expect(human.stdout).to.include(fix!);
  });
});
