/**
 * `sf oncehub doctor` end to end, for what only the real sf binary shows: the help oclif prints (the default target
 * org named as core commands name it), and a completed org through the installed plugin: exit code 0 and exactly one
 * JSON document on stdout, in four requests over HTTP, no write, no stack trace, no token. Each requirement, the
 * checklist, the setup file errors and the org-level failures are test/commands/oncehub/doctor.test.ts and
 * doctor-requirements.test.ts. Needs `npm run build` first (npm test does it).
 */
import { resolve } from 'node:path';
import { expect } from 'chai';
import { ADMIN_USERNAME, scenarios } from '../../emulator/index.js';
import { REPO_ROOT, type Session, startSession } from './harness.js';

type Report = { phases: Array<{ id: string; status: string }>; progress: { done: number; total: number }; summary: Record<string, number> };

describe('e2e: sf oncehub doctor', function () {
  this.timeout(300_000);
  const sessions: Session[] = [];

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  it('--help names the default target org as core commands do, without a request to the org', async () => {
    const s = await startSession({ org: scenarios.base().build() });
    sessions.push(s);
    await s.login(ADMIN_USERNAME, 'acme', { setDefault: true });
    s.emulator.log.clear();

    const [ours, core] = await Promise.all([s.sf(['oncehub', 'doctor', '--help']), s.sf(['org', 'display', '--help'])]);

    for (const run of [ours, core]) expect(run.stdout).to.match(/--target-org=<value>\s+\(required\) \[default: admin@acme\.example\]/);
    expect(s.emulator.log.entries).to.have.length(0);
  });

  it('a completed org with the valid setup file: all five phases pass, exit 0, one JSON document (--result-format json), four requests', async () => {
    const s = await startSession({
      org: scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().withAssignmentRules().withRequiredLeadRegion().build(),
    });
    sessions.push(s);
    await s.login(ADMIN_USERNAME, 'acme');
    expect((await s.sf(['oncehub', 'connect', '-o', 'acme'])).exitCode).to.equal(0);
    s.emulator.log.clear();

    const run = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--config', resolve(REPO_ROOT, 'test', 'fixtures', 'setup', 'valid.json'), '--result-format', 'json']);

    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    const parsed = JSON.parse(run.stdout) as { status: number; result: Report };
    expect(parsed.status).to.equal(0);
    const report = parsed.result;
    expect(report.phases.map((p) => `${p.id}:${p.status}`)).to.deep.equal([
      'api-connection:pass',
      'installation:pass',
      'field-validation:pass',
      'field-mapping:pass',
      'creation-rules:pass',
    ]);
    expect(report.progress).to.deep.equal({ done: 5, total: 5 });
    // source-layouts is skipped: doctor runs outside an sf project here.
    expect(report.summary).to.deep.equal({ pass: 16, warn: 0, fail: 0, skip: 1 });
    expect(s.emulator.log.dataRequests().map((r) => `${r.method} ${r.path}`).sort()).to.deep.equal([
      'POST /services/data/v66.0/composite',
      'POST /services/data/v66.0/composite',
      'POST /services/data/v66.0/tooling/composite',
      'POST /services/data/v66.0/tooling/composite',
    ]);
    expect(s.emulator.log.writes(), 'writes').to.have.length(0);
    expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
    for (const token of s.tokens()) expect(run.stdout + run.stderr).to.not.include(token);
  });
});
