import { type Connection, Org } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import type { DoctorFacts } from '../../../src/lib/doctor/facts.js';
import { gatherFacts, type GatherRequest } from '../../../src/lib/doctor/gather.js';
import { sfLogin } from '../connection/fake-org.js';
import { ADMIN, API_USER, apiError, completedOrg, FakeDoctorOrg, ONCEHUB_PERMSET, ORG_ID, PACKAGE_FIELDS } from './fake-doctor-org.js';

const path = (url: string): string => new URL(url, 'http://x').pathname.replace(/^\/services\/data\/v\d+\.0/, '');

describe('doctor/gather', () => {
  const $$ = new TestContext();
  let org: FakeDoctorOrg;
  let conn: Connection;

  const request = (overrides: Partial<GatherRequest> = {}): GatherRequest => ({
    target: { alias: 'acme', username: ADMIN, orgId: ORG_ID, instanceUrl: 'https://acme.my.salesforce.com', knownEnvironment: 'production' },
    mode: 'standard',
    apiUser: { username: API_USER, source: 'flag' },
    connections: {},
    ...overrides,
  });
  const gather = (overrides: Partial<GatherRequest> = {}): Promise<DoctorFacts> => gatherFacts(conn, request(overrides));

  beforeEach(async () => {
    const login = sfLogin(ADMIN);
    await $$.stubAuths(login);
    org = new FakeDoctorOrg(completedOrg());
    $$.fakeConnectionRequest = ((req: unknown) => org.handle(req)) as typeof $$.fakeConnectionRequest;
    conn = (await Org.create({ aliasOrUsername: ADMIN })).getConnection('62.0');
  });

  describe('the request plan', () => {
    it('reads everything in four requests: two REST Composites, then Tooling queries and Tooling layout reads', async () => {
      const facts = await gather();

      expect(org.orgRequests.map((r) => `${r.method} ${path(r.url)}`).sort()).to.deep.equal([
        'POST /composite',
        'POST /composite',
        'POST /tooling/composite',
        'POST /tooling/composite',
      ]);
      const byComposite = (n: number): string[] =>
        (JSON.parse(org.orgRequests[n].body!) as { compositeRequest: Array<{ url: string }> }).compositeRequest.map((s) => {
          const soql = new URL(s.url, 'http://x').searchParams.get('q');
          return soql ? /FROM (\w+)/.exec(soql.replace(/\(SELECT[^)]*\)/g, ''))![1] : path(s.url);
        });
      const rest = org.orgRequests.map((r, i) => i).filter((i) => !org.orgRequests[i].url.includes('/tooling/'));
      const tooling = org.orgRequests.map((r, i) => i).filter((i) => org.orgRequests[i].url.includes('/tooling/'));
      // The user's permission sets (profile-owned, regular, group aggregates), its login (frozen?), OnceHub's set and
      // the groups that contain it.
      expect(byComposite(rest[0])).to.deep.equal(['Organization', 'User', 'PermissionSet', 'UserLogin', 'PermissionSet']);
      expect(byComposite(rest[1])).to.deep.equal([
        'PermissionSetGroupComponent',
        '/sobjects/Lead/describe',
        '/sobjects/Contact/describe',
        '/sobjects/Account/describe',
        '/sobjects/Event/describe',
        '/sobjects/Case/describe',
        'DuplicateRule',
      ]);
      expect(byComposite(tooling[0])).to.deep.equal(['InstalledSubscriberPackage', 'ProfileLayout', 'ValidationRule']);
      expect(byComposite(tooling[1])).to.deep.equal(['/tooling/sobjects/Layout/00h5g000000EvLaAAA']);

      expect(facts.org.ok && facts.org.value.name).to.equal('Acme Inc.');
      expect(facts.apiUserFacts.ok && facts.apiUserFacts.value?.username).to.equal(API_USER);
      expect(facts.installation.package.status).to.equal('installed');
      expect(facts.installation.apiUserAssigned).to.deep.equal({ ok: true, value: true });
      expect(facts.installation.layouts).to.deep.equal({ ok: true, value: [{ name: 'Event Layout', missing: [] }] });
      expect(facts.describes.Lead.ok && facts.describes.Lead.value.fields.length).to.be.greaterThan(5);
      expect(facts.assignmentRules).to.equal(undefined);
      expect(facts.bookingOwners).to.equal(undefined);
    });

    it('asks for assignment rules and booking page owners only when the setup file needs them, still in 4 requests', async () => {
      const facts = await gather({
        setup: { path: 's.json', file: { creationRules: { lead: { new: { owner: 'assignment-rules' } } }, bookingPageOwners: ["o'brien@acme.example", 'rep1@acme.example'] } },
      });
      expect(org.orgRequests).to.have.length(4);
      expect(org.soql.filter((q) => /FROM (DuplicateRule|AssignmentRule|User WHERE Username IN)/.test(q))).to.have.length(3);
      expect(org.soql.find((q) => q.includes('Username IN'))).to.include("Username IN ('o\\'brien@acme.example','rep1@acme.example')");
      expect(facts.assignmentRules).to.deep.equal({ ok: true, value: [{ object: 'Lead', name: 'Standard Lead Assignment' }] });
      expect(facts.bookingOwners?.ok && facts.bookingOwners.value.map((o) => o.username)).to.deep.equal(['rep1@acme.example']);
    });

    it('checking the logged-in user itself adds its own effective permissions, not its UserLogin: 9 queries, still 4 requests', async () => {
      await gather({
        apiUser: { username: ADMIN, source: 'authenticated' },
        setup: { path: 's.json', file: { creationRules: { lead: { new: { owner: 'assignment-rules' } } }, bookingPageOwners: ['rep1@acme.example'] } },
      });
      expect(org.orgRequests).to.have.length(4);
      expect(org.soql.filter((q) => q.endsWith('FROM UserPermissionAccess'))).to.have.length(1);
      // Its own session proves it is not frozen (Salesforce refuses a frozen user's sessions).
      expect(org.soql.filter((q) => q.includes('FROM UserLogin'))).to.have.length(0);
      expect(org.soql).to.have.length(9 + 3);
    });

    it('a user who holds the OnceHub set only through a group holds it, via that group', async () => {
      org.data.assignments = [{ username: API_USER, PermissionSetId: ONCEHUB_PERMSET.Id, group: { Id: '0PG5g0000000OneAAA', label: 'OnceHub Users' } }];
      const facts = await gather();
      expect(facts.installation.apiUserAssigned).to.deep.equal({ ok: true, value: true });
      expect(facts.installation.apiUserAssignedVia).to.equal('OnceHub Users');
      org.data.assignments = [];
      expect((await gather()).installation.apiUserAssigned).to.deep.equal({ ok: true, value: false });
    });

    it('reads the frozen flag of the checked user', async () => {
      org.data.users = org.data.users.map((u) => (u.Username === API_USER ? { ...u, frozen: true } : u));
      const facts = await gather();
      expect(facts.apiUserFacts.ok && facts.apiUserFacts.value?.isFrozen).to.equal(true);
    });

    it('reads two layouts in one request and skips the layout request when no layout is in use', async () => {
      org.data.layouts.push({ Id: '00h5g000000SaleAAA', Name: 'Sales Event Layout', profiles: ['Standard User'], fields: [PACKAGE_FIELDS[0]] });
      const facts = await gather();
      expect(org.orgRequests).to.have.length(4);
      expect(facts.installation.layouts).to.deep.equal({
        ok: true,
        value: [
          { name: 'Event Layout', missing: [] },
          { name: 'Sales Event Layout', missing: [PACKAGE_FIELDS[1]] },
        ],
      });

      org.requests.length = 0;
      org.data.layouts = [];
      const none = await gather();
      expect(org.orgRequests).to.have.length(3);
      expect(none.installation.layouts).to.deep.equal({ ok: true, value: [] });
    });

    it('looks for the assignment of the API user, quoting the username', async () => {
      await gather({ apiUser: { username: "o'brien@acme.example", source: 'flag' } });
      expect(org.soql.filter((q) => q.includes("'o\\'brien@acme.example'"))).to.have.length(3);
    });
  });

  describe('a concern that cannot be read becomes that concern failure', () => {
    it('packages the user may not read: unreadable, with the permission to ask for', async () => {
      org.subFaults.push({ match: /InstalledSubscriberPackage/, status: 400, errorCode: 'INVALID_TYPE', message: "sObject type 'InstalledSubscriberPackage' is not supported." });
      const facts = await gather();
      expect(facts.installation.package).to.deep.include({ status: 'unreadable' });
      expect(facts.validationRules.ok).to.equal(true);
    });

    it('any other failure of the package query is unreadable too, naming the error', async () => {
      org.subFaults.push({ match: /InstalledSubscriberPackage/, status: 400, errorCode: 'MALFORMED_QUERY', message: 'unexpected token' });
      const facts = await gather();
      expect(facts.installation.package).to.deep.equal({ status: 'unreadable', reason: 'MALFORMED_QUERY: unexpected token' });
    });

    it('validation rules, a describe, the permission set, duplicate rules', async () => {
      org.subFaults.push(
        { match: /FROM ValidationRule/, status: 400, errorCode: 'INVALID_FIELD', message: 'No such column' },
        { match: /\/sobjects\/Case\/describe/, status: 404, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
        { match: /FROM PermissionSet WHERE IsOwnedByProfile = false/, status: 400, errorCode: 'INVALID_FIELD', message: 'No such column' },
        { match: /FROM DuplicateRule/, status: 400, errorCode: 'INVALID_TYPE', message: 'not supported' }
      );
      const facts = await gather();
      expect(facts.validationRules).to.deep.equal({ ok: false, errorCode: 'INVALID_FIELD', message: 'No such column' });
      expect(facts.describes.Case).to.deep.include({ ok: false, errorCode: 'NOT_FOUND' });
      expect(facts.describes.Lead.ok).to.equal(true);
      expect(facts.installation.permissionSet).to.deep.include({ ok: false, errorCode: 'INVALID_FIELD' });
      expect(facts.installation.apiUserAssigned).to.deep.include({ ok: false, errorCode: 'INVALID_FIELD' });
      expect(facts.duplicateRules).to.deep.include({ ok: false, errorCode: 'INVALID_TYPE' });
      expect(facts.org.ok).to.equal(true);
    });

    it('a layout that cannot be read makes the layouts unreadable', async () => {
      org.subFaults.push({ match: /\/tooling\/sobjects\/Layout\//, status: 404, errorCode: 'NOT_FOUND', message: 'gone' });
      const facts = await gather();
      expect(facts.installation.layouts).to.deep.equal({ ok: false, errorCode: 'NOT_FOUND', message: 'gone' });
    });

    it('a Tooling API refused as a whole leaves the Tooling concerns unread, the REST ones intact', async () => {
      const handle = org.handle.bind(org);
      org.handle = (req: unknown): Promise<unknown> =>
        JSON.stringify(req).includes('/tooling/composite') ? Promise.reject(apiError('NOT_FOUND', 'The requested resource does not exist', 404)) : handle(req);
      const facts = await gather();
      expect(facts.installation.package).to.deep.equal({ status: 'unreadable', reason: 'NOT_FOUND: The requested resource does not exist' });
      expect(facts.installation.layouts.ok).to.equal(false);
      expect(facts.validationRules.ok).to.equal(false);
      expect(facts.apiUserFacts.ok).to.equal(true);
    });
  });

  describe('org-level failures', () => {
    it('API disabled for the org: facts that say so, nothing else read', async () => {
      org.fault = apiError('API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.', 403);
      const facts = await gather();
      expect(facts.apiBlocked).to.equal('org');
      expect(facts.org).to.deep.include({ ok: false, errorCode: 'API_DISABLED_FOR_ORG' });
    });

    it('API refused to the user sf is logged in as: facts that say so', async () => {
      org.fault = apiError('API_CURRENTLY_DISABLED', 'API is disabled for this User', 403);
      expect((await gather()).apiBlocked).to.equal('user');
    });

    it('an expired session, a rate limit or an unreachable org end the run with an SfError', async () => {
      for (const [fault, name] of [
        [apiError('INVALID_SESSION_ID', 'Session expired or invalid', 401), 'SessionRefusedError'],
        [apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403), 'RequestLimitExceededError'],
        [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'UnreachableError'],
      ] as const) {
        org.fault = fault;
        let error: Error | undefined;
        try {
          await gather();
        } catch (err) {
          error = err as Error;
        }
        expect(error?.name).to.equal(name);
      }
    });

    it('broken JSON is an SfError too', async () => {
      org.rawAnswer = '{"compositeResponse": [';
      let error: Error | undefined;
      try {
        await gather();
      } catch (err) {
        error = err as Error;
      }
      expect(error?.name).to.equal('MalformedResponseError');
    });
  });
});
