import { expect } from 'chai';
import type { CheckStatus } from '../../../src/lib/checks.js';
import { blockedFacts, buildReport, exitCodeOf, PHASE_IDS, progressOf } from '../../../src/lib/doctor/report.js';
import { ADMIN, API_USER, completedFacts, failure, fetched, notFetched, ORG_ID } from './hand-made-facts.js';

const phases = (...statuses: CheckStatus[]): Array<{ status: CheckStatus }> => statuses.map((status) => ({ status }));
const byId = (report: ReturnType<typeof buildReport>): Record<string, string> =>
  Object.fromEntries(report.phases.flatMap((p) => p.checks.map((c) => [c.id, c.status])));

describe('doctor/report', () => {
  describe('progressOf', () => {
    it('counts phases that pass or warn, in order', () => {
      expect(progressOf(phases('pass', 'warn', 'pass', 'pass', 'warn'))).to.deep.equal({ done: 5, total: 5 });
    });

    it('stops at the first phase that fails', () => {
      expect(progressOf(phases('pass', 'fail', 'pass', 'pass', 'pass'))).to.deep.equal({ done: 1, total: 5 });
      expect(progressOf(phases('fail', 'pass', 'pass', 'pass', 'pass'))).to.deep.equal({ done: 0, total: 5 });
    });

    it('stops at the first phase that is skipped', () => {
      expect(progressOf(phases('pass', 'warn', 'pass', 'skip', 'pass'))).to.deep.equal({ done: 3, total: 5 });
    });
  });

  describe('buildReport', () => {
    it('reports all five phases in order with their titles and checks', () => {
      const report = buildReport(completedFacts());
      expect(report.phases.map((p) => [p.id, p.title])).to.deep.equal([
        ['api-connection', 'API connection'],
        ['installation', 'Installation'],
        ['field-validation', 'Field validation'],
        ['field-mapping', 'Field mapping'],
        ['creation-rules', 'Creation rules'],
      ]);
      expect(report.phases.map((p) => p.checks.map((c) => c.id))).to.deep.equal([
        ['api-access', 'user-active', 'user-license', 'user-profile', 'api-enabled', 'modify-all-data', 'recorded-connection', 'api-usage'],
        ['package-installed', 'permset-assigned', 'layout-fields', 'source-layouts'],
        ['required-fields', 'validation-rules', 'duplicate-rules'],
        ['mapping'],
        ['creation-rules'],
      ]);
      expect(PHASE_IDS).to.have.length(5);
    });

    it('a completed org without a setup file: three phases done, the last two skipped', () => {
      const report = buildReport(completedFacts());
      expect(report.phases.map((p) => p.status)).to.deep.equal(['pass', 'pass', 'pass', 'skip', 'skip']);
      expect(report.progress).to.deep.equal({ done: 3, total: 5 });
      // source-layouts is skipped too: these facts come from no sf project.
      expect(report.summary).to.deep.equal({ pass: 14, warn: 0, fail: 0, skip: 3 });
      expect(report.org).to.deep.equal({ id: ORG_ID, name: 'Acme Inc.', instanceUrl: 'https://acme.my.salesforce.com', isSandbox: false, edition: 'Enterprise Edition' });
      expect(report.apiUser).to.deep.equal({ username: API_USER, id: '0055g0000000002AAA' });
      expect(exitCodeOf(report)).to.equal(0);
    });

    it('a completed org with a setup file: five of five', () => {
      const report = buildReport(
        completedFacts({
          setup: { path: 'oncehub.json', file: { fieldMapping: [{ from: 'Customer - Phone', to: 'Lead.Phone' }], creationRules: { lead: { existing: { owner: 'keep' } } } } },
        })
      );
      expect(report.progress).to.deep.equal({ done: 5, total: 5 });
      expect(report.summary.skip).to.equal(1);
      expect(report.phases[1].checks.find((c) => c.id === 'source-layouts')?.status).to.equal('skip');
    });

    it('a phase of warnings still counts as done; a failing one stops progress but later phases are still judged', () => {
      const report = buildReport(
        completedFacts({
          duplicateRules: fetched([{ object: 'Lead', name: 'Std', label: 'Std' }]),
          installation: { ...completedFacts().installation, apiUserAssigned: fetched(false) },
        })
      );
      expect(report.phases.map((p) => p.status)).to.deep.equal(['pass', 'fail', 'warn', 'skip', 'skip']);
      expect(report.progress.done).to.equal(1);
      expect(byId(report)['duplicate-rules']).to.equal('warn');
      expect(exitCodeOf(report)).to.equal(1);
    });

    it('warnings alone exit 0', () => {
      const report = buildReport(completedFacts({ validationRules: fetched([{ object: 'Lead', name: 'R', errorMessage: '' }]) }));
      expect(report.summary.warn).to.equal(1);
      expect(exitCodeOf(report)).to.equal(0);
    });

    it("uses judge.ts for Installation, telling an unreadable permission set apart from a missing one", () => {
      const unread = buildReport(completedFacts({ installation: { ...completedFacts().installation, permissionSet: notFetched(failure) } }));
      const check = unread.phases[1].checks[1];
      expect(check).to.deep.include({ id: 'permset-assigned', title: 'API user has the OnceHub permission set', status: 'warn' });
      expect(check.message).to.include("Could not read OnceHub's permission set and its assignment to the API user");

      const missing = buildReport(completedFacts({ installation: { ...completedFacts().installation, permissionSet: fetched(undefined), apiUserAssigned: fetched(false) } }));
      expect(missing.phases[1].checks[1].status).to.equal('fail');
    });

    it('layouts that could not be read warn; a missing package fails and skips the layouts', () => {
      const unread = buildReport(completedFacts({ installation: { ...completedFacts().installation, layouts: notFetched(failure) } }));
      expect(byId(unread)['layout-fields']).to.equal('warn');
      const noPackage = buildReport(completedFacts({ installation: { ...completedFacts().installation, package: { status: 'missing' } } }));
      expect(byId(noPackage)['package-installed']).to.equal('fail');
      expect(byId(noPackage)['layout-fields']).to.equal('skip');
    });

    it('passes the API user to the installation fixes', () => {
      const report = buildReport(completedFacts({ installation: { ...completedFacts().installation, apiUserAssigned: fetched(false) } }));
      expect(report.phases[1].checks[1].fix).to.equal(`sf oncehub permset assign --target-org acme --on-behalf-of ${API_USER}`);
    });

    it('names no API user when the user does not exist', () => {
      expect(buildReport(completedFacts({ apiUserFacts: fetched(undefined) })).apiUser).to.equal(null);
    });

    it('falls back to what sf knows when the org could not be read', () => {
      const report = buildReport(completedFacts({ org: notFetched(failure) }));
      expect(report.org).to.deep.equal({ id: ORG_ID, name: '', instanceUrl: 'https://acme.my.salesforce.com', isSandbox: false, edition: '' });
    });
  });

  describe('when the API is blocked', () => {
    const base = completedFacts();

    it('API disabled for the org: every check is reported, api-access fails, everything else is skipped', () => {
      const report = buildReport({ ...blockedFacts(base, failure), apiBlocked: 'org' });
      const checks = report.phases.flatMap((p) => p.checks);
      expect(checks).to.have.length(17);
      expect(checks.filter((c) => c.status !== 'skip').map((c) => [c.id, c.status])).to.deep.equal([['api-access', 'fail']]);
      expect(report.phases.map((p) => p.status)).to.deep.equal(['fail', 'skip', 'skip', 'skip', 'skip']);
      expect(report.progress.done).to.equal(0);
      expect(report.phases[2].checks[0].message).to.equal(`Not checked: Salesforce refuses API calls from ${ADMIN} (API_DISABLED_FOR_ORG), so nothing in the org could be read.`);
      expect(report.apiUser).to.equal(null);
      expect(exitCodeOf(report)).to.equal(1);
    });

    it('API refused to the logged-in user: api-enabled fails, the rest names that user', () => {
      const report = buildReport({ ...blockedFacts(base, failure), apiBlocked: 'user' });
      expect(byId(report)['api-enabled']).to.equal('fail');
      expect(report.phases[1].checks[0].message).to.equal(`Not checked: Salesforce refuses API calls from ${ADMIN}, so nothing in the org could be read.`);
    });
  });
});
