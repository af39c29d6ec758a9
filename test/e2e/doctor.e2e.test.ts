/**
 * `sf oncehub doctor` end to end: the real sf binary with the built plugin, against the org emulator, one scenario
 * per requirement. Every run asserts the round-trip budget (≤ 4 requests after authentication) from the emulator's
 * request log, and that the doctor never writes. Needs `npm run build` first (npm test does it).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { ADMIN_USERNAME, AUDITOR_USERNAME, OPS_ADMIN_USERNAME, type OrgBuilder, SESSION_PERMSET_LABEL, scenarios } from '../../emulator/index.js';
import { REPO_ROOT, type Session, type SfResult, startSession } from './harness.js';

type Check = { id: string; title: string; status: string; message: string; fix?: string };
type Report = {
  org: { id: string; name: string; instanceUrl: string; isSandbox: boolean; edition: string };
  apiUser: { username: string; id: string } | null;
  phases: Array<{ id: string; title: string; status: string; checks: Check[] }>;
  progress: { done: number; total: number };
  summary: Record<string, number>;
};

const fixture = (name: string): string => resolve(REPO_ROOT, 'test', 'fixtures', 'setup', name);
const report = (run: SfResult): Report => run.json?.result as Report;
const checks = (run: SfResult): Check[] => report(run).phases.flatMap((p) => p.checks);
const check = (run: SfResult, id: string): Check => {
  const found = checks(run).find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${run.stdout}${run.stderr}`);
  return found;
};
const statuses = (run: SfResult): Record<string, string> => Object.fromEntries(checks(run).map((c) => [c.id, c.status]));
const phaseStatuses = (run: SfResult): string[] => report(run).phases.map((p) => `${p.id}:${p.status}`);

/** Every step of the setup done for the default API user (admin@acme.example). */
const completed = (): OrgBuilder =>
  scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().withAssignmentRules().withRequiredLeadRegion();

