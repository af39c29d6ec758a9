import type { Connection } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { ADMIN_USERNAME as ADMIN, type OrgBuilder, PACKAGE_EVENT_FIELDS, scenarios, type SRecord } from '../../../emulator/index.js';
import type { DoctorFacts } from '../../../src/lib/doctor/facts.js';
import { gatherFacts, type GatherRequest } from '../../../src/lib/doctor/gather.js';
import { INSTALLED_PACKAGE_QUERY } from '../../../src/lib/installation/package.js';
import { permissionSetQuery } from '../../../src/lib/installation/permset.js';
import { DUPLICATE_RULES_QUERY, VALIDATION_RULES_QUERY } from '../../../src/lib/validation/rules.js';
import { emulatorContext, pathsSent, type EmulatorContext } from '../../support/emulator-context.js';

const API_USER = 'api@acme.example';

/** Every step done for the API user api@acme.example; a Lead assignment rule; rep1@acme.example a Standard User. */
const completedOrg = (): OrgBuilder => scenarios.completed({ apiUser: API_USER, leadRule: 'Standard Lead Assignment' });

/** The part of a query subrequest's URL that names this query (as the plugin encodes it). */
const queryOf = (soql: string): string => `/query?q=${encodeURIComponent(soql)}`;

/** What a subrequest asked for: the object of its query (outside subqueries), else its path. */
const asked = (s: { url: string; soql?: string }): string =>
  s.soql ? /FROM (\w+)/.exec(s.soql.replace(/\(SELECT[^)]*\)/g, ''))![1] : s.url.replace(/^\/services\/data\/v\d+\.\d+/, '');

