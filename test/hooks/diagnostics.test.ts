import { Lifecycle, Org, SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { type DoctorLike, hook } from '../../src/hooks/diagnostics.js';
import { recordConnection } from '../../src/lib/connection/state.js';
import { sfLogin } from '../lib/connection/fake-org.js';
import { useRealStateFile } from '../lib/connection/state-file.js';
import { ADMIN, API_USER, apiError, completedOrg, FakeDoctorOrg, ORG_ID } from '../lib/doctor/fake-doctor-org.js';
import { recordedConnection } from '../lib/doctor/hand-made-facts.js';

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
  let org: FakeDoctorOrg;
  let doctor: StubDoctor;
  let diagnostics: Diagnostic[];

  beforeEach(async () => {
    const admin = sfLogin(ADMIN);
    admin.orgId = ORG_ID;
    await $$.stubAuths(admin);
    $$.stubAliases({ acme: ADMIN });
    org = new FakeDoctorOrg(completedOrg());
    $$.fakeConnectionRequest = ((request: unknown) => org.handle(request)) as typeof $$.fakeConnectionRequest;
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
      apiUser: { username: ADMIN, id: '0055g0000000001AAA' },
      progress: { done: 1, total: 5 },
      summary: { pass: 11, warn: 1, fail: 1, skip: 4 },
    });
    expect(doctor.suggestions).to.deep.equal([`sf oncehub permset assign --target-org acme --on-behalf-of ${ADMIN}`]);
    expect(org.orgRequests.length).to.be.at.most(4);
  });

  it('checks the recorded API user of the default org', async () => {
    await recordConnection(recordedConnection({ alias: 'acme' }));
    await $$.stubConfig({ 'target-org': ADMIN });
    await hook({ doctor });
    expect(diagnostics.filter((d) => d.status === 'fail')).to.deep.equal([]);
    expect(doctor.suggestions).to.deep.equal([]);
    expect(doctor.pluginData['plugin-oncehub'].apiUser).to.deep.equal({ username: API_USER, id: '0055g0000000002AAA' });
  });

  it('without a default org: one diagnostic and a suggestion, no request, no throw', async () => {
    await hook({ doctor });
    expect(diagnostics).to.deep.equal([{ testName: '[plugin-oncehub] OnceHub setup checked (no default target org is set)', status: 'warn' }]);
    expect(doctor.suggestions[0]).to.include('sf config set target-org <alias>');
    expect(doctor.pluginData['plugin-oncehub']).to.deep.equal({ targetOrg: null });
    expect(org.requests).to.have.length(0);
  });

  it('an org that cannot be read: one failed diagnostic and the error with its actions as the suggestion', async () => {
    await $$.stubConfig({ 'target-org': 'acme' });
    org.fault = apiError('INVALID_SESSION_ID', 'Session expired or invalid', 401);
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