describe('e2e: sf oncehub doctor', function () {
  this.timeout(300_000);
  const sessions: Session[] = [];

  async function open(org: OrgBuilder, username = ADMIN_USERNAME, alias = 'acme'): Promise<Session> {
    const session = await startSession({ org: org.build() });
    sessions.push(session);
    await session.login(username, alias);
    return session;
  }

  /** Runs the doctor and checks what every run must respect: the round-trip budget, no writes, no stack trace. */
  async function doctor(s: Session, args: string[]): Promise<SfResult> {
    s.emulator.log.clear();
    const run = await s.sf(['oncehub', 'doctor', ...args]);
    expect(s.emulator.log.dataRequests().length, 'requests to the org').to.be.at.most(4);
    expect(s.emulator.log.writes(), 'writes').to.have.length(0);
    expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
    for (const token of s.tokens()) expect(run.stdout + run.stderr).to.not.include(token);
    return run;
  }

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

  describe('a fresh org', () => {
    it('reports all five phases, fails Installation, exits 1 (JSON)', async () => {
      const s = await open(scenarios.base());
      const run = await doctor(s, ['-o', 'acme', '--json']);

      expect(run.exitCode).to.equal(1);
      expect(run.json?.status).to.equal(1);
      expect(phaseStatuses(run)).to.deep.equal([
        'api-connection:warn',
        'installation:fail',
        'field-validation:pass',
        'field-mapping:skip',
        'creation-rules:skip',
      ]);
      expect(statuses(run)).to.deep.include({ 'recorded-connection': 'warn', 'package-installed': 'fail', 'permset-assigned': 'fail', 'layout-fields': 'skip' });
      expect(report(run).progress).to.deep.equal({ done: 1, total: 5 });
      expect(report(run).org).to.deep.equal({
        id: s.emulator.org.orgId,
        name: 'Acme Corporation',
        instanceUrl: s.emulator.url,
        isSandbox: false,
        edition: 'Enterprise Edition',
      });
      expect(report(run).apiUser).to.deep.equal({ username: ADMIN_USERNAME, id: s.emulator.org.requireUser(ADMIN_USERNAME).Id });
      expect(check(run, 'recorded-connection').fix).to.equal('sf oncehub connect -o acme');
    });

    it('prints the checklist, the progress and the fixes in order', async () => {
      const s = await open(scenarios.base());
      const run = await doctor(s, ['-o', 'acme']);

      expect(run.exitCode).to.equal(1);
      const lines = run.stdout.split('\n');
      expect(lines[0]).to.equal(`OnceHub setup of Acme Corporation (${s.emulator.org.orgId}): production, Enterprise Edition`);
      expect(lines).to.include('⚠ API connection');
      expect(lines).to.include('    ✗ OnceHub package is installed: The OnceHub managed package (namespace ScheduleOnce) is not installed in this org.');
      expect(lines).to.include('○ Creation rules');
      expect(lines).to.include('1 of 5 phases complete');
      const fixes = lines.slice(lines.indexOf('Fixes, in order:') + 1).filter(Boolean);
      expect(fixes[0]).to.equal('  1. ⚠ sf oncehub connect -o acme');
      expect(fixes[1]).to.match(/^ {2}2\. ✗ Install "OnceHub connector for Salesforce"/);
    });
  });

  describe('a completed org', () => {
    it('passes all five phases with the valid setup file, exit 0, in four requests', async () => {
      const s = await open(completed());
      expect((await s.sf(['oncehub', 'connect', '-o', 'acme'])).exitCode).to.equal(0);
      const run = await doctor(s, ['-o', 'acme', '--config', fixture('valid.json'), '--json']);

      expect(run.exitCode, run.stdout).to.equal(0);
      expect(phaseStatuses(run).every((p) => p.endsWith(':pass')), phaseStatuses(run).join()).to.equal(true);
      expect(report(run).progress).to.deep.equal({ done: 5, total: 5 });
      // source-layouts is skipped: doctor runs outside an sf project here.
      expect(report(run).summary).to.deep.equal({ pass: 16, warn: 0, fail: 0, skip: 1 });
      const requests = s.emulator.log.dataRequests().map((r) => `${r.method} ${r.path}`);
      expect([...requests].sort()).to.deep.equal([
        'POST /services/data/v66.0/composite',
        'POST /services/data/v66.0/composite',
        'POST /services/data/v66.0/tooling/composite',
        'POST /services/data/v66.0/tooling/composite',
      ]);
    });

    it('reads the YAML setup file the same way', async () => {
      const s = await open(completed());
      const run = await doctor(s, ['-o', 'acme', '--config', fixture('valid.yaml'), '--json']);
      expect(statuses(run)).to.deep.include({ mapping: 'pass', 'creation-rules': 'pass', 'required-fields': 'pass' });
    });

    it('writes a JUnit report CI can read, and still prints the checklist', async () => {
      const s = await open(completed().withDuplicateRules());
      const outputDir = join(mkdtempSync(join(tmpdir(), 'doctor-junit-')), 'results');
      const run = await doctor(s, ['-o', 'acme', '--result-format', 'junit', '--output-dir', outputDir]);

      expect(run.exitCode).to.equal(0);
      expect(run.stdout).to.include('Fixes, in order:');
      expect(run.stdout).to.include(`Wrote the JUnit report to ${join(outputDir, 'oncehub-doctor.xml')}`);
      expect(readdirSync(outputDir)).to.deep.equal(['oncehub-doctor.xml']);
      const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(
        readFileSync(join(outputDir, 'oncehub-doctor.xml'), 'utf8')
      ) as { testsuites: { '@_tests': string; '@_failures': string; '@_skipped': string; testsuite: Array<{ testcase: Array<Record<string, unknown>> }> } };
      expect(xml.testsuites['@_tests']).to.equal('17');
      expect(xml.testsuites['@_failures']).to.equal('0');
      expect(xml.testsuites['@_skipped']).to.equal('3');
      const cases = xml.testsuites.testsuite.flatMap((suite) => suite.testcase);
      const duplicates = cases.find((c) => String(c['@_name']).endsWith('(duplicate-rules)'));
      expect(duplicates?.['@_classname']).to.equal('field-validation');
      expect(String(duplicates?.['system-out'])).to.match(/^Warning: Active duplicate rules \(2\)/);
    });

    it('--result-format json prints exactly one JSON document', async () => {
      const s = await open(completed());
      const run = await doctor(s, ['-o', 'acme', '--result-format', 'json']);
      const parsed = JSON.parse(run.stdout) as { status: number; result: Report };
      expect(parsed.result.phases).to.have.length(5);
      expect(parsed.status).to.equal(run.exitCode);
    });
  });

  describe('each broken requirement', () => {
    it('an expired assignment grants nothing: the permission set it gave is not held', async () => {
      const s = await open(scenarios.base().withPackage().withPermsetAssignmentExpired().withEventLayoutFields());
      const run = await doctor(s, ['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run)).to.deep.include({ 'package-installed': 'pass', 'permset-assigned': 'fail' });
      expect(check(run, 'permset-assigned').fix).to.equal(`sf oncehub permset assign --target-org acme --on-behalf-of ${ADMIN_USERNAME}`);
    });

    it('an expired assignment of the API user\'s access set: Edit Events and object access fail, by an admin', async () => {
      const s = await open(scenarios.base().apiUserAccessExpired(), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(s, ['-o', 'ops', '--api-user', ADMIN_USERNAME, '--mode', 'advanced-secure', '--json']);
      expect(statuses(run)).to.deep.include({ 'user-active': 'pass', 'api-enabled': 'pass', 'edit-events': 'fail', 'object-access': 'fail' });
    });

    it('a session-based permission set does not count for an API user, and the failure says so', async () => {
      const s = await open(scenarios.base().apiUserViaSessionBasedPermissionSet(), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(s, ['-o', 'ops', '--api-user', ADMIN_USERNAME, '--mode', 'advanced-secure', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(statuses(run)).to.deep.include({ 'api-enabled': 'pass', 'edit-events': 'fail', 'object-access': 'fail' });
      expect(check(run, 'edit-events').message).to.include(
        `the permission set "${SESSION_PERMSET_LABEL}" would grant it, but a session-based permission set grants nothing until it is activated in a session`
      );
      expect(check(run, 'edit-events').fix).to.match(/^Grant it with a permission set that is not session-based/);
    });

    it('a permission set group awaiting recalculation is not counted on: its checks warn, naming the group and Status', async () => {
      const s = await open(scenarios.base().apiUserViaRecalculatingGroup({ status: 'Updating' }), OPS_ADMIN_USERNAME, 'ops');
      const run = await doctor(s, ['-o', 'ops', '--api-user', ADMIN_USERNAME, '--mode', 'advanced-secure', '--json']);
      expect(statuses(run)).to.deep.include({ 'api-enabled': 'pass', 'edit-events': 'warn', 'object-access': 'warn' });
      expect(check(run, 'edit-events').message).to.match(/^Only the permission set group "OnceHub Integration" \(Status Updating\) would grant it, and its permissions are being recalculated/);
    });

    it('the OnceHub set held only through a group not yet recalculated: permset-assigned warns, exit 0', async () => {
      const s = await open(scenarios.base().withPackage().withPermsetViaGroup({ status: 'Outdated' }).withEventLayoutFields().withAssignmentRules());
      const run = await doctor(s, ['-o', 'acme', '--json']);
      expect(statuses(run)['permset-assigned']).to.equal('warn');
      expect(check(run, 'permset-assigned').message).to.include('only through the permission set group "OnceHub Users", whose Status is Outdated');
      expect(run.exitCode, run.stdout).to.equal(0);
    });

    it('run by a user without Manage Users: user-active warns that frozen could not be checked', async () => {
      const s = await open(scenarios.base().withSetupAuditor(), AUDITOR_USERNAME, 'audit');
      const run = await doctor(s, ['-o', 'audit', '--api-user', ADMIN_USERNAME, '--json']);
      expect(check(run, 'user-active')).to.deep.include({ status: 'warn' });
      expect(check(run, 'user-active').message).to.equal(
        `${ADMIN_USERNAME} is active, but whether it is frozen could not be checked: reading UserLogin needs the Manage Users permission, which the user running this check lacks.`
      );
      expect(statuses(run)).to.deep.include({ 'api-enabled': 'pass', 'modify-all-data': 'pass' });
    });

    it('the package\'s managed Event layout in use, showing both fields: layout-fields passes', async () => {
      const s = await open(scenarios.base().withPackage().withPermsetAssigned().withManagedEventLayoutInUse());
      const run = await doctor(s, ['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(0);
      expect(statuses(run)['layout-fields']).to.equal('pass');
    });

    it('an Event layout whose full name is encoded, lacking the fields: layout-fields warns, naming it as Setup does', async () => {
      const s = await open(scenarios.base().withPackage().withPermsetAssigned().withEncodedNameEventLayout().withEventLayoutFields('Event Layout'));
      const run = await doctor(s, ['-o', 'acme', '--json']);
      expect(statuses(run)['layout-fields']).to.equal('warn');
      expect(check(run, 'layout-fields').message).to.include('"Event Layout (Sales & Service)"');
    });

  });

  describe('environments and modes', () => {
    it('a sandbox is reported as a sandbox and judged against the sandbox connection', async () => {
      const s = await open(scenarios.base({ sandbox: true }).withPackage().withPermsetAssigned().withEventLayoutFields());
      expect((await s.sf(['oncehub', 'connect', '-o', 'acme', '--sandbox'])).exitCode).to.equal(0);
      const run = await doctor(s, ['-o', 'acme', '--json']);
      expect(report(run).org.isSandbox).to.equal(true);
      expect(check(run, 'recorded-connection')).to.deep.include({ status: 'pass' });
      expect(check(run, 'recorded-connection').message).to.match(/^The sandbox connection is recorded for admin@acme\.example/);
    });

  });

  describe('with the setup file fixtures', () => {
    it('invalid file: an error naming the JSON paths, exit 1, no request to the org', async () => {
      const s = await open(completed());
      const run = await doctor(s, ['-o', 'acme', '--config', fixture('invalid.json'), '--json']);
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('InvalidError');
      expect(run.json?.message).to.include('/creationRules/lead/new/owner: must be one of booking-page-owner, assignment-rules');
      expect(s.emulator.log.dataRequests()).to.have.length(0);
    });

    it('a missing file: a clear error, exit 1', async () => {
      const s = await open(completed());
      const run = await doctor(s, ['-o', 'acme', '--config', fixture('nope.json')]);
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.include('Cannot read the setup file');
      expect(run.stderr).to.include('no such file');
    });
  });

  describe('org-level failures', () => {
    it('API disabled for the org: api-access fails, every other check is reported as skipped, exit 1', async () => {
      const s = await open(scenarios.base());
      s.emulator.faults.apiDisabledForOrg();
      const run = await doctor(s, ['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(checks(run)).to.have.length(17);
      expect(checks(run).filter((c) => c.status !== 'skip').map((c) => `${c.id}:${c.status}`)).to.deep.equal(['api-access:fail']);
    });

    it('an expired session: an error with the login action, no stack trace', async () => {
      const s = await open(scenarios.base());
      s.emulator.faults.expiredSession();
      const run = await doctor(s, ['-o', 'acme']);
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.include('sf org login web');
    });

    it('a rate limit and a maintenance page: clear errors, exit 1', async () => {
      const s = await open(scenarios.base());
      s.emulator.faults.requestLimit();
      const limited = await doctor(s, ['-o', 'acme', '--json']);
      expect(limited.exitCode).to.equal(1);
      expect(limited.json?.name).to.equal('RequestLimitExceededError');

      s.emulator.faults.clear();
      s.emulator.faults.maintenancePage();
      const html = await doctor(s, ['-o', 'acme', '--json']);
      expect(html.exitCode).to.equal(1);
      expect(html.json?.name).to.equal('HtmlPageError');
    });

    it('malformed JSON in the answers: a clear error, exit 1, not a report of warnings', async () => {
      const s = await open(scenarios.base());
      s.emulator.faults.malformedJson({ times: 50 });
      const run = await doctor(s, ['-o', 'acme', '--json']);
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('MalformedResponseError');
      expect(run.json?.actions?.join(' ')).to.include('status.salesforce.com');
    });
  });
});
