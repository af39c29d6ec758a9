import type { Connection } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { type ApiUserFacts, apiUserCheckIds, judgeApiRefused, judgeApiUser } from '../../../src/lib/connection/api-user.js';
import { objectDescribeRequests, apiUserRequests, parseApiUserFacts, parseOrgFacts } from '../../../src/lib/connection/api-user-facts.js';
import { sendComposite, type SubRequest, type SubResponse } from '../../../src/lib/org/requests.js';
import {
  ADMIN_USERNAME as ADMIN,
  API_ACCESS_PERMSET_LABEL,
  AUDITOR_USERNAME,
  MINIMAL_PROFILE,
  ONCEHUB_GROUP_LABEL,
  scenarios,
  type OrgBuilder,
} from '../../../emulator/index.js';
import { emulatorContext, type EmulatorContext } from '../../support/emulator-context.js';

const API_USER = 'api@acme.example';

const full = { Read: true, Create: true, Edit: true, Delete: true };

function facts(overrides: Partial<ApiUserFacts> = {}): ApiUserFacts {
  return {
    id: '005x',
    username: 'api@acme.example',
    name: 'API',
    isActive: true,
    profileName: 'System Administrator',
    licenseName: 'Salesforce',
    apiEnabled: true,
    modifyAllData: true,
    editEvent: true,
    objectAccess: { Lead: { ...full }, Account: { ...full }, Contact: { ...full }, Case: { ...full } },
    ...overrides,
  };
}

const byId = (checks: ReturnType<typeof judgeApiUser>): Record<string, (typeof checks)[number]> =>
  Object.fromEntries(checks.map((c) => [c.id, c]));

