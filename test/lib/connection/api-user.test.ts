import { Org } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  type ApiUserFacts,
  apiUserCheckIds,
  objectDescribeRequests,
  apiUserRequests,
  judgeApiRefused,
  judgeApiUser,
  parseApiUserFacts,
  parseOrgFacts,
} from '../../../src/lib/connection/api-user.js';
import { sendComposite } from '../../../src/lib/org/requests.js';
import { FakeOrg, goodUser, productionOrg, scratchOrg, sfLogin } from './fake-org.js';

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
      ['api-enabled', { apiEnabled: false }, /does not have API Enabled/],
      ['modify-all-data', { modifyAllData: false }, /does not have Modify All Data/],
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
    expect(checks[2].fix).to.include('sf oncehub doctor --target-org <admin alias> --api-user api@acme.example');
    expect(checks.filter((c) => c.status === 'skip').every((c) => c.fix === undefined && /without API access/.test(c.message))).to.be.true;
  });

  describe('facts from the org', () => {
    const $$ = new TestContext();
    let fake: FakeOrg;

    beforeEach(async () => {
      await $$.stubAuths(sfLogin('admin@acme.example'));
      fake = new FakeOrg({ org: productionOrg(), users: [goodUser('api@acme.example')] });
      $$.fakeConnectionRequest = (request) => fake.handle(request) as never;
    });

    async function read(username: string): Promise<{ org: Awaited<ReturnType<typeof parseOrgFacts>>; user: ApiUserFacts | undefined }> {
      const conn = (await Org.create({ aliasOrUsername: 'admin@acme.example' })).getConnection();
      const answers = await sendComposite(conn, apiUserRequests(conn, username));
      return { org: await parseOrgFacts(conn, answers), user: await parseApiUserFacts(conn, answers) };
    }

    it('sends three queries, quoting the username', async () => {
      await read("o'neil\\x@acme.example");
      expect(fake.soql).to.have.length(3);
      expect(fake.soql[1]).to.match(/ FROM User WHERE Username = 'o\\'neil\\\\x@acme\.example'$/);
      expect(fake.soql[2]).to.include("ProfileId IN (SELECT ProfileId FROM User WHERE Username = 'o\\'neil\\\\x@acme.example')");
    });

    it('reads the org, the user, its profile permissions and object access', async () => {
      fake.data.users = [goodUser('api@acme.example', { objectPerms: { Lead: 'RCED', Account: 'RE' } })];
      const { org, user } = await read('api@acme.example');
      expect(org).to.deep.equal({
        id: '00D5g000000ProdAAA',
        name: 'Acme Inc.',
        isSandbox: false,
        isScratch: false,
        edition: 'Enterprise Edition',
        instanceName: 'NA139',
      });
      expect(user).to.deep.include({ username: 'api@acme.example', profileName: 'System Administrator', licenseName: 'Salesforce', apiEnabled: true });
      expect(user?.objectAccess.Account).to.deep.equal({ Read: true, Create: false, Edit: true, Delete: false });
      expect(user?.objectAccess.Case).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    });

    it('marks a scratch org (IsSandbox with a trial expiry)', async () => {
      fake.data.org = scratchOrg();
      expect((await read('api@acme.example')).org).to.deep.include({ isSandbox: true, isScratch: true });
    });

    it('copes with a user without profile and a profile without object permissions', async () => {
      fake.data.users = [goodUser('autoproc@acme.example', { profileName: null, licenseName: null, objectPerms: {} })];
      const { user } = await read('autoproc@acme.example');
      expect(user).to.deep.include({ profileName: null, licenseName: null, apiEnabled: false, modifyAllData: false });
      expect(user?.objectAccess.Lead.Read).to.be.false;
    });

    it('keeps facts read from the profile as they were (no source field)', async () => {
      const { user } = await read('api@acme.example');
      expect(user).to.not.have.property('objectAccessSource');
    });

    it('marks object access unreadable, not an error, when permission sets are hidden and no describes were sent', async () => {
      fake.data.users = [goodUser('api@acme.example', { viewSetup: false })];
      const { user } = await read('api@acme.example');
      expect(user).to.deep.include({ objectAccessSource: 'unreadable', isActive: true, profileName: 'System Administrator' });
      expect(user?.objectAccess.Lead).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    });

    it("falls back to the caller's describes when they were sent", async () => {
      fake.data.users = [goodUser('api@acme.example', { viewSetup: false, objectPerms: { Lead: 'RC', Account: 'RCED', Contact: 'RCED' } })];
      const conn = (await Org.create({ aliasOrUsername: 'admin@acme.example' })).getConnection();
      const answers = await sendComposite(conn, [...apiUserRequests(conn, 'api@acme.example'), ...objectDescribeRequests(conn)]);
      const user = await parseApiUserFacts(conn, answers);
      expect(fake.requests).to.have.length(1);
      expect(user?.objectAccessSource).to.equal('describe');
      expect(user?.objectAccess.Lead).to.deep.equal({ Read: true, Create: true, Edit: false, Delete: false });
      expect(user?.objectAccess.Case).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    });

    it('still throws other failures of the access query', async () => {
      fake.fault = {
        compositeResponse: [
          { referenceId: 'org', httpStatusCode: 200, body: { totalSize: 0, done: true, records: [] } },
          { referenceId: 'apiUser', httpStatusCode: 200, body: { totalSize: 1, done: true, records: [{ Id: '005x', Username: 'api@acme.example', Profile: null }] } },
          { referenceId: 'apiUserAccess', httpStatusCode: 400, body: [{ errorCode: 'MALFORMED_QUERY', message: 'unexpected token' }] },
        ],
      };
      const err = await read('api@acme.example').catch((e: Error) => e);
      expect(err).to.have.property('errorCode', 'MALFORMED_QUERY');
    });

    it('returns no user for an unknown username', async () => {
      expect((await read('ghost@acme.example')).user).to.be.undefined;
    });
  });
});