describe('doctor/gather', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let conn: Connection;

  let scenario: OrgBuilder;
  let served: Promise<EmulatorContext> | undefined;
  /** The org of this test behind the admin's login (set up on first use, after every beforeEach). */
  const ready = (): Promise<EmulatorContext> => {
    served ??= emulatorContext($$, scenario.build(), { username: ADMIN, alias: 'acme' }).then(async (c) => {
      ctx = c;
      conn = (await c.org()).getConnection('62.0');
      return c;
    });
    return served;
  };

  const request = (overrides: Partial<GatherRequest> = {}): GatherRequest => ({
    target: { alias: 'acme', username: ADMIN, orgId: ctx.emu.org.orgId, instanceUrl: ctx.emu.url, knownEnvironment: 'production' },
    mode: 'standard',
    apiUser: { username: API_USER, source: 'flag' },
    connections: {},
    ...overrides,
  });
  const gather = async (overrides: Partial<GatherRequest> = {}): Promise<DoctorFacts> => {
    await ready();
    return gatherFacts(conn, request(overrides));
  };
  const orgRequests = (): unknown[] => ctx.emu.log.dataRequests();
  const soql = (): string[] => ctx.emu.log.queries();
  async function rejection(overrides: Partial<GatherRequest> = {}): Promise<Error | undefined> {
    try {
      await gather(overrides);
    } catch (err) {
      return err as Error;
    }
    return undefined;
  }

  beforeEach(() => {
    scenario = completedOrg();
    served = undefined;
  });

  describe('the request plan', () => {
    it('reads everything in four requests: two REST Composites, then Tooling queries and Tooling layout reads', async () => {
      const facts = await gather();

      expect([...pathsSent(ctx.emu)].sort()).to.deep.equal(['/composite', '/composite', '/tooling/composite', '/tooling/composite']);
      const entries = ctx.emu.log.dataRequests();
      const byComposite = (n: number): string[] => (entries[n].subrequests ?? []).map(asked);
      const rest = entries.map((e, i) => i).filter((i) => entries[i].api !== 'tooling');
      const tooling = entries.map((e, i) => i).filter((i) => entries[i].api === 'tooling');
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
      const eventLayout = ctx.emu.org.records('Layout').find((l) => l.Name === 'Event Layout');
      expect(byComposite(tooling[1])).to.deep.equal([`/tooling/sobjects/Layout/${String(eventLayout?.Id)}`]);

      expect(facts.org.ok && facts.org.value.name).to.equal('Acme Corporation');
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
      expect(orgRequests()).to.have.length(4);
      expect(soql().filter((q) => /FROM (DuplicateRule|AssignmentRule|User WHERE Username IN)/.test(q))).to.have.length(3);
      expect(soql().find((q) => q.includes('Username IN'))).to.include("Username IN ('o\\'brien@acme.example','rep1@acme.example')");
      expect(facts.assignmentRules).to.deep.equal({ ok: true, value: [{ object: 'Lead', name: 'Standard Lead Assignment' }] });
      expect(facts.bookingOwners?.ok && facts.bookingOwners.value.map((o) => o.username)).to.deep.equal(['rep1@acme.example']);
    });

    it('checking the logged-in user itself adds its own effective permissions, not its UserLogin: 9 queries, still 4 requests', async () => {
      await gather({
        apiUser: { username: ADMIN, source: 'authenticated' },
        setup: { path: 's.json', file: { creationRules: { lead: { new: { owner: 'assignment-rules' } } }, bookingPageOwners: ['rep1@acme.example'] } },
      });
      expect(orgRequests()).to.have.length(4);
      expect(soql().filter((q) => q.endsWith('FROM UserPermissionAccess'))).to.have.length(1);
      // Its own session proves it is not frozen (Salesforce refuses a frozen user's sessions).
      expect(soql().filter((q) => q.includes('FROM UserLogin'))).to.have.length(0);
      expect(soql()).to.have.length(9 + 3);
    });

    it('a user who holds the OnceHub set only through a group holds it, via that group', async () => {
      scenario = scenarios.base().withApiUser(API_USER).withPackage().withPermsetViaGroup({ usernames: [API_USER] }).withEventLayoutFields();
      const facts = await gather();
      expect(facts.installation.apiUserAssigned).to.deep.equal({ ok: true, value: true });
      expect(facts.installation.apiUserAssignedVia).to.equal('OnceHub Users');

      // The group's assignment removed in Setup: the user no longer holds the set.
      const apiUserId = ctx.emu.org.requireUser(API_USER).Id;
      for (const a of ctx.emu.org.where('PermissionSetAssignment', (x: SRecord) => x.AssigneeId === apiUserId && x.PermissionSetGroupId != null)) {
        ctx.emu.org.delete('PermissionSetAssignment', a.Id);
      }
      expect((await gather()).installation.apiUserAssigned).to.deep.equal({ ok: true, value: false });
    });

    it('reads the frozen flag of the checked user', async () => {
      scenario = completedOrg().apiUserFrozen(API_USER);
      const facts = await gather();
      expect(facts.apiUserFacts.ok && facts.apiUserFacts.value?.isFrozen).to.equal(true);
    });

    it('reads two layouts in one request and skips the layout request when no layout is in use', async () => {
      scenario = scenarios
        .base()
        .withApiUser(API_USER)
        .withPackage()
        .withPermsetAssigned(API_USER)
        .withTwoEventLayouts()
        .withEventLayoutFields('Event Layout')
        .withEventLayoutPartlyDone('Sales Event Layout');
      const facts = await gather();
      expect(orgRequests()).to.have.length(4);
      expect(ctx.emu.log.filter({ path: /\/tooling\/composite$/ })[1].subrequests).to.have.length(2);
      expect(facts.installation.layouts).to.deep.equal({
        ok: true,
        value: [
          { name: 'Event Layout', missing: [] },
          { name: 'Sales Event Layout', missing: [PACKAGE_EVENT_FIELDS[1]] },
        ],
      });

      // No Event layout assigned to any profile any more.
      ctx.emu.log.clear();
      for (const pl of ctx.emu.org.where('ProfileLayout', (p: SRecord) => p.TableEnumOrId === 'Event')) ctx.emu.org.delete('ProfileLayout', pl.Id);
      const none = await gather();
      expect(orgRequests()).to.have.length(3);
      expect(none.installation.layouts).to.deep.equal({ ok: true, value: [] });
    });

    it('looks for the assignment of the API user, quoting the username', async () => {
      await gather({ apiUser: { username: "o'brien@acme.example", source: 'flag' } });
      expect(soql().filter((q) => q.includes("'o\\'brien@acme.example'"))).to.have.length(3);
    });
  });

  describe('a concern that cannot be read becomes that concern failure', () => {
    it('packages the user may not read: unreadable, with the permission to ask for', async () => {
      (await ready()).emu.faults.subrequestErrors({ url: queryOf(INSTALLED_PACKAGE_QUERY), errorCode: 'INVALID_TYPE', message: "sObject type 'InstalledSubscriberPackage' is not supported." });
      const facts = await gather();
      expect(facts.installation.package).to.deep.include({ status: 'unreadable' });
      expect(facts.validationRules.ok).to.equal(true);
    });

    it('any other failure of the package query is unreadable too, naming the error', async () => {
      (await ready()).emu.faults.subrequestErrors({ url: queryOf(INSTALLED_PACKAGE_QUERY), errorCode: 'MALFORMED_QUERY', message: 'unexpected token' });
      const facts = await gather();
      expect(facts.installation.package).to.deep.equal({ status: 'unreadable', reason: 'MALFORMED_QUERY: unexpected token' });
    });

    it('validation rules, a describe, the permission set, duplicate rules', async () => {
      const faults = (await ready()).emu.faults;
      faults.subrequestErrors({ url: queryOf(VALIDATION_RULES_QUERY), errorCode: 'INVALID_FIELD', message: 'No such column' });
      faults.subrequestErrors({ url: '/sobjects/Case/describe', status: 404, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });
      faults.subrequestErrors({ url: queryOf(permissionSetQuery()), errorCode: 'INVALID_FIELD', message: 'No such column' });
      faults.subrequestErrors({ url: queryOf(DUPLICATE_RULES_QUERY), errorCode: 'INVALID_TYPE', message: 'not supported' });
      const facts = await gather();
      expect(facts.validationRules).to.deep.equal({ ok: false, errorCode: 'INVALID_FIELD', message: 'No such column' });
      expect(facts.describes.Case).to.deep.include({ ok: false, errorCode: 'NOT_FOUND' });
      expect(facts.describes.Lead.ok).to.equal(true);
      expect(facts.installation.permissionSet).to.deep.include({ ok: false, errorCode: 'INVALID_FIELD' });
      expect(facts.installation.apiUserAssigned).to.deep.include({ ok: false, errorCode: 'INVALID_FIELD' });
      expect(facts.duplicateRules).to.deep.include({ ok: false, errorCode: 'INVALID_TYPE' });
      expect(facts.org.ok).to.equal(true);
      expect(orgRequests()).to.have.length(4);
    });

    it('a layout that cannot be read makes the layouts unreadable', async () => {
      (await ready()).emu.faults.subrequestErrors({ url: '/tooling/sobjects/Layout/', status: 404, errorCode: 'NOT_FOUND', message: 'gone' });
      const facts = await gather();
      expect(facts.installation.layouts).to.deep.equal({ ok: false, errorCode: 'NOT_FOUND', message: 'gone' });
    });

    it('a Tooling API refused as a whole leaves the Tooling concerns unread, the REST ones intact', async () => {
      (await ready()).emu.faults.errors({ path: '/tooling/composite', status: 404, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });
      const facts = await gather();
      expect(facts.installation.package).to.deep.equal({ status: 'unreadable', reason: 'NOT_FOUND: The requested resource does not exist' });
      expect(facts.installation.layouts.ok).to.equal(false);
      expect(facts.validationRules.ok).to.equal(false);
      expect(facts.apiUserFacts.ok).to.equal(true);
      // The layouts are not asked for when their assignments could not be read.
      expect(pathsSent(ctx.emu).filter((p) => p === '/tooling/composite')).to.have.length(1);
    });
  });

  describe('org-level failures', () => {
    it('API disabled for the org: facts that say so, nothing else read', async () => {
      (await ready()).emu.faults.apiDisabledForOrg();
      const facts = await gather();
      expect(facts.apiBlocked).to.equal('org');
      expect(facts.org).to.deep.include({ ok: false, errorCode: 'API_DISABLED_FOR_ORG' });
    });

    it('API refused to the user sf is logged in as: Salesforce answers as for an org without API, and the facts say so', async () => {
      // A user without API Enabled gets 403 API_DISABLED_FOR_ORG on REST, as an org without API does (emulator/router/index.ts).
      scenario = completedOrg().apiUserWithoutApiEnabled(ADMIN);
      const facts = await gather();
      expect(facts.apiBlocked).to.equal('org');
      expect(facts.org).to.deep.include({ ok: false, errorCode: 'API_DISABLED_FOR_ORG' });
    });

    it('API_CURRENTLY_DISABLED (the SOAP API code for a user without API) is read as refused to that user', async () => {
      (await ready()).emu.faults.errors({ status: 403, errorCode: 'API_CURRENTLY_DISABLED', message: 'API is disabled for this User' });
      expect((await gather()).apiBlocked).to.equal('user');
    });

    it('an expired session, a rate limit or a connection that keeps dropping end the run with an SfError', async () => {
      await ready();
      const faults = ctx.emu.faults;
      for (const [arm, name] of [
        [() => faults.expiredSession(), 'SessionRefusedError'],
        [() => faults.requestLimit(), 'RequestLimitExceededError'],
        // Every attempt dropped: the plugin's three read retries do not help.
        [() => faults.resetConnections({ times: 100 }), 'ConnectionDroppedError'],
      ] as const) {
        faults.clear();
        arm();
        expect((await rejection())?.name).to.equal(name);
      }
    });

    it('broken JSON is an SfError too', async () => {
      (await ready()).emu.faults.malformedJson();
      expect((await rejection())?.name).to.equal('MalformedResponseError');
    });
  });
});
