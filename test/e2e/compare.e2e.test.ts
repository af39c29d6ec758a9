/**
 * `sf oncehub compare` end to end, for what only the real sf binary shows: two emulated orgs (a sandbox and
 * production) logged in side by side in one sf home and found by their aliases, the process's exit code, exactly one
 * JSON document on stdout, no stack trace and no token, and the request budget (≤ 8 in all) over HTTP from both
 * emulators' logs. Each kind of difference, the ready cases, the human table and the same-org error are
 * test/commands/oncehub/compare.test.ts.
 */
import { resolve } from 'node:path';
import { expect } from 'chai';
import { SANDBOX_ADMIN_USERNAME, scenarios, startEmulator } from '../../emulator/index.js';
import { SCHEMA_ISSUES } from '../../src/lib/compare/diff.js';
import { REPO_ROOT, startSession } from './harness.js';

type Side = { alias: string; id: string; isSandbox: boolean };
type Result = { source: Side; target: Side; checks: Array<{ id: string; target: string }>; schema: Array<{ issue: string; severity: string }>; ready: boolean };

const CONFIG = resolve(REPO_ROOT, 'examples', 'oncehub-compare.json');

describe('e2e: sf oncehub compare', function () {
  this.timeout(300_000);

  it('a production org that drifted from the sandbox: exit 1, one JSON document naming both logins, ≤ 8 requests, no write', async () => {
    const sandbox = await startEmulator({ org: scenarios.sandboxReady().build() });
    const session = await startSession({ org: scenarios.productionDrifted().build() });
    try {
      await session.login('admin@acme.example', 'acme');
      await session.login(SANDBOX_ADMIN_USERNAME, 'acme-uat', { emulator: sandbox });
      session.emulator.log.clear();
      sandbox.log.clear();

      const run = await session.sf(['oncehub', 'compare', '-s', 'acme-uat', '-o', 'acme', '--config', CONFIG, '--json']);

      expect(run.exitCode, run.stdout + run.stderr).to.equal(1);
      expect(run.json, 'exactly one JSON document on stdout').to.not.equal(undefined);
      expect(run.json?.status).to.equal(1);
      const result = run.json?.result as Result;
      expect(result.ready).to.equal(false);
      expect(result.source).to.deep.include({ alias: 'acme-uat', id: sandbox.org.orgId, isSandbox: true });
      expect(result.target).to.deep.include({ alias: 'acme', id: session.emulator.org.orgId, isSandbox: false });
      expect(result.checks.find((c) => c.id === 'permset-assigned')?.target).to.equal('fail');
      // The setup file was read: one row per kind of schema difference (the details are the command test's).
      expect(result.schema.map((d) => d.issue)).to.have.members([...SCHEMA_ISSUES]);
      expect(session.emulator.log.dataRequests().length + sandbox.log.dataRequests().length, 'requests to both orgs').to.be.at.most(8);
      expect(session.emulator.log.writes().length + sandbox.log.writes().length, 'writes').to.equal(0);
      expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
      for (const token of session.tokens()) expect(run.stdout + run.stderr).to.not.include(token);
    } finally {
      await session.stop();
      await sandbox.stop();
    }
  });
});
