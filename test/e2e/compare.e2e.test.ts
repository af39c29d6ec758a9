/**
 * `sf oncehub compare` end to end: two emulated orgs (a sandbox and production) logged in side by side in one sf
 * home, the real sf binary, one assertion per kind of difference, and the request budget (≤ 8 in all) from both
 * emulators' logs.
 */
import { resolve } from 'node:path';
import { expect } from 'chai';
import { type Emulator, picklist, SANDBOX_ADMIN_USERNAME, scenarios, startEmulator, type OrgBuilder } from '../../emulator/index.js';
import { REPO_ROOT, type Session, type SfResult, startSession } from './harness.js';

type Result = {
  source: { alias: string; id: string; isSandbox: boolean };
  target: { alias: string; id: string; isSandbox: boolean };
  checks: Array<{ phase: string; id: string; source: string; target: string }>;
  schema: Array<{ object: string; field: string; issue: string; severity: string; source: string; target: string }>;
  ready: boolean;
};

const CONFIG = resolve(REPO_ROOT, 'examples', 'oncehub-compare.json');

describe('e2e: sf oncehub compare', function () {
  this.timeout(300_000);

  /** A session whose own emulator is production, with the sandbox logged in next to it. */
  async function pair(production: OrgBuilder): Promise<{ session: Session; sandbox: Emulator }> {
    const sandbox = await startEmulator({ org: scenarios.sandboxReady().build() });
    const session = await startSession({ org: production.build() });
    await session.login('admin@acme.example', 'acme');
    await session.login(SANDBOX_ADMIN_USERNAME, 'acme-uat', { emulator: sandbox });
    return { session, sandbox };
  }

  async function compare(session: Session, sandbox: Emulator, args: string[]): Promise<{ run: SfResult; requests: number }> {
    session.emulator.log.clear();
    sandbox.log.clear();
    const run = await session.sf(['oncehub', 'compare', '-s', 'acme-uat', '-o', 'acme', ...args]);
    expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(session.emulator.log.writes().length + sandbox.log.writes().length, 'writes').to.equal(0);
    for (const token of session.tokens()) expect(run.stdout + run.stderr).to.not.include(token);
    return { run, requests: session.emulator.log.dataRequests().length + sandbox.log.dataRequests().length };
  }

  describe('a production org that drifted from the sandbox in every way', () => {
    let session: Session;
    let sandbox: Emulator;
    let json: { run: SfResult; requests: number };
    let human: { run: SfResult; requests: number };
    const result = (): Result => json.run.json?.result as Result;
    const schemaRow = (issue: string): Result['schema'] => result().schema.filter((d) => d.issue === issue);

    before(async () => {
      ({ session, sandbox } = await pair(scenarios.productionDrifted()));
      json = await compare(session, sandbox, ['--config', CONFIG, '--json']);
      human = await compare(session, sandbox, ['--config', CONFIG]);
    });

    after(async () => {
      await session.stop();
      await sandbox.stop();
    });

    it('is not ready: exit 1, both orgs named, at most 8 requests in all', () => {
      expect(json.run.exitCode, json.run.stdout + json.run.stderr).to.equal(1);
      expect(json.run.json?.status).to.equal(1);
      expect(result().ready).to.equal(false);
      expect(result().source).to.deep.include({ alias: 'acme-uat', id: sandbox.org.orgId, isSandbox: true });
      expect(result().target).to.deep.include({ alias: 'acme', id: session.emulator.org.orgId, isSandbox: false });
      expect(json.requests).to.be.at.most(8);
      expect(human.requests).to.be.at.most(8);
    });

    it('a check whose status differs', () => {
      expect(result().checks).to.deep.include({ phase: 'installation', id: 'permset-assigned', source: 'pass', target: 'fail' });
      expect(result().checks).to.deep.include({ phase: 'installation', id: 'layout-fields', source: 'pass', target: 'warn' });
    });

    it('a field missing in the target', () => {
      expect(schemaRow('missing')).to.deep.equal([{ object: 'Lead', field: 'Campaign_Code__c', issue: 'missing', severity: 'breaking', source: 'string', target: 'missing' }]);
    });

    it('a field of another type', () => {
      expect(schemaRow('type')).to.deep.equal([{ object: 'Lead', field: 'Source_Detail__c', issue: 'type', severity: 'breaking', source: 'string', target: 'textarea' }]);
    });

    it('a field not createable, and one not updateable while the file overrides existing Leads', () => {
      expect(schemaRow('not-createable').map((d) => d.field)).to.deep.equal(['Partner_Code__c']);
      expect(schemaRow('not-updateable').map((d) => d.field)).to.deep.equal(['Referral__c']);
    });

    it('a picklist value missing, and one inactive', () => {
      expect(schemaRow('picklist-value-missing')).to.deep.equal([
        { object: 'Lead', field: 'Meeting_Type__c = Webinar', issue: 'picklist-value-missing', severity: 'breaking', source: 'active', target: 'missing' },
      ]);
      expect(schemaRow('picklist-value-inactive')).to.deep.equal([
        { object: 'Lead', field: 'Channel__c = Partner', issue: 'picklist-value-inactive', severity: 'breaking', source: 'active', target: 'inactive' },
      ]);
    });

    it('a field required only in the target', () => {
      expect(schemaRow('newly-required')).to.deep.equal([{ object: 'Lead', field: 'Budget__c', issue: 'newly-required', severity: 'warning', source: 'missing', target: 'required' }]);
      expect(result().checks).to.deep.include({ phase: 'field-validation', id: 'required-fields', source: 'pass', target: 'warn' });
    });

    it('a validation rule and a duplicate rule only in the target', () => {
      expect(schemaRow('validation-rule')).to.deep.equal([{ object: 'Lead', field: 'Budget_Positive', issue: 'validation-rule', severity: 'warning', source: 'absent', target: 'active' }]);
      expect(schemaRow('duplicate-rule')).to.deep.equal([
        { object: 'Contact', field: 'Standard_Contact_Duplicate_Rule', issue: 'duplicate-rule', severity: 'warning', source: 'absent', target: 'active' },
      ]);
    });

    it('prints a table: check or field, source, target, what to do', () => {
      expect(human.run.exitCode).to.equal(1);
      const out = human.run.stdout;
      expect(out).to.match(/acme-uat \(sandbox, 00D\w+\) → acme \(production, 00D\w+\)/);
      for (const header of ['Check or field', 'Source', 'Target', 'What to do']) expect(out).to.include(header);
      expect(out).to.include('API user has the OnceHub permission set (permset-assigned)');
      expect(out).to.include('sf oncehub permset assign');
      expect(out).to.include('Lead.Meeting_Type__c = Webinar: picklist value missing');
      expect(out).to.include('Not ready: the target is worse off than the source');
    });
  });

  describe('a production org set up like the sandbox', () => {
    it('is ready: exit 0, no schema difference, nothing worse', async () => {
      const { session, sandbox } = await pair(scenarios.productionReady());
      try {
        const { run, requests } = await compare(session, sandbox, ['--config', CONFIG, '--json']);
        expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
        const result = run.json?.result as Result;
        expect(result.ready).to.equal(true);
        expect(result.schema).to.deep.equal([]);
        expect(result.checks.filter((c) => c.target === 'fail')).to.deep.equal([]);
        expect(requests).to.be.at.most(8);
      } finally {
        await session.stop();
        await sandbox.stop();
      }
    });

    it('a value missing from an unrestricted picklist is a warning-level difference: still ready, exit 0', async () => {
      const { session, sandbox } = await pair(scenarios.productionReady().withCustomField('Lead', picklist('Meeting_Type__c', ['Demo'], { label: 'Meeting Type' })));
      try {
        const { run } = await compare(session, sandbox, ['--config', CONFIG, '--json']);
        const result = run.json?.result as Result;
        expect(result.schema).to.deep.equal([
          { object: 'Lead', field: 'Meeting_Type__c = Webinar', issue: 'picklist-value-missing', severity: 'warning', source: 'active', target: 'missing' },
        ]);
        expect(result.checks).to.deep.include({ phase: 'field-mapping', id: 'mapping', source: 'pass', target: 'warn' });
        expect(result.ready).to.equal(true);
        expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
        const human = await compare(session, sandbox, ['--config', CONFIG]);
        expect(human.run.exitCode).to.equal(0);
        expect(human.run.stdout).to.include('Lead.Meeting_Type__c = Webinar: picklist value missing (warning)');
        expect(human.run.stdout).to.include('Ready: the target is at least as ready as the source');
      } finally {
        await session.stop();
        await sandbox.stop();
      }
    });

    it('the same org on both sides is an error with an action', async () => {
      const session = await startSession({ org: scenarios.productionReady().build() });
      try {
        await session.login('admin@acme.example', 'acme');
        const run = await session.sf(['oncehub', 'compare', '-s', 'acme', '-o', 'acme', '--json']);
        expect(run.exitCode).to.equal(1);
        expect(run.json?.name).to.equal('SameOrgError');
        expect(run.json?.actions?.join(' ')).to.include('--source-org');
        expect(session.emulator.log.dataRequests().filter((r) => r.path.endsWith('/composite')), 'no doctor request').to.have.length(0);
      } finally {
        await session.stop();
      }
    });
  });
});
