import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import Doctor, { type DoctorReport } from '../../../src/commands/oncehub/doctor.js';
import { recordConnection } from '../../../src/lib/connection/state.js';
import { ADMIN_USERNAME as ADMIN, scenarios, type OrgBuilder } from '../../../emulator/index.js';
import { useRealStateFile } from '../../lib/connection/state-file.js';
import { emulatorContext, pathsSent, subrequestsSent, type EmulatorContext } from '../../support/emulator-context.js';

const API_USER = 'api@acme.example';

/** No OnceHub package; the two standard duplicate rules active. */
const freshOrg = (): OrgBuilder => scenarios.base().withDuplicateRule({ object: 'Lead', developerName: 'Standard_Lead_Duplicate_Rule' }).withDuplicateRule({ object: 'Contact', developerName: 'Standard_Contact_Duplicate_Rule' });

/** Every step done for the API user api@acme.example; a Lead assignment rule; rep1@acme.example a Standard User. */
const completedOrg = (): OrgBuilder => scenarios.completed({ apiUser: API_USER });

const statuses = (report: DoctorReport): Record<string, string> =>
  Object.fromEntries(report.phases.flatMap((p) => p.checks.map((c) => [c.id, c.status])));
const phaseStatuses = (report: DoctorReport): string[] => report.phases.map((p) => `${p.id}:${p.status}`);

async function failure(argv: string[], ready: () => Promise<unknown>): Promise<SfError> {
  await ready();
  try {
    await Doctor.run(argv);
  } catch (err) {
    return err as SfError;
  }
  throw new Error('doctor was expected to fail');
}

