/**
 * `sf oncehub connect`, `disconnect` and `status` end to end: the real sf binary with the built plugin, against the
 * org emulator. Needs `npm run build` first (npm test does it).
 */
import { expect } from 'chai';
import { ADMIN_USERNAME, type OrgBuilder, scenarios } from '../../emulator/index.js';
import { type Session, type SfResult, startSession } from './harness.js';

const STANDARD_CHECKS = ['user-active', 'user-license', 'user-profile', 'api-enabled', 'modify-all-data'];

const statuses = (run: SfResult): Record<string, string> =>
  Object.fromEntries((run.json?.result.checks as Array<{ id: string; status: string }>).map((c) => [c.id, c.status]));

/** No stack trace and no raw jsforce/Node error text in what a person sees. */
function expectCleanError(run: SfResult): void {
  expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
  expect(run.stderr).to.not.match(/TypeError|HttpApiError|ERROR_HTTP_/);
}

describe('e2e: sf oncehub connect / disconnect / status', function () {
  this.timeout(180_000);
  const sessions: Session[] = [];

  async function open(org: OrgBuilder, username = ADMIN_USERNAME, alias = 'oncehub-api'): Promise<Session> {
    const session = await startSession({ org: org.build() });
    sessions.push(session);
    await session.login(username, alias);
    session.emulator.log.clear();
    return session;
  }

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  it('connects the production API user in one request, records it without any token, and prints the checks', async () => {
    const s = await open(scenarios.base());

    const run = await s.sf(['oncehub', 'connect', '-o', 'oncehub-api', '--production', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    const admin = s.emulator.org.requireUser(ADMIN_USERNAME);
    expect(run.json?.result).to.deep.include({
      environment: 'production',
      alias: 'oncehub-api',
      username: ADMIN_USERNAME,
      userId: admin.Id,
      orgId: s.emulator.org.orgId,
      instanceUrl: s.emulator.url,
      mode: 'standard',
    });
    expect(run.json?.result.checks.map((c: { id: string }) => c.id)).to.deep.equal(STANDARD_CHECKS);
    expect(Object.values(statuses(run))).to.deep.equal(['pass', 'pass', 'pass', 'pass', 'pass']);

    const requests = s.emulator.log.dataRequests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['POST /services/data/v66.0/composite']);
    // Org, user, its permission sets (profile, sets, groups) and its own UserPermissionAccess (UserEntityAccess too
    // when sf knows the user's id; an access-token login does not record it).
    expect(requests[0].subrequests).to.have.length(4);
    expect(s.emulator.log.writes()).to.have.length(0);

    const state = s.stateFile()!;
    const { checks, ...recorded } = run.json?.result as Record<string, unknown>;
    expect(checks).to.be.an('array');
    expect(JSON.parse(state)).to.deep.equal({ production: recorded });
    for (const token of s.tokens()) expect(state).to.not.include(token);
    expect(run.stdout).to.not.include(s.tokens()[0]);

    // The same connect for a person: the header, the checks as sf renders the table, the success line.
    const human = await s.sf(['oncehub', 'connect', '-o', 'oncehub-api']);

    expect(human.exitCode, human.stderr).to.equal(0);
    expect(human.stdout).to.include(`Org:      Acme Corporation (${s.emulator.org.orgId}), production`);
    expect(human.stdout).to.include(`API user: ${ADMIN_USERNAME}, standard mode`);
    expect(human.stdout).to.match(/✓ │ API user has Modify All Data/);
    expect(human.stdout).to.include(`Connected ${ADMIN_USERNAME} as the OnceHub API user for production.`);
  });

  it('fails the checks of a user without Modify All Data, exit 1, records nothing', async () => {
    const s = await open(scenarios.base().apiUserWithoutModifyAllData());
    const apiUser = s.emulator.org.meta.apiUsername;
    await s.login(apiUser, 'no-mad');

    const json = await s.sf(['oncehub', 'connect', '-o', 'no-mad', '--json']);
    const human = await s.sf(['oncehub', 'connect', '-o', 'no-mad']);

    expect(json.exitCode).to.equal(1);
    expect(json.json?.status).to.equal(1);
    expect(statuses(json)).to.deep.include({ 'user-profile': 'fail', 'modify-all-data': 'fail', 'api-enabled': 'pass' });
    expect(json.json?.result).to.not.have.property('connectedAt');
    expect(human.exitCode).to.equal(1);
    expect(human.stdout).to.match(/✗ │ API user has Modify All Data/);
    expect(human.stdout).to.include('Fix: In Setup > Users > Profiles > Custom Admin - No MAD > Edit');
    expect(human.stdout).to.include('Not connected: fix the failed checks and run connect again: sf oncehub connect --target-org no-mad --production');
    expectCleanError(human);
    expect(s.stateFile()).to.be.undefined;
  });

  it('prints a plain table under CI=true, with the marks and the fixes still there', async () => {
    const s = await open(scenarios.base().apiUserWithoutModifyAllData());
    await s.login(s.emulator.org.meta.apiUsername, 'no-mad');

    const human = await s.sf(['oncehub', 'connect', '-o', 'no-mad'], { env: { CI: 'true' } });

    expect(human.exitCode).to.equal(1);
    expect(human.stdout).to.not.include('│');
    expect(human.stdout).to.match(/✗\s+API user has Modify All Data/);
    expect(human.stdout).to.match(/Fix: In Setup > Users > Profiles > Custom Admin - No MAD/);
  });

  it('advanced-secure: a minimal profile plus a permission set granting API Enabled, Edit Events and CRUD passes, saying where each comes from', async () => {
    const apiUser = 'api@acme.example';
    const s = await open(scenarios.base().withApiUser(apiUser, { profile: 'Standard User' }).apiUserAdvancedSecureViaPermissionSet(), apiUser, 'api');

    const run = await s.sf(['oncehub', 'connect', '-o', 'api', '--mode', 'advanced-secure', '--json']);

    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(statuses(run)).to.deep.equal({ 'user-active': 'pass', 'user-license': 'pass', 'api-enabled': 'pass', 'edit-events': 'pass', 'object-access': 'pass' });
    const message = (id: string): string => run.json?.result.checks.find((c: { id: string }) => c.id === id).message as string;
    expect(message('api-enabled')).to.equal(`${apiUser} has API Enabled, from the permission set "OnceHub API Access".`);
    expect(message('edit-events')).to.equal(`${apiUser} has Edit Events, from the permission set "OnceHub API Access".`);
    expect(message('object-access')).to.include('through the permission set "OnceHub API Access"');
    expect(s.emulator.log.dataRequests()).to.have.length(1);
    expect(JSON.parse(s.stateFile()!)).to.have.nested.property('production.username', apiUser);
  });

  it('advanced-secure: an expired assignment grants nothing, Edit Events and object access fail, exit 1, nothing recorded', async () => {
    const apiUser = 'api@acme.example';
    const s = await open(scenarios.base().withApiUser(apiUser, { profile: 'Standard User' }).apiUserAccessExpired(), apiUser, 'api');

    const run = await s.sf(['oncehub', 'connect', '-o', 'api', '--mode', 'advanced-secure', '--json']);

    expect(run.exitCode).to.equal(1);
    expect(run.json?.status).to.equal(1);
    expect(statuses(run)).to.deep.equal({ 'user-active': 'pass', 'user-license': 'pass', 'api-enabled': 'pass', 'edit-events': 'fail', 'object-access': 'fail' });
    expectCleanError(run);
    expect(s.emulator.log.dataRequests()).to.have.length(1);
    expect(s.stateFile()).to.equal(undefined);
  });

  it('keeps production and sandbox apart: wrong-org trap, both records, status and disconnect', async () => {
    const prod = await open(scenarios.base());
    // A sandbox's usernames carry the sandbox name; sf keeps one login per username.
    const sandboxUser = `${ADMIN_USERNAME}.uat`;
    const sandbox = await startSession({ org: scenarios.base({ sandbox: true }).withApiUser(sandboxUser).build() });
    sessions.push(sandbox);
    // Both logins live in the production session's sf home, as on one developer's machine.
    const login = await prod.sf(['org', 'login', 'access-token', '--instance-url', sandbox.emulator.url, '--alias', 'oncehub-uat', '--no-prompt'], {
      env: { SF_ACCESS_TOKEN: sandbox.emulator.tokenFor(sandboxUser) },
    });
    expect(login.exitCode, login.stderr).to.equal(0);

    const trap = await prod.sf(['oncehub', 'connect', '-o', 'oncehub-uat', '--production']);
    expect(trap.exitCode).to.equal(1);
    expect(trap.stderr).to.include('You asked to connect production, but oncehub-uat is logged in to a sandbox');
    expect(trap.stderr).to.include('sf org login web --instance-url https://login.salesforce.com --alias oncehub-production');
    expectCleanError(trap);
    expect(prod.stateFile()).to.be.undefined;

    expect((await prod.sf(['oncehub', 'connect', '-o', 'oncehub-api', '--production'])).exitCode).to.equal(0);
    expect((await prod.sf(['oncehub', 'connect', '-o', 'oncehub-uat', '--sandbox'])).exitCode).to.equal(0);
    const sandboxRecord = JSON.parse(prod.stateFile()!).sandbox;
    expect((await prod.sf(['oncehub', 'connect', '-o', 'oncehub-api', '--mode', 'standard'])).exitCode).to.equal(0);
    expect(JSON.parse(prod.stateFile()!).sandbox).to.deep.equal(sandboxRecord);

    expect(sandboxRecord).to.deep.include({ username: sandboxUser, orgId: sandbox.emulator.org.orgId, alias: 'oncehub-uat' });
    const status = await prod.sf(['oncehub', 'status', '--json']);
    expect(status.json?.result.production.alias).to.equal('oncehub-api');
    expect(status.json?.result.sandbox).to.deep.equal(sandboxRecord);
    const table = await prod.sf(['oncehub', 'status']);
    expect(table.stdout).to.match(/sandbox\s+│ oncehub-uat/);

    const ambiguous = await prod.sf(['oncehub', 'disconnect']);
    expect(ambiguous.exitCode).to.equal(1);
    expect(ambiguous.stderr).to.include('sf oncehub disconnect --sandbox');

    const forgot = await prod.sf(['oncehub', 'disconnect', '--sandbox', '--json']);
    expect(forgot.exitCode).to.equal(0);
    expect(forgot.json?.result).to.deep.equal({ environment: 'sandbox', forgotten: sandboxRecord });
    expect(Object.keys(JSON.parse(prod.stateFile()!))).to.deep.equal(['production']);

    const again = await prod.sf(['oncehub', 'disconnect', '--sandbox']);
    expect(again.exitCode).to.equal(0);
    expect(again.stdout).to.include('No sandbox connection was recorded.');
  });

  it('explains an unknown alias', async () => {
    const s = await open(scenarios.base());
    const run = await s.sf(['oncehub', 'connect', '-o', 'no-such-alias']);
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.include('sf has no login for "no-such-alias"');
    expect(run.stderr).to.include('sf org login web --alias no-such-alias');
    expectCleanError(run);
  });

  it('retries a transient 503 on its read-only Composite', async () => {
    const s = await open(scenarios.base());
    s.emulator.faults.serverErrors({ status: 503, times: 1 });

    const run = await s.sf(['oncehub', 'connect', '-o', 'oncehub-api', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(s.emulator.log.dataRequests().map((r) => r.status)).to.deep.equal([503, 200]);
  });

  describe('org-level failures end in a clear error, exit 1, nothing recorded', () => {
    const cases: Array<{ what: string; arm: (s: Session) => void; name: string; text: string }> = [
      { what: 'expired session', arm: (s) => s.emulator.faults.expiredSession(), name: 'SessionRefusedError', text: 'sf org login web --alias oncehub-api' },
      { what: 'request limit', arm: (s) => s.emulator.faults.requestLimit(), name: 'RequestLimitExceededError', text: 'sf org list limits' },
      { what: 'maintenance page', arm: (s) => s.emulator.faults.maintenancePage(), name: 'HtmlPageError', text: 'status.salesforce.com' },
      { what: 'malformed JSON', arm: (s) => s.emulator.faults.malformedJson(), name: 'MalformedResponseError', text: 'could not be read' },
    ];
    for (const { what, arm, name, text } of cases) {
      it(`${what} → ${name}`, async () => {
        const s = await open(scenarios.base());
        arm(s);

        const json = await s.sf(['oncehub', 'connect', '-o', 'oncehub-api', '--json']);
        const human = await s.sf(['oncehub', 'connect', '-o', 'oncehub-api']);

        expect(json.exitCode).to.equal(1);
        expect(json.json?.name, json.stdout).to.equal(name);
        expect(json.json?.actions?.length).to.be.greaterThan(0);
        expect(`${json.json?.message} ${json.json?.actions?.join(' ')}`).to.include(text);
        expect(human.exitCode).to.equal(1);
        expect(human.stderr).to.include('Try this:');
        expectCleanError(human);
        expect(s.stateFile()).to.be.undefined;
      });
    }
  });
});
