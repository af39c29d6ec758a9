import { expect } from 'chai';
import {
  apiConnectionChecks,
  connectCommandFor,
  environmentOfFacts,
  judgeApiAccess,
  judgeRecordedConnection,
} from '../../../src/lib/doctor/api-connection.js';
import { ADMIN, API_USER, apiUserFacts, completedFacts, failure, fetched, notFetched, orgFacts, recordedConnection } from './hand-made-facts.js';

const ids = (checks: Array<{ id: string }>): string[] => checks.map((c) => c.id);
const byId = (checks: Array<{ id: string; status: string }>): Record<string, string> => Object.fromEntries(checks.map((c) => [c.id, c.status]));

const record = recordedConnection();
const ctx = { environment: 'production' as const, orgId: '00D5g000000ProdAAA', apiUsername: API_USER, connectCommand: 'sf oncehub connect -o acme-api' };

describe('doctor/api-connection', () => {
  describe('api-access', () => {
    it('passes an edition with the API', () => {
      expect(judgeApiAccess(fetched(orgFacts()), false)).to.deep.equal({
        id: 'api-access',
        title: 'Org edition has API access',
        status: 'pass',
        message: 'Enterprise Edition has API access.',
      });
    });

    it('warns on Professional Edition, where the API is a paid add-on', () => {
      const check = judgeApiAccess(fetched(orgFacts({ edition: 'Professional Edition' })), false);
      expect(check.status).to.equal('warn');
      expect(check.message).to.include('Professional Edition has the API only as a paid add-on');
      expect(check.fix).to.include('account executive');
    });

    it('fails when the calls of the user sf is logged in as are refused, naming both causes and the admin run', () => {
      const check = judgeApiAccess(notFetched(failure), 'api@acme.example');
      expect(check.status).to.equal('fail');
      expect(check.message).to.include('API_DISABLED_FOR_ORG');
      expect(check.message).to.include("the org's edition has no API access, or api@acme.example lacks the API Enabled permission");
      expect(check.fix).to.include('sf oncehub doctor --target-org <admin alias> --api-user api@acme.example');
    });

    it('warns when the org could not be read', () => {
      expect(judgeApiAccess(notFetched(failure), false).message).to.match(/^Could not read the Organization record \(INVALID_TYPE/);
    });
  });

  describe('recorded-connection', () => {
    it('passes the connection of this org and user', () => {
      expect(judgeRecordedConnection(record, ctx)).to.deep.equal({
        id: 'recorded-connection',
        title: 'OnceHub connection recorded for this org and user',
        status: 'pass',
        message: `The production connection is recorded for ${API_USER} (connected 2026-11-20T10:00:00.000Z).`,
      });
    });

    it('matches the org by its 15-character id and the user case-insensitively', () => {
      expect(judgeRecordedConnection({ ...record, orgId: '00D5g000000Prod', username: 'API@acme.example' }, ctx).status).to.equal('pass');
    });

    it('warns when nothing is recorded yet, with the connect command', () => {
      const check = judgeRecordedConnection(undefined, ctx);
      expect(check).to.deep.include({
        status: 'warn',
        message: 'No OnceHub connection is recorded for production yet.',
        fix: 'sf oncehub connect -o acme-api',
      });
    });

    it('warns when the recorded connection is another org', () => {
      const check = judgeRecordedConnection({ ...record, orgId: '00D5g000000OthrAAA', alias: 'other' }, ctx);
      expect(check.status).to.equal('warn');
      expect(check.message).to.equal(
        'The production connection is recorded for another org (other, 00D5g000000OthrAAA), not this one (00D5g000000ProdAAA): OnceHub may be connected to the wrong org.'
      );
    });

    it('warns when the recorded connection is another user', () => {
      const check = judgeRecordedConnection({ ...record, username: 'old@acme.example' }, ctx);
      expect(check.message).to.equal(`The production connection is recorded for old@acme.example, but the API user checked here is ${API_USER}.`);
    });
  });

  describe('connectCommandFor', () => {
    it('names the org alias when the API user is the user sf is logged in as', () => {
      const facts = completedFacts({ apiUser: { username: ADMIN, source: 'authenticated', localAlias: 'acme' } });
      expect(connectCommandFor(facts)).to.equal('sf oncehub connect -o acme');
      expect(connectCommandFor({ ...facts, mode: 'advanced-secure' })).to.equal('sf oncehub connect -o acme --mode advanced-secure');
    });

    it("names the API user's own login when sf has one", () => {
      expect(connectCommandFor(completedFacts())).to.equal('sf oncehub connect -o acme-api');
    });

    it('says to log in as the API user first otherwise', () => {
      const facts = completedFacts({ apiUser: { username: API_USER, source: 'flag' } });
      expect(connectCommandFor(facts)).to.equal(
        `Log in as the API user, then connect: sf org login web --alias oncehub-api (sign in as ${API_USER}), then sf oncehub connect -o oncehub-api`
      );
    });
  });

  it('environmentOfFacts uses the org, else what sf noted at login', () => {
    expect(environmentOfFacts(completedFacts({ org: fetched(orgFacts({ isSandbox: true })) }))).to.equal('sandbox');
    expect(environmentOfFacts(completedFacts({ org: notFetched(failure) }))).to.equal('production');
  });

  describe('the phase', () => {
    it('standard mode: api-access, the five user checks, recorded-connection', () => {
      const checks = apiConnectionChecks(completedFacts());
      expect(ids(checks)).to.deep.equal(['api-access', 'user-active', 'user-license', 'user-profile', 'api-enabled', 'modify-all-data', 'recorded-connection']);
      expect(checks.every((c) => c.status === 'pass')).to.equal(true);
    });

    it('advanced secure mode checks Edit Events and object access instead of profile and Modify All Data', () => {
      const facts = completedFacts({
        mode: 'advanced-secure',
        apiUserFacts: fetched(apiUserFacts({ profileName: 'OnceHub API User', modifyAllData: false })),
      });
      const checks = apiConnectionChecks(facts);
      expect(ids(checks)).to.deep.equal(['api-access', 'user-active', 'user-license', 'api-enabled', 'edit-events', 'object-access', 'recorded-connection']);
      expect(checks.every((c) => c.status === 'pass')).to.equal(true);
    });

    it('judges a sandbox against the sandbox connection', () => {
      const facts = completedFacts({ org: fetched(orgFacts({ isSandbox: true })) });
      expect(byId(apiConnectionChecks(facts))['recorded-connection']).to.equal('warn');
    });

    it('API disabled for the org: api-access fails, the rest is not checked', () => {
      const checks = apiConnectionChecks(completedFacts({ apiBlocked: 'org' }));
      expect(byId(checks)).to.deep.equal({
        'api-access': 'fail',
        'user-active': 'skip',
        'user-license': 'skip',
        'user-profile': 'skip',
        'api-enabled': 'skip',
        'modify-all-data': 'skip',
        'recorded-connection': 'skip',
      });
    });

    it('API refused to the user sf is logged in as: api-enabled fails, the rest is not checked', () => {
      const checks = apiConnectionChecks(completedFacts({ apiBlocked: 'user' }));
      expect(byId(checks)['api-enabled']).to.equal('fail');
      expect(checks.filter((c) => c.status === 'skip')).to.have.length(6);
      expect(checks[0].message).to.equal(`Not checked: Salesforce refuses API calls from ${ADMIN}, so nothing in the org could be read.`);
    });

    it('a user that could not be read: user-active warns, the other user checks are skipped', () => {
      const checks = apiConnectionChecks(completedFacts({ apiUserFacts: notFetched(failure) }));
      expect(byId(checks)).to.deep.include({ 'user-active': 'warn', 'user-license': 'skip', 'modify-all-data': 'skip' });
      expect(checks[1].title).to.equal('API user is active');
      expect(checks[1].message).to.include(`Could not read the API user ${API_USER}`);
    });

    it('skips recorded-connection when the environment is unknown', () => {
      const facts = completedFacts({ org: notFetched(failure), target: { ...completedFacts().target, knownEnvironment: undefined } });
      const recorded = apiConnectionChecks(facts).at(-1);
      expect(recorded).to.deep.include({ id: 'recorded-connection', status: 'skip' });
    });
  });
});