describe('oncehub doctor', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let folder: string;

  const record = async (username: string, overrides: Partial<Parameters<typeof recordConnection>[0]> = {}): Promise<void> =>
    recordConnection({
      environment: 'production',
      alias: 'acme-api',
      username,
      userId: String((await ready()).emu.org.requireUser(username).Id),
      orgId: ctx.emu.org.orgId,
      instanceUrl: ctx.emu.url,
      mode: 'standard',
      connectedAt: '2026-11-20T10:00:00.000Z',
      ...overrides,
    });

  const setupFile = async (name: string, content: unknown): Promise<string> => {
    const path = join(folder, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  let scenario: OrgBuilder;
  let served: Promise<EmulatorContext> | undefined;
  /** The org of this test behind the `acme` login of the admin (set up on first use, after every beforeEach). */
  const ready = (): Promise<EmulatorContext> => {
    served ??= emulatorContext($$, scenario.build(), { username: ADMIN, alias: 'acme' }).then((c) => (ctx = c));
    return served;
  };
  const doctor = async (argv: string[]): Promise<DoctorReport> => {
    await ready();
    return Doctor.run(argv);
  };
  const orgRequests = (): unknown[] => ctx.emu.log.dataRequests();
  const soql = (): string[] => ctx.emu.log.queries();

  beforeEach(async () => {
    scenario = freshOrg();
    served = undefined;
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    folder = await mkdtemp(join(tmpdir(), 'doctor-cmd-'));
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('a fresh org', () => {
    it('reports every phase and check, fails Installation and exits 1, in at most 4 requests', async () => {
      const report = await doctor(['--target-org', 'acme', '--json']);

      expect(orgRequests().length).to.be.at.most(4);
      expect(phaseStatuses(report)).to.deep.equal([
        'api-connection:warn',
        'installation:fail',
        'field-validation:warn',
        'field-mapping:skip',
        'creation-rules:skip',
      ]);
      expect(statuses(report)).to.deep.include({
        'api-access': 'pass',
        'user-active': 'pass',
        'modify-all-data': 'pass',
        'recorded-connection': 'warn',
        'package-installed': 'fail',
        'permset-assigned': 'fail',
        'layout-fields': 'skip',
        'required-fields': 'pass',
        'validation-rules': 'pass',
        'duplicate-rules': 'warn',
        mapping: 'skip',
        'creation-rules': 'skip',
        // The emulator, like Salesforce, reports the daily API usage in Sforce-Limit-Info.
        'api-usage': 'pass',
      });
      expect(report.progress).to.deep.equal({ done: 1, total: 5 });
      expect(report.summary).to.deep.equal({ pass: 9, warn: 2, fail: 2, skip: 4 });
      expect(report.org).to.deep.equal({ id: ctx.emu.org.orgId, name: 'Acme Corporation', instanceUrl: ctx.emu.url, isSandbox: false, edition: 'Enterprise Edition' });
      expect(report.apiUser).to.deep.equal({ username: ADMIN, id: ctx.emu.org.requireUser(ADMIN).Id });
      expect(process.exitCode).to.equal(1);
    });

    it('checks the authenticated user when nothing else names one, and says how to connect', async () => {
      const report = await doctor(['--target-org', 'acme']);
      const recorded = report.phases[0].checks.find((c) => c.id === 'recorded-connection');
      expect(recorded?.fix).to.equal('sf oncehub connect -o acme');
      expect(soql().some((q) => q.includes(`Username = '${ADMIN}'`))).to.equal(true);
    });

    it('prints a checklist with marks, the progress and the numbered fixes', async () => {
      await doctor(['--target-org', 'acme']);
      const out = ux.log.getCalls().map((c) => String(c.args[0]));
      expect(out[0]).to.equal(`OnceHub setup of Acme Corporation (${ctx.emu.org.orgId}): production, Enterprise Edition`);
      expect(out).to.include('⚠ API connection');
      expect(out).to.include('✗ Installation');
      expect(out).to.include('○ Field mapping');
      expect(out.some((l) => l.startsWith('    ✓ Org edition has API access: '))).to.equal(true);
      expect(out).to.include('1 of 5 phases complete');
      expect(out).to.include('Fixes, in order:');
      expect(out).to.include('  1. ⚠ sf oncehub connect -o acme');
      expect(out.some((l) => /^ {2}\d\. ✗ sf oncehub permset assign --target-org acme --on-behalf-of admin@acme.example/.test(l) || /^ {2}\d\. ✗ Install/.test(l))).to.equal(true);
    });
  });

  describe('a completed org', () => {
    beforeEach(async () => {
      scenario = completedOrg();
      await record(API_USER);
    });

    it('passes every phase it can check without a setup file and exits 0', async () => {
      const report = await doctor(['--target-org', 'acme', '--json']);

      expect(report.apiUser?.username).to.equal(API_USER);
      expect(phaseStatuses(report)).to.deep.equal([
        'api-connection:pass',
        'installation:pass',
        'field-validation:pass',
        'field-mapping:skip',
        'creation-rules:skip',
      ]);
      expect(report.progress.done).to.equal(3);
      expect(process.exitCode ?? 0).to.equal(0);
      expect(orgRequests().length).to.be.at.most(4);
    });

    it('with a valid setup file passes all five phases in at most 4 requests', async () => {
      const config = await setupFile('setup.json', {
        apiUser: API_USER,
        fieldMapping: [
          { from: 'Customer - Phone', to: 'Lead.Phone' },
          { value: 'Web', to: 'Lead.LeadSource' },
        ],
        creationRules: { lead: { existing: { data: 'fill-empty', owner: 'keep' }, new: { owner: 'assignment-rules' } } },
        bookingPageOwners: ['rep1@acme.example'],
      });
      const report = await doctor(['--target-org', 'acme', '--config', config, '--json']);

      expect(phaseStatuses(report).every((s) => s.endsWith(':pass'))).to.equal(true);
      expect(report.progress).to.deep.equal({ done: 5, total: 5 });
      expect(orgRequests()).to.have.length(4);
      expect(soql().some((q) => /FROM AssignmentRule WHERE Active = true/.test(q))).to.equal(true);
      expect(soql().some((q) => q.includes("Username IN ('rep1@acme.example') OR Email IN ('rep1@acme.example')"))).to.equal(true);
    });

    it('sends each concern once: 2 REST Composites, a Tooling Composite of queries, a Tooling Composite of layouts', async () => {
      await doctor(['--target-org', 'acme', '--json']);
      const composites = pathsSent(ctx.emu);
      expect([...composites].sort()).to.deep.equal(['/composite', '/composite', '/tooling/composite', '/tooling/composite']);
      const subs = subrequestsSent(ctx.emu);
      expect(subs.filter((u) => u.endsWith('/describe')).sort()).to.deep.equal(
        ['Account', 'Case', 'Contact', 'Event', 'Lead'].map((o) => `/sobjects/${o}/describe`)
      );
      const eventLayout = ctx.emu.org.records('Layout').find((l) => l.Name === 'Event Layout');
      expect(subs).to.include(`/tooling/sobjects/Layout/${String(eventLayout?.Id)}`);
      expect(soql().filter((q) => /FROM (InstalledSubscriberPackage|ProfileLayout|ValidationRule)/.test(q))).to.have.length(3);
    });

    it('writes a JUnit report when asked and still prints the checklist', async () => {
      const outputDir = join(folder, 'reports', 'doctor');
      await doctor(['--target-org', 'acme', '--result-format', 'junit', '--output-dir', outputDir]);

      const xml = await readFile(join(outputDir, 'oncehub-doctor.xml'), 'utf8');
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as { testsuites: { '@_tests': string; '@_skipped': string } };
      expect(parsed.testsuites['@_tests']).to.equal('17');
      expect(parsed.testsuites['@_skipped']).to.equal('3');
      expect(await readdir(outputDir)).to.deep.equal(['oncehub-doctor.xml']);
      const out = ux.log.getCalls().map((c) => String(c.args[0]));
      expect(out).to.include('3 of 5 phases complete');
      expect(out.at(-1)).to.equal(`Wrote the JUnit report to ${join(outputDir, 'oncehub-doctor.xml')}`);
    });
  });

  it('the JUnit report CI reads: no failure, a warning passes with its text as system-out under its phase', async () => {
    scenario = completedOrg().withDuplicateRules();
    await record(API_USER);
    const outputDir = join(folder, 'results');
    await doctor(['--target-org', 'acme', '--result-format', 'junit', '--output-dir', outputDir]);

    expect(process.exitCode ?? 0).to.equal(0);
    const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(
      await readFile(join(outputDir, 'oncehub-doctor.xml'), 'utf8')
    ) as { testsuites: { '@_tests': string; '@_failures': string; testsuite: Array<{ testcase: Array<Record<string, unknown>> }> } };
    expect(xml.testsuites['@_tests']).to.equal('17');
    expect(xml.testsuites['@_failures']).to.equal('0');
    const duplicates = xml.testsuites.testsuite.flatMap((suite) => suite.testcase).find((c) => String(c['@_name']).endsWith('(duplicate-rules)'));
    expect(duplicates?.['@_classname']).to.equal('field-validation');
    expect(String(duplicates?.['system-out'])).to.match(/^Warning: Active duplicate rules \(2\)/);
  });

  it('with --json and --result-format junit writes the file and prints only the JSON', async () => {
    scenario = completedOrg();
    const outputDir = join(folder, 'ci');
    const report = await doctor(['--target-org', 'acme', '--result-format', 'junit', '--output-dir', outputDir, '--json']);
    expect(await readdir(outputDir)).to.deep.equal(['oncehub-doctor.xml']);
    expect(ux.log.callCount).to.equal(0);
    expect(ux.logJson.firstCall.args[0]).to.deep.include({ result: report });
  });

  it('a JUnit folder that cannot be created is an error with an action', async () => {
    scenario = completedOrg();
    await writeFile(join(folder, 'taken'), 'a file, not a folder');
    const err = await failure(['--target-org', 'acme', '--result-format', 'junit', '--output-dir', join(folder, 'taken')], ready);
    expect(err.name).to.equal('JunitNotWrittenError');
    expect(err.actions?.[0]).to.include('--output-dir');
  });

  describe('which user and mode are checked', () => {
    beforeEach(() => {
      scenario = completedOrg();
    });

    it('--api-user wins over the recorded user', async () => {
      await record(API_USER);
      const report = await doctor(['--target-org', 'acme', '--api-user', ADMIN, '--json']);
      expect(report.apiUser?.username).to.equal(ADMIN);
      expect(statuses(report)['recorded-connection']).to.equal('warn');
      expect(statuses(report)['permset-assigned']).to.equal('fail');
    });

    it("the setup file's apiUser and mode are used when the flags are absent", async () => {
      const config = await setupFile('setup.yaml', `mode: advanced-secure\napiUser: ${API_USER}\n`);
      const report = await doctor(['--target-org', 'acme', '--config', config, '--json']);
      expect(report.apiUser?.username).to.equal(API_USER);
      expect(report.phases[0].checks.map((c) => c.id)).to.deep.equal([
        'api-access',
        'user-active',
        'user-license',
        'api-enabled',
        'edit-events',
        'object-access',
        'recorded-connection',
        'api-usage',
      ]);
    });

    it('the flags win over the setup file', async () => {
      const config = await setupFile('setup.json', { mode: 'advanced-secure', apiUser: API_USER });
      const report = await doctor(['--target-org', 'acme', '--config', config, '--mode', 'standard', '--api-user', ADMIN, '--json']);
      expect(report.apiUser?.username).to.equal(ADMIN);
      expect(report.phases[0].checks.map((c) => c.id)).to.include('modify-all-data');
    });

    it('a user that does not exist fails user-active and skips the other user checks', async () => {
      const report = await doctor(['--target-org', 'acme', '--api-user', "o'brien@acme.example", '--json']);
      expect(report.apiUser).to.equal(null);
      expect(statuses(report)['user-active']).to.equal('fail');
      expect(statuses(report)['user-license']).to.equal('skip');
      expect(soql().some((q) => q.includes("Username = 'o\\'brien@acme.example'"))).to.equal(true);
    });
  });

  describe('setup file problems', () => {
    it('an invalid file is an error naming the JSON path, before any request', async () => {
      const config = await setupFile('bad.json', { creationRules: { lead: { new: { owner: 'keep' } } } });
      const err = await failure(['--target-org', 'acme', '--config', config], ready);
      expect(err.name).to.equal('InvalidError');
      expect(err.message).to.include('/creationRules/lead/new/owner: must be one of booking-page-owner, assignment-rules');
      expect(orgRequests()).to.have.length(0);
    });

    it('a missing file is a clear error', async () => {
      const err = await failure(['--target-org', 'acme', '--config', join(folder, 'nope.json')], ready);
      expect(err.name).to.equal('UnreadableError');
      expect(err.message).to.include('no such file');
    });

    it('a read-only mapped field fails the mapping check', async () => {
      scenario = completedOrg();
      const config = await setupFile('ro.json', { fieldMapping: [{ from: 'Customer - Name', to: 'Lead.Name' }] });
      const report = await doctor(['--target-org', 'acme', '--config', config, '--json']);
      expect(statuses(report).mapping).to.equal('fail');
      expect(process.exitCode).to.equal(1);
    });
  });

  describe('org-level failures', () => {
    it('API disabled for the org: api-access fails and every other check is reported as skipped', async () => {
      (await ready()).emu.faults.apiDisabledForOrg();
      const report = await doctor(['--target-org', 'acme', '--json']);
      expect(statuses(report)['api-access']).to.equal('fail');
      const others = report.phases.flatMap((p) => p.checks).filter((c) => c.id !== 'api-access');
      expect(others.every((c) => c.status === 'skip')).to.equal(true);
      expect(others.map((c) => c.id)).to.include.members(['package-installed', 'required-fields', 'mapping', 'creation-rules']);
      expect(process.exitCode).to.equal(1);
    });

    it('an expired session is an SfError with the login action', async () => {
      (await ready()).emu.faults.expiredSession();
      const err = await failure(['--target-org', 'acme'], ready);
      expect(err.name).to.equal('SessionRefusedError');
      expect(err.actions?.join(' ')).to.include('sf org login web');
    });

    it('a rate limit is an SfError naming the limit', async () => {
      (await ready()).emu.faults.requestLimit();
      const err = await failure(['--target-org', 'acme'], ready);
      expect(err.name).to.equal('RequestLimitExceededError');
    });

    it('an HTML maintenance page is an SfError, not a crash', async () => {
      (await ready()).emu.faults.maintenancePage();
      const err = await failure(['--target-org', 'acme'], ready);
      expect(err.name).to.equal('HtmlPageError');
    });

    it('malformed JSON in the answers is an SfError pointing at the Salesforce status page, not a report of warnings', async () => {
      (await ready()).emu.faults.malformedJson({ times: 50 });
      const err = await failure(['--target-org', 'acme', '--json'], ready);
      expect(err.name).to.equal('MalformedResponseError');
      expect(err.actions?.join(' ')).to.include('status.salesforce.com');
      expect(process.exitCode).to.equal(1);
    });
  });

  describe('api-usage, from the Sforce-Limit-Info header of the answers', () => {
    const apiUsage = (report: DoctorReport): DoctorReport['phases'][number]['checks'][number] =>
      report.phases.flatMap((p) => p.checks).find((c) => c.id === 'api-usage')!;
    /** The used count the message gives: one of those the org's answers carried during the run. */
    const usedIn = (message: string): number => Number(/^(\d+) of 15000/.exec(message)?.[1]);

    it('passes with used / limit, without a request of its own', async () => {
      scenario = scenarios.demo();
      const report = await doctor(['--target-org', 'acme', '--json']);
      const check = apiUsage(report);
      expect(check.status).to.equal('pass');
      expect(check.message).to.match(/^\d+ of 15000 daily API requests used \(0 %\)\.$/);
      // The emulator counts each request against the day's usage, as Salesforce does: 118 before this run.
      expect(usedIn(check.message)).to.be.within(119, ctx.emu.org.config.limits.dailyApiRequestsUsed);
      expect(pathsSent(ctx.emu)).to.not.include('/limits');
    });

    it('warns at 95 % used, naming used / limit and where to see the limits', async () => {
      scenario = scenarios.nearApiLimit();
      const report = await doctor(['--target-org', 'acme', '--json']);
      const check = apiUsage(report);
      expect(check.status).to.equal('warn');
      expect(check.message).to.match(/^\d+ of 15000 daily API requests used \(95 %\)/);
      expect(usedIn(check.message)).to.be.within(14_251, ctx.emu.org.config.limits.dailyApiRequestsUsed);
      expect(check.fix).to.include('sf org list limits');
      expect(pathsSent(ctx.emu)).to.not.include('/limits');
    });
  });

  describe('--result-format json', () => {
    it('is the same as --json', async () => {
      scenario = completedOrg();
      const report = await doctor(['--target-org', 'acme', '--result-format', 'json']);
      expect(report.phases).to.have.length(5);
      expect(ux.log.callCount).to.equal(0);
      expect(ux.logJson.callCount).to.equal(1);
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 1, result: report });
    });
  });
});
