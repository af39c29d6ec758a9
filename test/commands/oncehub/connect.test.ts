import type { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import Connect, { type ConnectResult } from '../../../src/commands/oncehub/connect.js';
import { readConnections } from '../../../src/lib/connection/state.js';
import { AUDITOR_USERNAME, scenarios, SESSION_PERMSET_LABEL, type OrgBuilder } from '../../../emulator/index.js';
import { rawStateFile, useRealStateFile } from '../../lib/connection/state-file.js';
import { emulatorContext, subrequestsSent, type EmulatorContext } from '../../support/emulator-context.js';

const API_USER = 'api@acme.example';
/** A sandbox's usernames carry the sandbox name (sf keeps one login per username). */
const SANDBOX_USER = `${API_USER}.uat`;
const OTHER_USER = 'other@acme.example';
const QUOTED_USER = "o'brien@acme.example";
/** A login made before sf noted the org's environment: sfdx-core has to ask the org. */
const LEGACY_USER = 'legacy@acme.example';

const statuses = (result: { checks: Array<{ id: string; status: string }> }): Record<string, string> =>
  Object.fromEntries(result.checks.map((c) => [c.id, c.status]));

describe('oncehub connect', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;
  /** The production org: the API user and the other logins' users, all System Administrators unless a test says. */
  let prod: OrgBuilder;
  let sandbox: OrgBuilder;
  let served: Promise<EmulatorContext> | undefined;
  /** Logins a test adds (users its scenario creates). */
  let moreLogins: string[];

  /** Both orgs of this test behind sf's logins (built on first use, after the test adjusted its scenarios). */
  const ready = (): Promise<EmulatorContext> => {
    served ??= emulatorContext($$, prod.build(), {
      username: API_USER,
      alias: 'oncehub-api',
      also: [
        { org: sandbox.build(), username: SANDBOX_USER, alias: 'oncehub-uat' },
        { username: OTHER_USER },
        { username: QUOTED_USER },
        { username: LEGACY_USER, environment: 'unknown' },
        ...moreLogins.map((username) => ({ username })),
      ],
    }).then((c) => (ctx = c));
    return served;
  };
  const run = async (argv: string[]): Promise<ConnectResult> => {
    await ready();
    return Connect.run(argv);
  };
  /** Runs the command and returns the error it fails with. */
  const failure = async (argv: string[]): Promise<SfError> => {
    await ready();
    try {
      await Connect.run(argv);
    } catch (err) {
      return err as SfError;
    }
    throw new Error('connect was expected to fail');
  };
  const prodEmu = (): EmulatorContext['emu'] => ctx.emu;
  const sandboxEmu = (): EmulatorContext['emu'] => ctx.emulators.get(SANDBOX_USER)!;
  const idOf = (username: string): string => String(ctx.emulators.get(username)!.org.requireUser(username).Id);
  const soql = (): string[] => prodEmu().log.dataRequests().flatMap((e) => (e.subrequests ?? []).map((s) => s.soql ?? ''));

  beforeEach(async () => {
    const admin = { profile: 'System Administrator' };
    prod = scenarios
      .base()
      .withApiUser(API_USER)
      .withUser({ username: OTHER_USER, ...admin })
      .withUser({ username: QUOTED_USER, ...admin })
      .withUser({ username: LEGACY_USER, ...admin });
    sandbox = scenarios.base({ sandbox: true, pod: 'Sb', orgName: 'Acme Corporation (UAT)' }).withApiUser(SANDBOX_USER);
    served = undefined;
    moreLogins = [];
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('a user who meets every requirement', () => {
    it('connects in one Composite request carrying the org, user, its permission sets and its own effective access', async () => {
      const result = await run(['--target-org', 'oncehub-api']);

      const requests = prodEmu().log.dataRequests();
      expect(requests).to.have.length(1);
      expect(requests[0].method).to.equal('POST');
      expect(requests[0].path).to.match(/^\/services\/data\/v\d+\.0\/composite$/);
      expect(requests[0].kind).to.equal('read');
      const sent = soql();
      expect(sent).to.have.length(5);
      expect(sent[0]).to.match(/FROM Organization$/);
      expect(sent[1]).to.include(`FROM User WHERE Username = '${API_USER}'`);
      expect(sent[2]).to.include(
        `FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = '${API_USER}' AND (ExpirationDate = null OR ExpirationDate > `
      );
      expect(sent[3]).to.match(/FROM UserPermissionAccess$/);
      expect(sent[4]).to.include(`FROM UserEntityAccess WHERE UserId = '${idOf(API_USER)}'`);
      expect(requests[0].subrequests?.map((s) => s.status)).to.deep.equal([200, 200, 200, 200, 200]);
      expect(result).to.deep.include({
        environment: 'production',
        alias: 'oncehub-api',
        username: API_USER,
        userId: idOf(API_USER),
        orgId: prodEmu().org.orgId,
        instanceUrl: prodEmu().url,
        mode: 'standard',
      });
      expect(result.connectedAt).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(result.checks.map((c) => c.id)).to.deep.equal(['user-active', 'user-license', 'user-profile', 'api-enabled', 'modify-all-data']);
      expect(result.checks.every((c) => c.status === 'pass' && c.fix === undefined)).to.be.true;
      expect(process.exitCode ?? 0).to.equal(0);
    });

    it('records the connection for production, with exactly the documented keys', async () => {
      const result = await run(['--target-org', 'oncehub-api']);

      const { production, sandbox: sbx } = await readConnections();
      expect(sbx).to.be.undefined;
      expect(production).to.deep.equal({
        environment: 'production',
        alias: 'oncehub-api',
        username: API_USER,
        userId: idOf(API_USER),
        orgId: prodEmu().org.orgId,
        instanceUrl: prodEmu().url,
        mode: 'standard',
        connectedAt: result.connectedAt,
      });
    });

    it('prints the org and user, a table of passed checks, and the success line', async () => {
      await run(['--target-org', 'oncehub-api']);

      const lines = ux.log.args.map((a) => String(a[0] ?? ''));
      expect(lines[0]).to.equal(`Org:      Acme Corporation (${prodEmu().org.orgId}), production`);
      expect(lines[1]).to.equal(`API user: ${API_USER}, standard mode`);
      const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>>; columns: Array<{ key: string }> };
      expect(table.columns.map((c) => c.key)).to.deep.equal(['status', 'title', 'result']);
      expect(table.data.map((r) => r.status)).to.deep.equal(['✓', '✓', '✓', '✓', '✓']);
      expect(table.data[0]).to.deep.equal({ status: '✓', title: 'API user is active', result: `${API_USER} is active.` });
      expect(ux.logSuccess.args.flat()).to.deep.equal([`Connected ${API_USER} as the OnceHub API user for production.`]);
    });

    it('returns the same result under --json and prints nothing itself', async () => {
      const result = await run(['--target-org', 'oncehub-api', '--json']);

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
    // What Salesforce lets an API user look like: System Administrator is a standard profile on the Salesforce licence
    // whose Modify All Data cannot be removed, so another licence or a profile without Modify All Data also fails
    // user-profile. (An inactive user and one without API Enabled never get this far: their calls are refused, below.)
    const cases: Array<{ id: string; scenario: (b: OrgBuilder) => OrgBuilder; fails: string[]; message: RegExp; fix: RegExp }> = [
      {
        id: 'user-license',
        scenario: (b) => b.apiUserOnPlatformLicense(),
        fails: ['user-license', 'user-profile'],
        message: /"Salesforce Platform" user license/,
        fix: /User License "Salesforce"/,
      },
      { id: 'user-profile', scenario: (b) => b.apiUserOnCustomAdminProfile(), fails: ['user-profile'], message: /"Custom Admin" profile/, fix: /System Administrator/ },
      {
        id: 'modify-all-data',
        scenario: (b) => b.apiUserWithoutModifyAllData(),
        fails: ['user-profile', 'modify-all-data'],
        message: /nor any permission set or group of .* grants Modify All Data/,
        fix: /Modify All Data/,
      },
    ];
    for (const { id, scenario, fails, message, fix } of cases) {
      it(`${id}: fails with its fix, exits 1 and records nothing`, async () => {
        scenario(prod);

        const result = await run(['--target-org', 'oncehub-api']);

        const check = result.checks.find((c) => c.id === id)!;
        expect(check.status).to.equal('fail');
        expect(check.message).to.match(message);
        expect(check.fix).to.match(fix);
        expect(result.checks.filter((c) => c.status === 'fail').map((c) => c.id)).to.deep.equal(fails);
        expect(result.connectedAt).to.be.undefined;
        expect(process.exitCode).to.equal(1);
        expect(await readConnections()).to.deep.equal({});
      });
    }

    it('prints each failed check with ✗ and its fix under the result, then the failure line with the retry command', async () => {
      prod.apiUserWithoutModifyAllData();

      await run(['--target-org', 'oncehub-api', '--production']);

      const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>> };
      const failed = table.data.filter((r) => r.status === '✗');
      expect(failed.map((r) => r.title)).to.deep.equal(['API user has the System Administrator profile', 'API user has Modify All Data']);
      expect(failed[1].result).to.equal(
        `Neither the "Custom Admin - No MAD" profile nor any permission set or group of ${API_USER} grants Modify All Data.\nFix: In Setup > Users > Profiles > ` +
          `Custom Admin - No MAD > Edit, tick Administrative Permissions > Modify All Data, or assign ${API_USER} a permission set that grants it (or use --mode advanced-secure with a customised profile).`
      );
      const last = String(ux.log.lastCall.args[0]);
      expect(last).to.include('Not connected: fix the failed checks and run connect again');
      expect(last).to.include('sf oncehub connect --target-org oncehub-api --production');
      expect(ux.logSuccess.called).to.be.false;
    });

    it('still returns every check under --json with status 1', async () => {
      prod.apiUserOnPlatformLicense();

      const result = await run(['--target-org', 'oncehub-api', '--json']);

      expect(statuses(result)).to.deep.equal({
        'user-active': 'pass',
        'user-license': 'fail',
        'user-profile': 'fail',
        'api-enabled': 'pass',
        'modify-all-data': 'pass',
      });
      expect(result.checks.filter((c) => c.status === 'fail').every((c) => typeof c.fix === 'string')).to.be.true;
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 1 });
      expect(result).to.not.have.property('connectedAt');
    });

    it('keeps the earlier record of that environment when a later connect fails its checks', async () => {
      prod.apiUserOnCustomAdminProfile(OTHER_USER);
      await run(['--target-org', 'oncehub-api']);
      const before = await readConnections();

      const again = await Connect.run(['--target-org', OTHER_USER]);

      expect(again.connectedAt).to.be.undefined;
      expect(await readConnections()).to.deep.equal(before);
    });
  });

  describe('advanced-secure mode', () => {
    it('accepts a customised profile without Modify All Data that has Edit Events and object access', async () => {
      prod.apiUserAdvancedSecure();

      const result = await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

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
      prod.apiUserAdvancedSecure({ editEvents: false });

      const result = await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

      const check = result.checks.find((c) => c.id === 'edit-events')!;
      expect(check.status).to.equal('fail');
      expect(check.fix).to.include('Edit Events');
      expect(result.checks.filter((c) => c.status === 'fail').map((c) => c.id)).to.deep.equal(['edit-events']);
      expect(process.exitCode).to.equal(1);
    });

    it('fails object-access naming exactly what is missing', async () => {
      prod.apiUserAdvancedSecure({ missingObjectAccess: 'Case' });

      const result = await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure', '--json']);

      const check = result.checks.find((c) => c.id === 'object-access')!;
      expect(check.status).to.equal('fail');
      expect(check.message).to.equal(`${API_USER} lacks, across its profile, permission sets and groups: Read/Create/Edit/Delete on Case.`);
      expect(check.fix).to.include('Standard Object Permissions');
      expect(result.checks.find((c) => c.id === 'modify-all-data')).to.be.undefined;
    });
  });

  describe('effective permissions, the edges (advanced-secure, the API user checking itself in one request)', () => {
    const connectAs = async (scenario: (b: OrgBuilder) => OrgBuilder): Promise<{ result: ConnectResult; message: (id: string) => string }> => {
      scenario(prod);
      const result = await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure', '--json']);
      expect(prodEmu().log.dataRequests()).to.have.length(1);
      return { result, message: (id) => result.checks.find((c) => c.id === id)!.message };
    };

    it('an expired assignment grants nothing: Edit Events and object access fail, nothing recorded', async () => {
      const { result } = await connectAs((b) => b.apiUserAccessExpired());
      expect(statuses(result)).to.deep.equal({ 'user-active': 'pass', 'user-license': 'pass', 'api-enabled': 'pass', 'edit-events': 'fail', 'object-access': 'fail' });
      expect(process.exitCode).to.equal(1);
      expect(await readConnections()).to.deep.equal({});
    });

    it('a session-based permission set grants nothing to the API session, and the failure says so', async () => {
      const { result, message } = await connectAs((b) => b.apiUserViaSessionBasedPermissionSet());
      expect(statuses(result)).to.deep.include({ 'api-enabled': 'pass', 'edit-events': 'fail', 'object-access': 'fail' });
      expect(message('edit-events')).to.include(`the permission set "${SESSION_PERMSET_LABEL}" would grant it, but a session-based permission set grants nothing`);
      expect(process.exitCode).to.equal(1);
    });

    it('a permission set group awaiting recalculation: warnings naming it, and the connection is not recorded', async () => {
      const { result, message } = await connectAs((b) => b.apiUserViaRecalculatingGroup({ status: 'Failed' }));
      expect(statuses(result)).to.deep.include({ 'api-enabled': 'pass', 'edit-events': 'warn', 'object-access': 'warn' });
      expect(message('object-access')).to.match(/^Only the permission set group "OnceHub Integration" \(Status Failed\) would grant it/);
      expect(result.connectedAt).to.be.undefined;
      expect(process.exitCode).to.equal(1);
      expect(await readConnections()).to.deep.equal({});
    });
  });

  it('a user without Manage Users checks itself: its own session proves it is not frozen, UserLogin is not asked', async () => {
    prod.withSetupAuditor();
    moreLogins.push(AUDITOR_USERNAME);

    const result = await run(['--target-org', AUDITOR_USERNAME, '--json']);

    expect(statuses(result)['user-active']).to.equal('pass');
    expect(soql()).to.have.length(5);
    expect(soql().some((q) => q.includes('UserLogin'))).to.be.false;
  });

  describe('an API user who may not read permission sets (no View Setup and Configuration)', () => {
    it('standard mode: reports the profile checks instead of failing on the hidden profile access', async () => {
      prod.apiUserAdvancedSecure({ viewSetup: false });

      const result = await run(['--target-org', 'oncehub-api', '--json']);

      expect(statuses(result)).to.deep.include({ 'user-profile': 'fail', 'modify-all-data': 'fail', 'api-enabled': 'pass' });
      expect(prodEmu().log.dataRequests()).to.have.length(1);
      expect(process.exitCode).to.equal(1);
    });

    it('advanced-secure: reads its access from its own describes, sent in the same single request', async () => {
      prod.apiUserAdvancedSecure({ viewSetup: false });

      const result = await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

      const requests = prodEmu().log.dataRequests();
      expect(requests).to.have.length(1);
      expect(subrequestsSent(prodEmu()).map((url) => url.split('?')[0])).to.deep.equal([
        '/query', '/query', '/query', '/query', '/query', '/sobjects/Lead/describe', '/sobjects/Account/describe', '/sobjects/Contact/describe', '/sobjects/Case/describe',
      ]);
      // Its permission sets are hidden from it (400 INVALID_TYPE); the rest answers.
      expect(requests[0].subrequests?.map((s) => s.status)).to.deep.equal([200, 200, 400, 200, 200, 200, 200, 200, 200]);
      const access = result.checks.find((c) => c.id === 'object-access')!;
      expect(access).to.deep.include({ status: 'pass', message: `${API_USER} can read, create, edit and delete Leads, Accounts, Contacts and Cases.` });
      expect(result.connectedAt).to.be.a('string');
    });

    it('advanced-secure: names what its own access lacks, an object it may not read as no access at all', async () => {
      prod.apiUserAdvancedSecure({ viewSetup: false, missingObjectAccess: 'Case' });

      const result = await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure', '--json']);

      const access = result.checks.find((c) => c.id === 'object-access')!;
      expect(access.status).to.equal('fail');
      expect(access.message).to.equal(`${API_USER} lacks: Read/Create/Edit/Delete on Case.`);
      expect(access.fix).to.include('Setup > Users > Profiles > OnceHub API User - No Case > Edit');
    });
  });

  describe('environment', () => {
    it('detects a sandbox and records it as the sandbox connection', async () => {
      const result = await run(['--target-org', 'oncehub-uat']);

      expect(result.environment).to.equal('sandbox');
      expect(result.orgId).to.equal(sandboxEmu().org.orgId);
      expect(sandboxEmu().log.dataRequests()).to.have.length(1);
      expect(prodEmu().log.dataRequests()).to.have.length(0);
      expect((await readConnections()).sandbox?.username).to.equal(SANDBOX_USER);
      expect(ux.logSuccess.args.flat()).to.deep.equal([`Connected ${SANDBOX_USER} as the OnceHub API user for sandbox.`]);
    });

    it('counts a scratch org as a sandbox', async () => {
      sandbox = scenarios.base({ scratch: true, pod: 'Sb' }).withApiUser(SANDBOX_USER);

      const result = await run(['--target-org', 'oncehub-uat', '--sandbox']);

      expect(result.environment).to.equal('sandbox');
      expect((await readConnections()).sandbox).to.exist;
    });

    it('passes when --sandbox matches a sandbox and --production matches production', async () => {
      const sbx = await run(['--target-org', 'oncehub-uat', '--sandbox']);
      const prd = await run(['--target-org', 'oncehub-api', '--production']);

      expect([sbx.environment, prd.environment]).to.deep.equal(['sandbox', 'production']);
    });

    it('--sandbox on a production org: the wrong-org error with the sandbox login, and nothing recorded', async () => {
      const err = await failure(['--target-org', 'oncehub-api', '--sandbox']);

      expect(err.name).to.equal('ExpectedSandboxError');
      expect(err.message).to.include('You asked to connect a sandbox, but oncehub-api is logged in to a production org (Acme Corporation)');
      expect(err.message).to.include('"connected to the wrong org" trap');
      expect(err.actions?.join('\n')).to.include('sf org login web --instance-url https://test.salesforce.com --alias oncehub-sandbox');
      expect(err.actions?.join('\n')).to.include('sf oncehub connect --target-org oncehub-sandbox --sandbox');
      expect(await readConnections()).to.deep.equal({});
    });

    it('--production on a sandbox: the wrong-org error with the production login', async () => {
      const err = await failure(['--target-org', 'oncehub-uat', '--production']);

      expect(err.name).to.equal('ExpectedProductionError');
      expect(err.message).to.include('You asked to connect production, but oncehub-uat is logged in to a sandbox (Acme Corporation (UAT))');
      expect(err.actions?.join('\n')).to.include('sf org login web --instance-url https://login.salesforce.com --alias oncehub-production');
      expect(await readConnections()).to.deep.equal({});
    });
  });

  describe('--api-user', () => {
    it('passes when it names the logged-in user', async () => {
      const result = await run(['--target-org', 'oncehub-api', '--api-user', API_USER]);
      expect(result.connectedAt).to.be.a('string');
    });

    it('compares usernames case-insensitively', async () => {
      const result = await run(['--target-org', 'oncehub-api', '--api-user', 'API@Acme.Example']);
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
      expect(prodEmu().log.dataRequests()).to.have.length(0);
      expect(await readConnections()).to.deep.equal({});
    });
  });

  describe('state across environments', () => {
    it('keeps the sandbox record when production is reconnected', async () => {
      prod.apiUserAdvancedSecure();
      await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);
      await run(['--target-org', 'oncehub-uat']);
      const sandboxBefore = (await readConnections()).sandbox;

      const again = await run(['--target-org', 'oncehub-api', '--mode', 'advanced-secure']);

      const after = await readConnections();
      expect(after.sandbox).to.deep.equal(sandboxBefore);
      expect(after.production?.mode).to.equal('advanced-secure');
      expect(after.production?.connectedAt).to.equal(again.connectedAt);
    });

    it('says so when the new connection replaces another user of that environment', async () => {
      await run(['--target-org', OTHER_USER]);

      await run(['--target-org', 'oncehub-api']);

      expect(ux.log.args.flat()).to.include(`This replaces the earlier production connection of ${OTHER_USER} (org ${prodEmu().org.orgId}).`);
      expect((await readConnections()).production?.username).to.equal(API_USER);
    });

    it('never writes the access or refresh token to the state file', async () => {
      await run(['--target-org', 'oncehub-api']);
      await run(['--target-org', 'oncehub-uat']);

      const raw = await rawStateFile();
      expect(raw).to.be.a('string');
      const parsed = JSON.parse(raw!) as Record<string, Record<string, unknown>>;
      expect(Object.keys(parsed).sort()).to.deep.equal(['production', 'sandbox']);
      const prodLogin = ctx.logins.get(API_USER)!;
      const sandboxLogin = ctx.logins.get(SANDBOX_USER)!;
      for (const secret of [prodLogin.accessToken, prodLogin.refreshToken, sandboxLogin.accessToken, sandboxLogin.refreshToken]) {
        expect(raw).to.not.include(secret);
      }
      expect(raw).to.not.match(/token|secret|password/i);
    });
  });

  describe('alias', () => {
    it('records the username when the login has no alias', async () => {
      const result = await run(['--target-org', OTHER_USER]);
      expect(result.alias).to.equal(OTHER_USER);
    });

    it("records the login's alias when the username was typed", async () => {
      const result = await run(['--target-org', API_USER]);
      expect(result.alias).to.equal('oncehub-api');
    });

    it('uses target-org from the config when no flag is given', async () => {
      await ready();
      await $$.stubConfig({ 'target-org': 'oncehub-uat' });
      const result = await Connect.run([]);
      expect(result).to.deep.include({ alias: 'oncehub-uat', environment: 'sandbox' });
    });
  });

  describe('a user whose API calls Salesforce refuses (403 API_DISABLED_FOR_ORG: no API Enabled, or an org without API)', () => {
    const expectRefused = async (result: ConnectResult): Promise<void> => {
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
      expect(result).to.deep.include({ username: API_USER, alias: 'oncehub-api', orgId: prodEmu().org.orgId, userId: idOf(API_USER), environment: 'production' });
      expect(process.exitCode).to.equal(1);
      expect(await readConnections()).to.deep.equal({});
    };

    it('a user without API Enabled: api-enabled fails and what cannot be read is skipped, exit 1, nothing recorded', async () => {
      prod.apiUserWithoutApiEnabled();

      const result = await run(['--target-org', 'oncehub-api', '--json']);

      await expectRefused(result);
      expect(prodEmu().log.dataRequests().map((r) => `${r.status} ${r.errorCode ?? ''}`)).to.deep.equal(['403 API_DISABLED_FOR_ORG']);
    });

    it('an org without API access: the same answer, the same report', async () => {
      (await ready()).emu.faults.apiDisabledForOrg();

      await expectRefused(await Connect.run(['--target-org', 'oncehub-api', '--json']));
    });

    it('takes the environment sf noted at login', async () => {
      sandbox.apiUserWithoutApiEnabled();

      const result = await run(['--target-org', 'oncehub-uat']);

      expect(result.environment).to.equal('sandbox');
      expect(statuses(result)['api-enabled']).to.equal('fail');
      expect(String(ux.log.lastCall.args[0])).to.include('run connect again');
    });

    it('still stops on the wrong-org trap when sf noted the environment at login', async () => {
      prod.apiUserWithoutApiEnabled();
      const err = await failure(['--target-org', 'oncehub-api', '--sandbox']);
      expect(err.name).to.equal('ExpectedSandboxError');
    });

    it('takes the environment from --sandbox when sf did not note it', async () => {
      prod.apiUserWithoutApiEnabled(LEGACY_USER);

      const result = await run(['--target-org', LEGACY_USER, '--sandbox']);

      expect(result.environment).to.equal('sandbox');
      expect(result.username).to.equal(LEGACY_USER);
      expect(statuses(result)['api-enabled']).to.equal('fail');
    });
  });

  describe('org-level failures become errors with actions, never raw errors', () => {
    const cases: Array<{ what: string; arm: (c: EmulatorContext) => void; scenario?: (b: OrgBuilder) => OrgBuilder; name: string; message: RegExp; action: RegExp }> = [
      {
        what: 'an expired session whose refresh is refused',
        arm: (c) => c.emu.faults.expiredSession(),
        name: 'SessionRefusedError',
        message: /refused the session of oncehub-api: it has expired or been revoked/,
        action: /sf org login web --alias oncehub-api/,
      },
      {
        what: 'an inactive API user',
        arm: () => undefined,
        scenario: (b) => b.apiUserInactive(),
        name: 'SessionRefusedError',
        message: /refused the session of oncehub-api: .*inactive or frozen/,
        action: /--api-user api@acme\.example/,
      },
      {
        what: 'a frozen API user',
        arm: () => undefined,
        scenario: (b) => b.apiUserFrozen(),
        name: 'SessionRefusedError',
        message: /refused the session of oncehub-api: .*inactive or frozen/,
        action: /--api-user api@acme\.example/,
      },
      {
        what: 'the request limit',
        arm: (c) => c.emu.faults.requestLimit(),
        name: 'RequestLimitExceededError',
        message: /used up its API requests/,
        action: /sf org list limits --target-org oncehub-api/,
      },
      {
        what: 'an HTML maintenance page',
        arm: (c) => c.emu.faults.maintenancePage(),
        name: 'HtmlPageError',
        message: /web page instead of data/,
        action: /status\.salesforce\.com/,
      },
      {
        what: 'malformed JSON',
        arm: (c) => c.emu.faults.malformedJson(),
        name: 'MalformedResponseError',
        message: /could not be read/,
        action: /Try again/,
      },
    ];
    for (const { what, arm, scenario, name, message, action } of cases) {
      it(`${what} → ${name}`, async () => {
        scenario?.(prod);
        arm(await ready());

        const err = await failure(['--target-org', 'oncehub-api']);

        expect(err.name).to.equal(name);
        expect(err.message).to.match(message);
        expect(err.actions?.join('\n')).to.match(action);
        expect(err.exitCode).to.equal(1);
        expect(await readConnections()).to.deep.equal({});
        // A refused session: every data request was answered 401 (and the refresh, on the token endpoint, refused).
        if (name === 'SessionRefusedError') expect(prodEmu().log.dataRequests().map((r) => r.status)).to.include(401).and.not.include(200);
      });
    }

    it('retries its read-only Composite after a transient 503 and connects', async () => {
      (await ready()).emu.faults.serverErrors({ status: 503, times: 1 });

      const result = await Connect.run(['--target-org', 'oncehub-api']);

      expect(result.connectedAt).to.be.a('string');
      expect(prodEmu().log.dataRequests().map((r) => r.status)).to.deep.equal([503, 200]);
    });
  });

  it('escapes a username with a quote in the SOQL it sends', async () => {
    const result = await run(['--target-org', QUOTED_USER]);

    expect(soql()[1]).to.include("WHERE Username = 'o\\'brien@acme.example'");
    expect(soql()[2]).to.include("WHERE Assignee.Username = 'o\\'brien@acme.example'");
    expect(result.connectedAt).to.be.a('string');
  });
});
