import { SfError } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import Connect from '../../../src/commands/oncehub/connect.js';
import { readConnections } from '../../../src/lib/connection/state.js';
import {
  apiError,
  FakeOrg,
  goodUser,
  PROD_ORG_ID,
  productionOrg,
  SANDBOX_ORG_ID,
  sandboxOrg,
  scratchOrg,
  sfLogin,
} from '../../lib/connection/fake-org.js';
import { rawStateFile, useRealStateFile } from '../../lib/connection/state-file.js';

const API_USER = 'api@acme.example';
const QUOTED_USER = "o'brien@acme.example";

/** Runs the command and returns the error it fails with. */
async function failure(argv: string[]): Promise<SfError> {
  try {
    await Connect.run(argv);
  } catch (err) {
    return err as SfError;
  }
  throw new Error('connect was expected to fail');
}

const statuses = (result: { checks: Array<{ id: string; status: string }> }): Record<string, string> =>
  Object.fromEntries(result.checks.map((c) => [c.id, c.status]));

describe('oncehub connect', () => {
  const $$ = new TestContext();
  let prodLogin: MockTestOrgData;
  let sandboxLogin: MockTestOrgData;
  let prod: FakeOrg;
  let sandbox: FakeOrg;
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    prodLogin = sfLogin(API_USER, { environment: 'production' });
    sandboxLogin = sfLogin(`${API_USER}.uat`, { environment: 'sandbox' });
    // More logins to the same production org: another user, a user whose username has a quote, a login made
    // before sf noted the environment.
    const sameOrg = { instanceUrl: prodLogin.instanceUrl };
    await $$.stubAuths(
      prodLogin,
      sandboxLogin,
      sfLogin('other@acme.example', sameOrg),
      sfLogin(QUOTED_USER, sameOrg),
      sfLogin('legacy@acme.example', { ...sameOrg, environment: 'unknown' })
    );
    $$.stubAliases({ 'oncehub-api': API_USER, 'oncehub-uat': `${API_USER}.uat` });
    prod = new FakeOrg({ org: productionOrg(), users: [goodUser(API_USER)] });
    sandbox = new FakeOrg({ org: sandboxOrg(), users: [goodUser(`${API_USER}.uat`, { Id: '0055g00000SbxUsAAA' })] });
    // Each login talks to its own fake org, told apart by the instance URL the request goes to.
    $$.fakeConnectionRequest = function (this: { instanceUrl: string }, request): Promise<unknown> {
      return (this.instanceUrl === sandboxLogin.instanceUrl ? sandbox : prod).handle(request);
    } as typeof $$.fakeConnectionRequest;
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('a user who meets every requirement', () => {
    it('connects in one Composite request carrying the org, user, its permission sets and its own effective access', async () => {
      const result = await Connect.run(['--target-org', 'oncehub-api']);

      expect(prod.requests).to.have.length(1);
      expect(prod.requests[0].method).to.equal('POST');
      expect(prod.requests[0].url).to.match(/\/services\/data\/v\d+\.0\/composite$/);
      expect(prod.soql).to.have.length(5);
      expect(prod.soql[0]).to.match(/FROM Organization$/);
      expect(prod.soql[1]).to.include(`FROM User WHERE Username = '${API_USER}'`);
      expect(prod.soql[2]).to.include(
        `FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = '${API_USER}' AND (ExpirationDate = null OR ExpirationDate > `
      );
      expect(prod.soql[3]).to.match(/FROM UserPermissionAccess$/);
      expect(prod.soql[4]).to.include('FROM UserEntityAccess WHERE UserId = ');
      expect(result).to.deep.include({
        environment: 'production',
        alias: 'oncehub-api',
        username: API_USER,
        userId: '0055g00000ApiUsAAA',
        orgId: PROD_ORG_ID,
        instanceUrl: prodLogin.instanceUrl,
        mode: 'standard',
      });
      expect(result.connectedAt).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(result.checks.map((c) => c.id)).to.deep.equal(['user-active', 'user-license', 'user-profile', 'api-enabled', 'modify-all-data']);
      expect(result.checks.every((c) => c.status === 'pass' && c.fix === undefined)).to.be.true;
      expect(process.exitCode ?? 0).to.equal(0);
    });

    it('records the connection for production, with exactly the documented keys', async () => {
      const result = await Connect.run(['--target-org', 'oncehub-api']);

      const { production, sandbox: sbx } = await readConnections();
      expect(sbx).to.be.undefined;
      expect(production).to.deep.equal({
        environment: 'production',
        alias: 'oncehub-api',
        username: API_USER,
        userId: '0055g00000ApiUsAAA',
        orgId: PROD_ORG_ID,
        instanceUrl: prodLogin.instanceUrl,
        mode: 'standard',
        connectedAt: result.connectedAt,
      });
    });

    it('prints the org and user, a table of passed checks, and the success line', async () => {
      await Connect.run(['--target-org', 'oncehub-api']);

      const lines = ux.log.args.map((a) => String(a[0] ?? ''));
      expect(lines[0]).to.equal(`Org:      Acme Inc. (${PROD_ORG_ID}), production`);
      expect(lines[1]).to.equal(`API user: ${API_USER}, standard mode`);
      const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>>; columns: Array<{ key: string }> };
      expect(table.columns.map((c) => c.key)).to.deep.equal(['status', 'title', 'result']);
      expect(table.data.map((r) => r.status)).to.deep.equal(['✓', '✓', '✓', '✓', '✓']);
      expect(table.data[0]).to.deep.equal({ status: '✓', title: 'API user is active', result: `${API_USER} is active.` });
      expect(ux.logSuccess.args.flat()).to.deep.equal([`Connected ${API_USER} as the OnceHub API user for production.`]);
    });

    it('returns the same result under --json and prints nothing itself', async () => {
      const result = await Connect.run(['--target-org', 'oncehub-api', '--json']);

      expect(result.connectedAt).to.be.a('string');
      expect(Object.keys(result)).to.deep.equal([
        'environment', 'alias', 'username', 'userId', 'orgId', 'instanceUrl', 'mode', 'connectedAt', 'checks',
      ]);
      expect(Object.keys(result.checks[0])).to.deep.equal(['id', 'title', 'status', 'message']);
      expect(ux.log.called).to.be.false;
      expect(ux.table.called).to.be.false;
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 0, result });
    });
  });

  describe('standard mode checks that fail', () => {
    const cases: Array<{ id: string; user: Parameters<typeof goodUser>[1]; message: RegExp; fix: RegExp }> = [
      { id: 'user-active', user: { IsActive: false }, message: /is inactive/, fix: /tick Active/ },
      { id: 'user-license', user: { licenseName: 'Salesforce Platform' }, message: /"Salesforce Platform" user license/, fix: /User License "Salesforce"/ },
      { id: 'user-profile', user: { profileName: 'Standard User' }, message: /"Standard User" profile/, fix: /System Administrator/ },
      { id: 'api-enabled', user: { apiEnabled: false }, message: /nor any permission set or group of .* grants API Enabled/, fix: /API Enabled/ },
      { id: 'modify-all-data', user: { modifyAllData: false }, message: /nor any permission set or group of .* grants Modify All Data/, fix: /Modify All Data/ },
    ];
    for (const { id, user, message, fix } of cases) {
      it(`${id}: fails with its fix, exits 1 and records nothing`, async () => {
        prod.data.users = [goodUser(API_USER, user)];

        const result = await Connect.run(['--target-org', 'oncehub-api']);

        const check = result.checks.find((c) => c.id === id)!;
        expect(check.status).to.equal('fail');
        expect(check.message).to.match(message);
        expect(check.fix).to.match(fix);
        expect(result.checks.filter((c) => c.status === 'fail')).to.have.length(1);
        expect(result.connectedAt).to.be.undefined;
        expect(process.exitCode).to.equal(1);
        expect(await readConnections()).to.deep.equal({});
      });
    }

    it('prints the failed check with ✗ and its fix under the result, then the failure line with the retry command', async () => {
      prod.data.users = [goodUser(API_USER, { modifyAllData: false })];

      await Connect.run(['--target-org', 'oncehub-api', '--production']);

      const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>> };
      const failed = table.data.filter((r) => r.status === '✗');
      expect(failed).to.have.length(1);
      expect(failed[0].title).to.equal('API user has Modify All Data');
      expect(failed[0].result).to.equal(
        `Neither the "System Administrator" profile nor any permission set or group of ${API_USER} grants Modify All Data.\nFix: In Setup > Users > Profiles > ` +
          `System Administrator > Edit, tick Administrative Permissions > Modify All Data, or assign ${API_USER} a permission set that grants it (or use --mode advanced-secure with a customised profile).`
      );
      const last = String(ux.log.lastCall.args[0]);
      expect(last).to.include('Not connected: fix the failed checks and run connect again');
      expect(last).to.include('sf oncehub connect --target-org oncehub-api --production');
      expect(ux.logSuccess.called).to.be.false;
    });

    it('still returns every check under --json with status 1', async () => {
      prod.data.users = [goodUser(API_USER, { IsActive: false, apiEnabled: false })];

      const result = await Connect.run(['--target-org', 'oncehub-api', '--json']);

      expect(statuses(result)).to.deep.equal({
        'user-active': 'fail',
        'user-license': 'pass',
        'user-profile': 'pass',
        'api-enabled': 'fail',
        'modify-all-data': 'pass',
      });
      expect(result.checks.filter((c) => c.status === 'fail').every((c) => typeof c.fix === 'string')).to.be.true;
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 1 });
      expect(result).to.not.have.property('connectedAt');
    });

    it('keeps the earlier record of that environment when a reconnect fails', async () => {
      await Connect.run(['--target-org', 'oncehub-api']);
      const before = await readConnections();
      prod.data.users = [goodUser(API_USER, { IsActive: false })];

      await Connect.run(['--target-org', 'oncehub-api']);

      expect(await readConnections()).to.deep.equal(before);
    });
  });

  describe('advanced-secure mode', () => {
    it('accepts a customised profile without Modify All Data that has Edit Events and object access', async () => {
      prod.data.users = [goodUser(API_USER, { profileName: 'OnceHub Integration', modifyAllData: false })];

      const result = await Connect.run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

      expect(statuses(result)).to.deep.equal({
        'user-active': 'pass',
        'user-license': 'pass',
        'api-enabled': 'pass',
        'edit-events': 'pass',
        'object-access': 'pass',
      });
      expect((await readConnections()).production?.mode).to.equal('advanced-secure');
    });

    it('fails edit-events with its fix', async () => {
      prod.data.users = [goodUser(API_USER, { profileName: 'OnceHub Integration', editEvent: false })];

      const result = await Connect.run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

      const check = result.checks.find((c) => c.id === 'edit-events')!;
      expect(check.status).to.equal('fail');
      expect(check.fix).to.include('Edit Events');
      expect(process.exitCode).to.equal(1);
    });

    it('fails object-access naming exactly what is missing', async () => {
      prod.data.users = [goodUser(API_USER, { objectPerms: { Lead: 'RCED', Account: 'R', Contact: 'RCED' } })];

      const result = await Connect.run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure', '--json']);

      const check = result.checks.find((c) => c.id === 'object-access')!;
      expect(check.status).to.equal('fail');
      expect(check.message).to.include('Create/Edit/Delete on Account, Read/Create/Edit/Delete on Case');
      expect(check.fix).to.include('Standard Object Permissions');
      expect(result.checks.find((c) => c.id === 'modify-all-data')).to.be.undefined;
    });
  });

  describe('an API user who may not read permission sets (no View Setup and Configuration)', () => {
    it('standard mode: reports the profile checks instead of failing on the hidden profile access', async () => {
      prod.data.users = [goodUser(API_USER, { profileName: 'Standard User', modifyAllData: false, viewSetup: false })];

      const result = await Connect.run(['--target-org', 'oncehub-api', '--json']);

      expect(statuses(result)).to.deep.include({ 'user-profile': 'fail', 'modify-all-data': 'fail', 'api-enabled': 'pass' });
      expect(prod.requests).to.have.length(1);
      expect(process.exitCode).to.equal(1);
    });

    it('advanced-secure: reads its access from its own describes, sent in the same single request', async () => {
      prod.data.users = [goodUser(API_USER, { profileName: 'OnceHub Integration', modifyAllData: false, viewSetup: false })];

      const result = await Connect.run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

      expect(prod.requests).to.have.length(1);
      const subrequests = (JSON.parse(prod.requests[0].body!) as { compositeRequest: Array<{ url: string }> }).compositeRequest;
      expect(subrequests.map((r) => r.url.replace(/^\/services\/data\/v\d+\.0/, '').split('?')[0])).to.deep.equal([
        '/query', '/query', '/query', '/query', '/query', '/sobjects/Lead/describe', '/sobjects/Account/describe', '/sobjects/Contact/describe', '/sobjects/Case/describe',
      ]);
      const access = result.checks.find((c) => c.id === 'object-access')!;
      expect(access).to.deep.include({ status: 'pass', message: `${API_USER} can read, create, edit and delete Leads, Accounts, Contacts and Cases.` });
      expect(result.connectedAt).to.be.a('string');
    });

    it('advanced-secure: names what its describes show missing, an invisible object as no access at all', async () => {
      prod.data.users = [
        goodUser(API_USER, { profileName: 'OnceHub Integration', viewSetup: false, objectPerms: { Lead: 'RCED', Account: 'RE', Contact: 'RCED' } }),
      ];

      const result = await Connect.run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure', '--json']);

      const access = result.checks.find((c) => c.id === 'object-access')!;
      expect(access.status).to.equal('fail');
      expect(access.message).to.equal(`${API_USER} lacks: Create/Delete on Account, Read/Create/Edit/Delete on Case.`);
      expect(access.fix).to.include('Setup > Users > Profiles > OnceHub Integration > Edit');
    });
  });

  describe('environment', () => {
    it('detects a sandbox and records it as the sandbox connection', async () => {
      const result = await Connect.run(['--target-org', 'oncehub-uat']);

      expect(result.environment).to.equal('sandbox');
      expect(result.orgId).to.equal(SANDBOX_ORG_ID);
      expect((await readConnections()).sandbox?.username).to.equal(`${API_USER}.uat`);
      expect(ux.logSuccess.args.flat()).to.deep.equal([`Connected ${API_USER}.uat as the OnceHub API user for sandbox.`]);
    });

    it('counts a scratch org as a sandbox', async () => {
      sandbox.data.org = scratchOrg();

      const result = await Connect.run(['--target-org', 'oncehub-uat', '--sandbox']);

      expect(result.environment).to.equal('sandbox');
      expect((await readConnections()).sandbox).to.exist;
    });

    it('passes when --sandbox matches a sandbox and --production matches production', async () => {
      const sbx = await Connect.run(['--target-org', 'oncehub-uat', '--sandbox']);
      const prd = await Connect.run(['--target-org', 'oncehub-api', '--production']);

      expect([sbx.environment, prd.environment]).to.deep.equal(['sandbox', 'production']);
    });

    it('--sandbox on a production org: the wrong-org error with the sandbox login, and nothing recorded', async () => {
      const err = await failure(['--target-org', 'oncehub-api', '--sandbox']);

      expect(err.name).to.equal('ExpectedSandboxError');
      expect(err.message).to.include('You asked to connect a sandbox, but oncehub-api is logged in to a production org (Acme Inc.)');
      expect(err.message).to.include('"connected to the wrong org" trap');
      expect(err.actions?.join('\n')).to.include('sf org login web --instance-url https://test.salesforce.com --alias oncehub-sandbox');
      expect(err.actions?.join('\n')).to.include('sf oncehub connect --target-org oncehub-sandbox --sandbox');
      expect(await readConnections()).to.deep.equal({});
    });

    it('--production on a sandbox: the wrong-org error with the production login', async () => {
      const err = await failure(['--target-org', 'oncehub-uat', '--production']);

      expect(err.name).to.equal('ExpectedProductionError');
      expect(err.message).to.include('You asked to connect production, but oncehub-uat is logged in to a sandbox (Acme Inc. (UAT))');
      expect(err.actions?.join('\n')).to.include('sf org login web --instance-url https://login.salesforce.com --alias oncehub-production');
      expect(await readConnections()).to.deep.equal({});
    });
  });

  describe('--api-user', () => {
    it('passes when it names the logged-in user', async () => {
      const result = await Connect.run(['--target-org', 'oncehub-api', '--api-user', API_USER]);
      expect(result.connectedAt).to.be.a('string');
    });

    it('compares usernames case-insensitively', async () => {
      const result = await Connect.run(['--target-org', 'oncehub-api', '--api-user', 'API@Acme.Example']);
      expect(result.username).to.equal(API_USER);
      expect(result.connectedAt).to.be.a('string');
    });

    it('stops before any request when the logged-in user is someone else, naming both users', async () => {
      const err = await failure(['--target-org', 'oncehub-api', '--api-user', 'integration@acme.example']);

      expect(err.name).to.equal('ApiUserMismatchError');
      expect(err.message).to.include(`oncehub-api is logged in as ${API_USER}`);
      expect(err.message).to.include('the API user is integration@acme.example');
      expect(err.actions?.[0]).to.include('signing in as integration@acme.example: sf org login web --alias oncehub-api');
      expect(err.actions?.[1]).to.include('sf oncehub connect --target-org oncehub-api --api-user integration@acme.example');
      expect(prod.requests).to.have.length(0);
      expect(await readConnections()).to.deep.equal({});
    });
  });

  describe('state across environments', () => {
    it('keeps the sandbox record when production is reconnected', async () => {
      await Connect.run(['--target-org', 'oncehub-api']);
      await Connect.run(['--target-org', 'oncehub-uat']);
      const sandboxBefore = (await readConnections()).sandbox;
      prod.data.users = [goodUser(API_USER, { profileName: 'OnceHub Integration', modifyAllData: false })];

      const again = await Connect.run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

      const after = await readConnections();
      expect(after.sandbox).to.deep.equal(sandboxBefore);
      expect(after.production?.mode).to.equal('advanced-secure');
      expect(after.production?.connectedAt).to.equal(again.connectedAt);
    });

    it('says so when the new connection replaces another user of that environment', async () => {
      prod.data.users.push(goodUser('other@acme.example', { Id: '0055g00000OthrAAA' }));
      await Connect.run(['--target-org', 'other@acme.example']);

      await Connect.run(['--target-org', 'oncehub-api']);

      expect(ux.log.args.flat()).to.include(`This replaces the earlier production connection of other@acme.example (org ${PROD_ORG_ID}).`);
      expect((await readConnections()).production?.username).to.equal(API_USER);
    });

    it('never writes the access or refresh token to the state file', async () => {
      await Connect.run(['--target-org', 'oncehub-api']);
      await Connect.run(['--target-org', 'oncehub-uat']);

      const raw = await rawStateFile();
      expect(raw).to.be.a('string');
      const parsed = JSON.parse(raw!) as Record<string, Record<string, unknown>>;
      expect(Object.keys(parsed).sort()).to.deep.equal(['production', 'sandbox']);
      for (const secret of [prodLogin.accessToken, prodLogin.refreshToken, sandboxLogin.accessToken, sandboxLogin.refreshToken]) {
        expect(raw).to.not.include(secret);
      }
      expect(raw).to.not.match(/token|secret|password/i);
    });
  });

  describe('alias', () => {
    it('records the username when the login has no alias', async () => {
      $$.stubAliases({});
      const result = await Connect.run(['--target-org', API_USER]);
      expect(result.alias).to.equal(API_USER);
    });

    it("records the login's alias when the username was typed", async () => {
      const result = await Connect.run(['--target-org', API_USER]);
      expect(result.alias).to.equal('oncehub-api');
    });

    it('uses target-org from the config when no flag is given', async () => {
      await $$.stubConfig({ 'target-org': 'oncehub-uat' });
      const result = await Connect.run([]);
      expect(result).to.deep.include({ alias: 'oncehub-uat', environment: 'sandbox' });
    });
  });

  describe('a user whose API calls Salesforce refuses (403 API_DISABLED_FOR_ORG: no API Enabled, or an org without API)', () => {
    beforeEach(() => {
      prod.fault = apiError('API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.', 403);
    });

    it('reports api-enabled failing and skips what cannot be read, exit 1, nothing recorded', async () => {
      const result = await Connect.run(['--target-org', 'oncehub-api', '--json']);

      expect(statuses(result)).to.deep.equal({
        'user-active': 'skip',
        'user-license': 'skip',
        'user-profile': 'skip',
        'api-enabled': 'fail',
        'modify-all-data': 'skip',
      });
      const apiEnabled = result.checks.find((c) => c.id === 'api-enabled')!;
      expect(apiEnabled.message).to.include('API_DISABLED_FOR_ORG');
      expect(apiEnabled.message).to.include("the user lacks the API Enabled permission (on its profile and every permission set and group), or the org's edition has no API access");
      expect(apiEnabled.fix).to.include(`sf oncehub doctor --target-org <admin alias> --api-user ${API_USER}`);
      for (const skipped of result.checks.filter((c) => c.status === 'skip')) {
        expect(skipped.message).to.include('without API access');
        expect(skipped.message).to.include(`--api-user ${API_USER}`);
      }
      expect(result).to.deep.include({ username: API_USER, alias: 'oncehub-api', orgId: prodLogin.orgId, userId: prodLogin.userId });
      expect(process.exitCode).to.equal(1);
      expect(await readConnections()).to.deep.equal({});
    });

    it('takes the environment sf noted at login', async () => {
      sandbox.fault = prod.fault;
      const result = await Connect.run(['--target-org', 'oncehub-uat']);
      expect(result.environment).to.equal('sandbox');
      expect(String(ux.log.lastCall.args[0])).to.include('run connect again');
    });

    it('still stops on the wrong-org trap when sf noted the environment at login', async () => {
      const err = await failure(['--target-org', 'oncehub-api', '--sandbox']);
      expect(err.name).to.equal('ExpectedSandboxError');
    });

    it('takes the environment from --sandbox when sf did not note it', async () => {
      const result = await Connect.run(['--target-org', 'legacy@acme.example', '--sandbox']);
      expect(result.environment).to.equal('sandbox');
      expect(result.username).to.equal('legacy@acme.example');
    });
  });

  describe('org-level failures become errors with actions, never raw errors', () => {
    const cases: Array<{ what: string; fault: unknown; name: string; message: RegExp; action: RegExp }> = [
      {
        what: 'an expired session',
        fault: apiError('INVALID_SESSION_ID', 'Session expired or invalid', 401),
        name: 'SessionRefusedError',
        message: /refused the session of oncehub-api/,
        action: /sf org login web --alias oncehub-api/,
      },
      {
        what: 'a failed token refresh',
        fault: Object.assign(new Error('Unable to refresh session due to: expired access/refresh token'), { name: 'invalid_grant' }),
        name: 'SessionRefusedError',
        message: /expired or been revoked/,
        action: /sf org login web --alias oncehub-api/,
      },
      {
        what: 'the request limit',
        fault: apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403),
        name: 'RequestLimitExceededError',
        message: /used up its API requests/,
        action: /sf org list limits --target-org oncehub-api/,
      },
      {
        what: 'an HTML maintenance page',
        fault: '<!DOCTYPE html><html><body>Down for maintenance</body></html>',
        name: 'HtmlPageError',
        message: /web page instead of data/,
        action: /status\.salesforce\.com/,
      },
      {
        what: 'malformed JSON',
        fault: '{"compositeResponse": [',
        name: 'MalformedResponseError',
        message: /could not be read/,
        action: /Try again/,
      },
    ];
    for (const { what, fault, name, message, action } of cases) {
      it(`${what} → ${name}`, async () => {
        prod.fault = fault;

        const err = await failure(['--target-org', 'oncehub-api']);

        expect(err.name).to.equal(name);
        expect(err.message).to.match(message);
        expect(err.actions?.join('\n')).to.match(action);
        expect(err.exitCode).to.equal(1);
        expect(await readConnections()).to.deep.equal({});
      });
    }
  });

  it('escapes a username with a quote in the SOQL it sends', async () => {
    prod.data.users = [goodUser(QUOTED_USER)];

    const result = await Connect.run(['--target-org', QUOTED_USER]);

    expect(prod.soql[1]).to.include("WHERE Username = 'o\\'brien@acme.example'");
    expect(prod.soql[2]).to.include("WHERE Assignee.Username = 'o\\'brien@acme.example'");
    expect(result.connectedAt).to.be.a('string');
  });
});
