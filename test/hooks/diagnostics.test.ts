import { Lifecycle, Org, SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { type DoctorLike, hook } from '../../src/hooks/diagnostics.js';
import { recordConnection } from '../../src/lib/connection/state.js';
import { ADMIN_USERNAME as ADMIN, scenarios } from '../../emulator/index.js';
import { useRealStateFile } from '../lib/connection/state-file.js';
import { recordedConnection } from '../lib/doctor/hand-made-facts.js';
import { emulatorContext, type EmulatorContext } from '../support/emulator-context.js';

const API_USER = 'api@acme.example';

type Diagnostic = { testName: string; status: string };

/** A stand-in for plugin-info's SfDoctor that keeps what the hook hands it. */
class StubDoctor implements DoctorLike {
  public pluginData: Record<string, Record<string, unknown>> = {};
  public suggestions: string[] = [];
  public addPluginData(pluginName: string, data: Record<string, unknown>): void {
    this.pluginData[pluginName] = data;
  }
  public addSuggestion(suggestion: string): void {
    this.suggestions.push(suggestion);
  }
}

describe('sf doctor hook', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let doctor: StubDoctor;
  let diagnostics: Diagnostic[];

  beforeEach(async () => {
    // Every step done for api@acme.example, a Lead assignment rule; the admin is the login.
    const org = scenarios.base().withApiUser(API_USER).withPackage().withPermsetAssigned(API_USER).withEventLayoutFields().withAssignmentRule('Lead').build();
    ctx = await emulatorContext($$, org, { username: ADMIN, alias: 'acme' });
    await useRealStateFile($$);
    doctor = new StubDoctor();
    diagnostics = [];
    Lifecycle.getInstance().on('Doctor:diagnostic', (data: Diagnostic) => {
      diagnostics.push(data);
      return Promise.resolve();
    });
  });

  afterEach(() => {
    Lifecycle.getInstance().removeAllListeners('Doctor:diagnostic');
  });

  it('runs the doctor checks against the default org: one diagnostic per check, the summary, a suggestion per failure', async () => {
    await $$.stubConfig({ 'target-org': 'acme' });
    await hook({ doctor });

    expect(diagnostics).to.have.length(17);
    expect(diagnostics[0]).to.deep.equal({ testName: '[plugin-oncehub] Org edition has API access', status: 'pass' });
    expect(diagnostics.find((d) => d.testName === '[plugin-oncehub] API user has the OnceHub permission set')?.status).to.equal('fail');
    expect(diagnostics.find((d) => d.testName === '[plugin-oncehub] Mapped fields fit the org')?.status).to.equal('unknown');
    expect(diagnostics.find((d) => d.testName === '[plugin-oncehub] OnceHub connection recorded for this org and user')?.status).to.equal('warn');
    expect(doctor.pluginData['plugin-oncehub']).to.deep.include({
      targetOrg: 'acme',
      apiUser: { username: ADMIN, id: ctx.emu.org.requireUser(ADMIN).Id },
      progress: { done: 1, total: 5 },
      // api-usage passes: the emulator, like Salesforce, sends Sforce-Limit-Info.
      summary: { pass: 12, warn: 1, fail: 1, skip: 3 },
    });
    expect(doctor.suggestions).to.deep.equal([`sf oncehub permset assign --target-org acme --on-behalf-of ${ADMIN}`]);
    expect(ctx.emu.log.dataRequests().length).to.be.at.most(4);
  });

  it('checks the recorded API user of the default org', async () => {
    await recordConnection(
      recordedConnection({ alias: 'acme', orgId: ctx.emu.org.orgId, userId: String(ctx.emu.org.requireUser(API_USER).Id), instanceUrl: ctx.emu.url })
    );
    await $$.stubConfig({ 'target-org': ADMIN });
    await hook({ doctor });
    expect(diagnostics.filter((d) => d.status === 'fail')).to.deep.equal([]);
    expect(doctor.suggestions).to.deep.equal([]);
    expect(doctor.pluginData['plugin-oncehub'].apiUser).to.deep.equal({ username: API_USER, id: ctx.emu.org.requireUser(API_USER).Id });
  });

  it('without a default org: one diagnostic and a suggestion, no request, no throw', async () => {
    await hook({ doctor });
    expect(diagnostics).to.deep.equal([{ testName: '[plugin-oncehub] OnceHub setup checked (no default target org is set)', status: 'warn' }]);
    expect(doctor.suggestions[0]).to.include('sf config set target-org <alias>');
    expect(doctor.pluginData['plugin-oncehub']).to.deep.equal({ targetOrg: null });
    expect(ctx.emu.log.entries).to.have.length(0);
  });

  it('an org that cannot be read: one failed diagnostic and the error with its actions as the suggestion', async () => {
    await $$.stubConfig({ 'target-org': 'acme' });
    ctx.emu.faults.expiredSession();
    await hook({ doctor });
    expect(diagnostics).to.deep.equal([{ testName: '[plugin-oncehub] OnceHub setup of acme can be checked', status: 'fail' }]);
    expect(doctor.suggestions[0]).to.include('sf org login web --alias acme');
    expect(doctor.pluginData['plugin-oncehub']).to.deep.include({ targetOrg: 'acme' });
  });

  it('a default org sf does not know: a failed diagnostic, no throw', async () => {
    await $$.stubConfig({ 'target-org': 'nowhere' });
    $$.SANDBOX.stub(Org, 'create').rejects(new SfError('No authorization information found for nowhere.', 'NamedOrgNotFoundError'));
    await hook({ doctor });
    expect(diagnostics).to.deep.equal([{ testName: '[plugin-oncehub] OnceHub setup of nowhere can be checked', status: 'fail' }]);
    expect(doctor.suggestions).to.deep.equal(['No authorization information found for nowhere.']);
    expect(doctor.pluginData['plugin-oncehub']).to.deep.equal({
      targetOrg: 'nowhere',
      error: { name: 'NamedOrgNotFoundError', message: 'No authorization information found for nowhere.' },
    });
  });
});
