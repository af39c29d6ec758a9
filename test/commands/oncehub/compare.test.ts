import { resolve } from 'node:path';
import type { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import Compare, { type CompareResult } from '../../../src/commands/oncehub/compare.js';
import { ADMIN_USERNAME as ADMIN, picklist, SANDBOX_ADMIN_USERNAME, scenarios, type OrgBuilder } from '../../../emulator/index.js';
import { emulatorContext, type EmulatorContext } from '../../support/emulator-context.js';

/** The setup file of the README's compare example: one mapped field per kind of schema difference. */
const CONFIG = resolve('examples', 'oncehub-compare.json');

/**
 * `sf oncehub compare` on two emulated orgs logged in side by side: production (`acme`, the target) and the sandbox
 * where OnceHub was set up (`acme-uat`, the source).
 */
describe('oncehub compare', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;

  async function pair(production: OrgBuilder): Promise<EmulatorContext> {
    ctx = await emulatorContext($$, production.build(), {
      username: ADMIN,
      alias: 'acme',
      also: [{ username: SANDBOX_ADMIN_USERNAME, alias: 'acme-uat', org: scenarios.sandboxReady().build() }],
    });
    return ctx;
  }

  const sandbox = (): EmulatorContext['emu'] => ctx.emulators.get(SANDBOX_ADMIN_USERNAME)!;
  /** Data requests to both orgs, and writes (none: compare only reads). */
  const requests = (): number => ctx.emu.log.dataRequests().length + sandbox().log.dataRequests().length;
  const writes = (): number => ctx.emu.log.writes().length + sandbox().log.writes().length;
  const compare = async (...more: string[]): Promise<CompareResult> => Compare.run(['--source-org', 'acme-uat', '--target-org', 'acme', ...more]);
  const logged = (): string[] => ux.log.getCalls().map((c) => String(c.args[0] ?? ''));
  type Table = { data: Array<Record<string, string>>; columns: Array<{ key: string; name: string }> };
  const table = (): Table => ux.table.lastCall.args[0] as Table;

  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('a production org that drifted from the sandbox in every way', () => {
    let result: CompareResult;
    const schemaRows = (issue: string): CompareResult['schema'] => result.schema.filter((d) => d.issue === issue);

    beforeEach(async () => {
      await pair(scenarios.productionDrifted());
      result = await compare('--config', CONFIG, '--json');
    });

    it('is not ready: exit 1, both orgs named, at most 8 requests in all, nothing written', () => {
      expect(process.exitCode).to.equal(1);
      expect(result.ready).to.equal(false);
      expect(result.source).to.deep.include({ alias: 'acme-uat', id: sandbox().org.orgId, isSandbox: true });
      expect(result.target).to.deep.include({ alias: 'acme', id: ctx.emu.org.orgId, isSandbox: false });
      expect(requests()).to.be.at.most(8);
      expect(writes()).to.equal(0);
    });

    it('returns the same result as sf prints under --json', () => {
      expect(ux.logJson.callCount).to.equal(1);
      expect(ux.logJson.firstCall.args[0]).to.deep.equal({ status: 1, result, warnings: [] });
    });

    it('a check whose status differs', () => {
      expect(result.checks).to.deep.include({ phase: 'installation', id: 'permset-assigned', source: 'pass', target: 'fail' });
      expect(result.checks).to.deep.include({ phase: 'installation', id: 'layout-fields', source: 'pass', target: 'warn' });
    });

    it('a field missing in the target, and one of another type', () => {
      expect(schemaRows('missing')).to.deep.equal([{ object: 'Lead', field: 'Campaign_Code__c', issue: 'missing', severity: 'breaking', source: 'string', target: 'missing' }]);
      expect(schemaRows('type')).to.deep.equal([{ object: 'Lead', field: 'Source_Detail__c', issue: 'type', severity: 'breaking', source: 'string', target: 'textarea' }]);
    });

    it('a field not createable, and one not updateable while the file overrides existing Leads', () => {
      expect(schemaRows('not-createable').map((d) => d.field)).to.deep.equal(['Partner_Code__c']);
      expect(schemaRows('not-updateable').map((d) => d.field)).to.deep.equal(['Referral__c']);
    });

    it('a picklist value missing, and one inactive, in restricted picklists: breaking', () => {
      expect(schemaRows('picklist-value-missing')).to.deep.equal([
        { object: 'Lead', field: 'Meeting_Type__c = Webinar', issue: 'picklist-value-missing', severity: 'breaking', source: 'active', target: 'missing' },
      ]);
      expect(schemaRows('picklist-value-inactive')).to.deep.equal([
        { object: 'Lead', field: 'Channel__c = Partner', issue: 'picklist-value-inactive', severity: 'breaking', source: 'active', target: 'inactive' },
      ]);
    });

    it('a field required only in the target', () => {
      expect(schemaRows('newly-required')).to.deep.equal([{ object: 'Lead', field: 'Budget__c', issue: 'newly-required', severity: 'warning', source: 'missing', target: 'required' }]);
      expect(result.checks).to.deep.include({ phase: 'field-validation', id: 'required-fields', source: 'pass', target: 'warn' });
    });

    it('a validation rule and a duplicate rule only in the target', () => {
      expect(schemaRows('validation-rule')).to.deep.equal([{ object: 'Lead', field: 'Budget_Positive', issue: 'validation-rule', severity: 'warning', source: 'absent', target: 'active' }]);
      expect(schemaRows('duplicate-rule')).to.deep.equal([
        { object: 'Contact', field: 'Standard_Contact_Duplicate_Rule', issue: 'duplicate-rule', severity: 'warning', source: 'absent', target: 'active' },
      ]);
    });
  });

  describe('human output', () => {
    it('a drifted org: both orgs, a table of check or field, source, target, what to do, and "Not ready", exit 1', async () => {
      await pair(scenarios.productionDrifted());
      await compare('--config', CONFIG);

      expect(process.exitCode).to.equal(1);
      expect(logged()[0]).to.equal(`acme-uat (sandbox, ${sandbox().org.orgId}) → acme (production, ${ctx.emu.org.orgId})`);
      expect(logged()).to.include(`Setup file: ${CONFIG}`);
      expect(table().columns.map((c) => c.name)).to.deep.equal(['Check or field', 'Source', 'Target', 'What to do']);
      const permset = table().data.find((r) => r.item === 'API user has the OnceHub permission set (permset-assigned)');
      expect(permset?.todo).to.include('sf oncehub permset assign');
      expect(table().data.map((r) => r.item)).to.include('Lead.Meeting_Type__c = Webinar: picklist value missing');
      expect(logged().at(-1)).to.match(/^Not ready: the target is worse off than the source/);
    });
  });

  describe('a production org set up like the sandbox', () => {
    it('is ready: exit 0, no schema difference, nothing worse, at most 8 requests', async () => {
      await pair(scenarios.productionReady());
      const result = await compare('--config', CONFIG, '--json');

      expect(process.exitCode).to.equal(0);
      expect(result.ready).to.equal(true);
      expect(result.schema).to.deep.equal([]);
      expect(result.checks.filter((c) => c.target === 'fail')).to.deep.equal([]);
      expect(requests()).to.be.at.most(8);
    });

    it('a value missing from an unrestricted picklist is a warning-level difference: still ready, exit 0', async () => {
      await pair(scenarios.productionReady().withCustomField('Lead', picklist('Meeting_Type__c', ['Demo'], { label: 'Meeting Type' })));
      const result = await compare('--config', CONFIG, '--json');

      expect(result.schema).to.deep.equal([
        { object: 'Lead', field: 'Meeting_Type__c = Webinar', issue: 'picklist-value-missing', severity: 'warning', source: 'active', target: 'missing' },
      ]);
      expect(result.checks).to.deep.include({ phase: 'field-mapping', id: 'mapping', source: 'pass', target: 'warn' });
      expect(result.ready).to.equal(true);
      expect(process.exitCode).to.equal(0);

      process.exitCode = undefined;
      ux.log.resetHistory();
      await compare('--config', CONFIG);
      expect(process.exitCode).to.equal(0);
      expect(table().data.map((r) => r.item)).to.include('Lead.Meeting_Type__c = Webinar: picklist value missing (warning)');
      expect(logged().at(-1)).to.match(/^Ready: the target is at least as ready as the source/);
    });
  });

  it('the same org on both sides is an error with an action, before any request', async () => {
    await pair(scenarios.productionReady());
    let error: SfError | undefined;
    try {
      await Compare.run(['--source-org', 'acme', '--target-org', 'acme', '--json']);
    } catch (err) {
      error = err as SfError;
    }
    expect(error?.name).to.equal('SameOrgError');
    expect(error?.exitCode).to.equal(1);
    expect(error?.actions?.join(' ')).to.include('--source-org');
    expect(ctx.emu.log.dataRequests()).to.have.length(0);
  });
});