describe('connection/api-user', () => {
  it('lists the check ids of each mode in report order', () => {
    expect(apiUserCheckIds('standard')).to.deep.equal(['user-active', 'user-license', 'user-profile', 'api-enabled', 'modify-all-data']);
    expect(apiUserCheckIds('advanced-secure')).to.deep.equal(['user-active', 'user-license', 'api-enabled', 'edit-events', 'object-access']);
  });

  describe('judgeApiUser', () => {
    it('passes every check of both modes for a user who meets them, without fixes', () => {
      for (const mode of ['standard', 'advanced-secure'] as const) {
        const checks = judgeApiUser('api@acme.example', facts(), mode);
        expect(checks.map((c) => c.status)).to.deep.equal(['pass', 'pass', 'pass', 'pass', 'pass']);
        expect(checks.every((c) => c.fix === undefined && c.title.length > 0)).to.be.true;
      }
    });

    const failures: Array<[string, Partial<ApiUserFacts>, RegExp]> = [
      ['user-active', { isActive: false }, /api@acme\.example is inactive/],
      ['user-license', { licenseName: 'Chatter Free' }, /"Chatter Free" user license/],
      ['user-license', { licenseName: null }, /"none" user license/],
      ['user-profile', { profileName: 'Standard User' }, /"Standard User" profile/],
      ['api-enabled', { apiEnabled: false }, /^Neither the "System Administrator" profile nor any permission set or group of api@acme\.example grants API Enabled/],
      ['modify-all-data', { modifyAllData: false }, /grants Modify All Data/],
    ];
    for (const [id, overrides, message] of failures) {
      it(`standard: ${id} fails alone, with a fix, for ${JSON.stringify(overrides)}`, () => {
        const checks = judgeApiUser('api@acme.example', facts(overrides), 'standard');
        expect(checks.filter((c) => c.status === 'fail').map((c) => c.id)).to.deep.equal([id]);
        expect(byId(checks)[id].message).to.match(message);
        expect(byId(checks)[id].fix).to.be.a('string').and.not.empty;
      });
    }

    it('advanced-secure ignores the profile name and Modify All Data', () => {
      const checks = judgeApiUser('api@acme.example', facts({ profileName: 'Integration', modifyAllData: false }), 'advanced-secure');
      expect(checks.every((c) => c.status === 'pass')).to.be.true;
    });

    it('advanced-secure: edit-events fails with its fix', () => {
      const check = byId(judgeApiUser('api@acme.example', facts({ editEvent: false }), 'advanced-secure'))['edit-events'];
      expect(check.status).to.equal('fail');
      expect(check.fix).to.include('General User Permissions > Edit Events');
    });

    it('advanced-secure: object-access names each missing permission per object', () => {
      const objectAccess = { ...facts().objectAccess, Lead: { ...full, Delete: false }, Case: { Read: true, Create: false, Edit: false, Delete: false } };
      const check = byId(judgeApiUser('api@acme.example', facts({ objectAccess }), 'advanced-secure'))['object-access'];
      expect(check.status).to.equal('fail');
      expect(check.message).to.equal('The "System Administrator" profile lacks: Delete on Lead, Create/Edit/Delete on Case.');
    });

    it('object-access seen through the user\'s describes speaks of the user', () => {
      const objectAccess = { ...facts().objectAccess, Contact: { ...full, Edit: false } };
      const check = byId(judgeApiUser('api@acme.example', facts({ objectAccess, objectAccessSource: 'describe' }), 'advanced-secure'))['object-access'];
      expect(check.message).to.equal('api@acme.example lacks: Edit on Contact.');
      expect(check.fix).to.include('Profiles > System Administrator > Edit');
    });

    it('object-access that could not be read is skipped, pointing to an admin\'s doctor run', () => {
      const check = byId(judgeApiUser('api@acme.example', facts({ objectAccessSource: 'unreadable' }), 'advanced-secure'))['object-access'];
      expect(check.status).to.equal('skip');
      expect(check.message).to.include('View Setup and Configuration');
      expect(check.message).to.include('--api-user api@acme.example');
    });

    it('user-active tells a frozen user from an inactive one', () => {
      const frozen = byId(judgeApiUser('api@acme.example', facts({ isFrozen: true }), 'standard'))['user-active'];
      expect(frozen.status).to.equal('fail');
      expect(frozen.message).to.match(/^api@acme\.example is frozen/);
      expect(frozen.fix).to.include('Unfreeze');
      const inactive = byId(judgeApiUser('api@acme.example', facts({ isActive: false, isFrozen: true }), 'standard'))['user-active'];
      expect(inactive.message).to.equal('api@acme.example is inactive.');
    });

    it('user-active warns when UserLogin could not be read: frozen is unknown', () => {
      const check = byId(judgeApiUser('api@acme.example', facts({ frozenUnreadable: true }), 'standard'))['user-active'];
      expect(check.status).to.equal('warn');
      expect(check.message).to.match(/^api@acme\.example is active, but whether it is frozen could not be checked: reading UserLogin needs the Manage Users permission/);
      expect(check.fix).to.include('Unfreeze');
      expect(byId(judgeApiUser('api@acme.example', facts({ frozenUnreadable: true, isFrozen: true }), 'standard'))['user-active'].status).to.equal('fail');
    });

    const group = (status: string) => ({ source: 'the permission set group "OnceHub Integration"', reason: 'group-status' as const, status });
    const session = { source: 'the permission set "OnceHub API Access (session)"', reason: 'session-based' as const };
    const none = { apiEnabled: [], modifyAllData: [], editEvent: [], objectAccess: [] };

    it('a permission only a group awaiting recalculation would grant warns, naming the group and its Status', () => {
      const user = facts({ editEvent: false, notCounted: { ...none, editEvent: [group('Outdated')] } });
      const check = byId(judgeApiUser('api@acme.example', user, 'advanced-secure'))['edit-events'];
      expect(check.status).to.equal('warn');
      expect(check.message).to.equal(
        'Only the permission set group "OnceHub Integration" (Status Outdated) would grant it, and its permissions are being recalculated (a group\'s Status is Updated once Salesforce has recalculated them; Outdated, Updating or Failed mean not yet), so it is not counted on.'
      );
      expect(check.fix).to.include('Setup > Permission Set Groups');
    });

    it('a permission only a session-based set would grant fails, saying the set grants nothing to an API session', () => {
      const noAccess = { Read: false, Create: false, Edit: false, Delete: false };
      const user = facts({
        editEvent: false,
        objectAccess: { Lead: { ...noAccess }, Account: { ...full }, Contact: { ...full }, Case: { ...full } },
        objectAccessSource: 'sets',
        notCounted: { ...none, editEvent: [session, group('Failed')], objectAccess: [session] },
      });
      const checks = byId(judgeApiUser('api@acme.example', user, 'advanced-secure'));
      for (const id of ['edit-events', 'object-access']) {
        expect(checks[id].status, id).to.equal('fail');
        expect(checks[id].message).to.include('the permission set "OnceHub API Access (session)" would grant it, but a session-based permission set grants nothing until it is activated');
        expect(checks[id].fix).to.match(/^Grant it with a permission set that is not session-based \(untick Session Activation Required on the permission set "OnceHub API Access \(session\)"/);
      }
      expect(checks['edit-events'].message).to.match(/^Neither the "System Administrator" profile nor any permission set or group of api@acme\.example grants Edit Events/);
    });

    it('a permission granted elsewhere passes, whatever a left-out set would add', () => {
      const user = facts({ notCounted: { ...none, editEvent: [session] }, grantedBy: { apiEnabled: [], modifyAllData: [], editEvent: ['the profile "Custom"'], objectAccess: [] } });
      expect(byId(judgeApiUser('api@acme.example', user, 'advanced-secure'))['edit-events'].status).to.equal('pass');
    });

    it('each passing permission says where it comes from: profile, permission set or group', () => {
      const grantedBy = {
        apiEnabled: ['the permission set "OnceHub API Access"'],
        modifyAllData: ['the profile "Custom Admin"', 'the permission set group "Admins"'],
        editEvent: ['the profile "Custom Admin"'],
        objectAccess: ['the profile "Custom Admin"', 'the permission set "OnceHub API Access"'],
      };
      const checks = byId(judgeApiUser('api@acme.example', facts({ grantedBy, objectAccessSource: 'sets' }), 'standard'));
      expect(checks['api-enabled'].message).to.equal('api@acme.example has API Enabled, from the permission set "OnceHub API Access".');
      expect(checks['modify-all-data'].message).to.equal(
        'api@acme.example has Modify All Data, from the profile "Custom Admin" and the permission set group "Admins".'
      );
      const secure = byId(judgeApiUser('api@acme.example', facts({ grantedBy, objectAccessSource: 'sets' }), 'advanced-secure'));
      expect(secure['edit-events'].message).to.equal('api@acme.example has Edit Events, from the profile "Custom Admin".');
      expect(secure['object-access'].message).to.equal(
        'api@acme.example can read, create, edit and delete Leads, Accounts, Contacts and Cases, through the profile "Custom Admin" and the permission set "OnceHub API Access".'
      );
    });

    it('without sources (effective permissions only) a passing permission names the user', () => {
      expect(byId(judgeApiUser('api@acme.example', facts(), 'standard'))['api-enabled'].message).to.equal('api@acme.example has API Enabled.');
    });

    it('object-access across the sets names what the union lacks', () => {
      const objectAccess = { ...facts().objectAccess, Case: { ...full, Delete: false } };
      const check = byId(judgeApiUser('api@acme.example', facts({ objectAccess, objectAccessSource: 'sets' }), 'advanced-secure'))['object-access'];
      expect(check.message).to.equal('api@acme.example lacks, across its profile, permission sets and groups: Delete on Case.');
      expect(check.fix).to.include('or assign api@acme.example a permission set that grants them');
    });

    it('user-profile stays a check of the profile itself, whatever the sets grant', () => {
      const grantedBy = { apiEnabled: ['the permission set "X"'], modifyAllData: ['the permission set "X"'], editEvent: [], objectAccess: [] };
      const check = byId(judgeApiUser('api@acme.example', facts({ profileName: 'Custom Admin', grantedBy }), 'standard'))['user-profile'];
      expect(check.status).to.equal('fail');
    });

    it('a missing user fails user-active and skips the rest', () => {
      const checks = judgeApiUser('ghost@acme.example', undefined, 'standard');
      expect(checks.map((c) => c.status)).to.deep.equal(['fail', 'skip', 'skip', 'skip', 'skip']);
      expect(checks[0].message).to.include('No user with username ghost@acme.example');
    });
  });

  it('judgeApiRefused fails api-enabled with the doctor hint and skips the rest', () => {
    const checks = judgeApiRefused('api@acme.example', 'advanced-secure');
    expect(checks.map((c) => [c.id, c.status])).to.deep.equal([
      ['user-active', 'skip'],
      ['user-license', 'skip'],
      ['api-enabled', 'fail'],
      ['edit-events', 'skip'],
      ['object-access', 'skip'],
    ]);
    expect(checks[2].message).to.include('API_DISABLED_FOR_ORG');
    expect(checks[2].message).to.include("the user lacks the API Enabled permission (on its profile and every permission set and group), or the org's edition has no API access");
    expect(checks[2].fix).to.include('sf oncehub doctor --target-org <admin alias> --api-user api@acme.example');
    expect(checks.filter((c) => c.status === 'skip').every((c) => c.fix === undefined && /without API access/.test(c.message))).to.be.true;
  });

  describe('facts from the org', () => {
    const $$ = new TestContext();
    let ctx: EmulatorContext;

    /** The org behind sf's logins of its admin and of `also` (users who check themselves). */
    const serve = async (org: OrgBuilder = scenarios.base().withApiUser(API_USER), ...also: string[]): Promise<EmulatorContext> => {
      ctx = await emulatorContext($$, org.build(), { username: ADMIN, also: also.map((username) => ({ username })) });
      return ctx;
    };
    /** Sends the subrequests as `caller` (default the admin), in one Composite. */
    const answersTo = async (requests: (conn: Connection) => SubRequest[], caller = ADMIN): Promise<{ conn: Connection; answers: Map<string, SubResponse> }> => {
      const conn = await ctx.connection(caller);
      return { conn, answers: await sendComposite(conn, requests(conn)) };
    };
    async function read(username: string): Promise<{ org: Awaited<ReturnType<typeof parseOrgFacts>>; user: ApiUserFacts | undefined }> {
      const { conn, answers } = await answersTo((c) => apiUserRequests(c, username));
      return { org: await parseOrgFacts(conn, answers), user: await parseApiUserFacts(conn, answers) };
    }
    const soql = (): string[] => ctx.emu.log.dataRequests().flatMap((e) => (e.subrequests ?? []).map((sub) => sub.soql ?? ''));
    const idOf = (username: string): string => String(ctx.emu.org.requireUser(username).Id);

    it('sends three queries, quoting the username, and more on request: own effective access, login', async () => {
      await serve();
      await read("o'neil\\x@acme.example");
      expect(ctx.emu.log.dataRequests()).to.have.length(1);
      expect(soql()).to.have.length(3);
      expect(soql()[1]).to.match(/ FROM User WHERE Username = 'o\\'neil\\\\x@acme\.example'$/);
      expect(soql()[2]).to.match(
        /FROM PermissionSet WHERE Id IN \(SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee\.Username = 'o\\'neil\\\\x@acme\.example' AND \(ExpirationDate = null OR ExpirationDate > \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\)$/
      );
      // The emulator parsed and ran all three: the quote and the backslash are escaped as SOQL wants them.
      expect(ctx.emu.log.dataRequests()[0].subrequests?.map((sub) => sub.status)).to.deep.equal([200, 200, 200]);
      const soqlOf = apiUserRequests(ctx.conn, API_USER, { self: { userId: "005'x" }, login: true }).map((r) => decodeURIComponent(r.url.split('q=')[1]));
      expect(soqlOf).to.have.length(6);
      expect(soqlOf[3]).to.equal('SELECT PermissionsApiEnabled, PermissionsModifyAllData, PermissionsEditEvent FROM UserPermissionAccess');
      expect(soqlOf[4]).to.equal(
        "SELECT EntityDefinitionId, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess WHERE UserId = '005\\'x' AND EntityDefinitionId IN ('Lead','Account','Contact','Case')"
      );
      expect(soqlOf[5]).to.equal(`SELECT UserId, IsFrozen FROM UserLogin WHERE UserId IN (SELECT Id FROM User WHERE Username = '${API_USER}')`);
    });

    it('reads the org, the user, its profile permissions and object access', async () => {
      // A custom profile granting Read and Edit on Account, nothing on Case.
      await serve(
        scenarios
          .base()
          .withApiUser(API_USER)
          .apiUserAdvancedSecure({ missingObjectAccess: 'Case' })
          .tweak('Account: Read and Edit only', (org) => {
            const profileId = org.requireUser(API_USER).ProfileId;
            const owned = org.records('PermissionSet').find((p) => p.IsOwnedByProfile === true && p.ProfileId === profileId)!;
            for (const op of org.where('ObjectPermissions', (o) => o.ParentId === owned.Id && o.SobjectType === 'Account')) {
              org.update('ObjectPermissions', op.Id, { PermissionsCreate: false, PermissionsDelete: false });
            }
          })
      );
      const { org, user } = await read(API_USER);
      expect(org).to.deep.equal({
        id: ctx.emu.org.orgId,
        name: 'Acme Corporation',
        isSandbox: false,
        isScratch: false,
        edition: 'Enterprise Edition',
        instanceName: 'NA224',
      });
      expect(user).to.deep.include({ username: API_USER, profileName: 'OnceHub API User - No Case', licenseName: 'Salesforce', apiEnabled: true, modifyAllData: false });
      expect(user?.objectAccess.Account).to.deep.equal({ Read: true, Create: false, Edit: true, Delete: false });
      expect(user?.objectAccess.Case).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    });

    it('marks a scratch org (IsSandbox with a trial expiry)', async () => {
      await serve(scenarios.base({ scratch: true }).withApiUser(API_USER));
      expect((await read(API_USER)).org).to.deep.include({ isSandbox: true, isScratch: true });
    });

    it('copes with a user without profile and a profile without object permissions', async () => {
      await serve();
      const autoproc = String(ctx.emu.org.records('User').find((u) => u.UserType === 'AutomatedProcess')!.Username);
      const { user } = await read(autoproc);
      expect(user).to.deep.include({ profileName: null, licenseName: null, apiEnabled: false, modifyAllData: false });
      expect(user?.objectAccess.Lead.Read).to.be.false;
    });

    it('reads the union of the profile, permission sets and groups, with where each permission comes from', async () => {
      // Minimal profile; "OnceHub API Access" grants API Enabled, Edit Events and CRUD on the four objects; the package
      // permission set reaches the user through the group "OnceHub Users" (Edit Events, Read/Create/Edit).
      await serve(scenarios.base().withApiUser(API_USER).apiUserAdvancedSecureViaPermissionSet().withPackage().withPermsetViaGroup());
      const { user } = await read(API_USER);
      expect(user).to.deep.include({ profileName: MINIMAL_PROFILE, apiEnabled: true, modifyAllData: false, editEvent: true, objectAccessSource: 'sets' });
      expect(user?.grantedBy).to.deep.equal({
        apiEnabled: [`the permission set "${API_ACCESS_PERMSET_LABEL}"`],
        modifyAllData: [],
        editEvent: [`the permission set "${API_ACCESS_PERMSET_LABEL}"`, `the permission set group "${ONCEHUB_GROUP_LABEL}"`],
        objectAccess: [`the permission set "${API_ACCESS_PERMSET_LABEL}"`, `the permission set group "${ONCEHUB_GROUP_LABEL}"`],
      });
      expect(Object.values(user!.objectAccess).every((a) => a.Read && a.Create && a.Edit && a.Delete)).to.be.true;
    });

    it('reads the frozen flag from UserLogin when asked, and leaves it out when UserLogin is hidden', async () => {
      await serve(scenarios.base().withApiUser(API_USER).apiUserFrozen().withSetupAuditor(), AUDITOR_USERNAME);
      const frozen = await answersTo((c) => apiUserRequests(c, API_USER, { login: true }));
      expect(await parseApiUserFacts(frozen.conn, frozen.answers)).to.deep.include({ isFrozen: true, isActive: true });
      // A caller without Manage Users may not read UserLogin (INVALID_TYPE): frozen is unknown.
      const hidden = await answersTo((c) => apiUserRequests(c, API_USER, { login: true }), AUDITOR_USERNAME);
      const facts = await parseApiUserFacts(hidden.conn, hidden.answers);
      expect(facts).to.not.have.property('isFrozen');
      expect(facts).to.deep.include({ frozenUnreadable: true, isActive: true });
    });

    it('a caller that may not read its sets: its own UserPermissionAccess and UserEntityAccess, no sources', async () => {
      await serve(scenarios.base().withApiUser(API_USER).apiUserAdvancedSecure({ viewSetup: false, missingObjectAccess: 'Case' }), API_USER);
      const { conn, answers } = await answersTo((c) => apiUserRequests(c, API_USER, { self: { userId: idOf(API_USER) } }), API_USER);
      const user = await parseApiUserFacts(conn, answers);
      expect(ctx.emu.log.dataRequests()).to.have.length(1);
      // Its permission sets are hidden from it (400 INVALID_TYPE); its own effective access answers.
      expect(ctx.emu.log.dataRequests()[0].subrequests?.map((sub) => sub.status)).to.deep.equal([200, 200, 400, 200, 200]);
      expect(user).to.deep.include({ apiEnabled: true, editEvent: true, modifyAllData: false, objectAccessSource: 'describe' });
      expect(user).to.not.have.property('grantedBy');
      expect(user?.objectAccess.Lead).to.deep.equal({ Read: true, Create: true, Edit: true, Delete: true });
      expect(user?.objectAccess.Case).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    });

    it('marks object access unreadable, not an error, when permission sets are hidden and no describes were sent', async () => {
      await serve(scenarios.base().withApiUser(API_USER).apiUserAdvancedSecure({ viewSetup: false }), API_USER);
      const { conn, answers } = await answersTo((c) => apiUserRequests(c, API_USER), API_USER);
      const user = await parseApiUserFacts(conn, answers);
      expect(user).to.deep.include({ objectAccessSource: 'unreadable', isActive: true, profileName: 'OnceHub API User' });
      expect(user?.objectAccess.Lead).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    });

    it("falls back to the caller's describes when they were sent, a refused describe meaning no access", async () => {
      await serve(scenarios.base().withApiUser(API_USER).apiUserAdvancedSecure({ viewSetup: false }), API_USER);
      // The answer to a describe of an object the caller may not see (SalesforceLabs/OrgCheck#48).
      ctx.emu.faults.subrequestErrors({ url: '/sobjects/Case/describe', status: 404, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });
      const { conn, answers } = await answersTo((c) => [...apiUserRequests(c, API_USER), ...objectDescribeRequests(c)], API_USER);
      const user = await parseApiUserFacts(conn, answers);
      expect(ctx.emu.log.dataRequests()).to.have.length(1);
      expect(user?.objectAccessSource).to.equal('describe');
      expect(user?.objectAccess.Lead).to.deep.equal({ Read: true, Create: true, Edit: true, Delete: true });
      expect(user?.objectAccess.Case).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    });

    it('still throws other failures of the access query', async () => {
      (await serve()).emu.faults.subrequestErrors({ url: /PermissionSetAssignment/, errorCode: 'MALFORMED_QUERY', message: 'unexpected token' });
      const err = await read(API_USER).catch((e: Error) => e);
      expect(err).to.have.property('errorCode', 'MALFORMED_QUERY');
      expect(ctx.emu.log.dataRequests()[0].subrequests?.map((sub) => sub.status)).to.deep.equal([200, 200, 400]);
    });

    it('returns no user for an unknown username', async () => {
      await serve();
      expect((await read('ghost@acme.example')).user).to.be.undefined;
    });
  });
});
