import { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { environmentFromFlags, explainOrgFlagError } from '../../../src/lib/cli/org-flags.js';
import { checkRows } from '../../../src/lib/cli/table.js';
import { assertApiUser, assertEnvironment, connect, fetchConnectFacts, retryCommand } from '../../../src/lib/connection/connect.js';
import { environmentOf, sameUsername } from '../../../src/lib/org/identity.js';
import { aliasFor, type ConnectTarget } from '../../../src/lib/org/target.js';
import { readConnections } from '../../../src/lib/connection/state.js';
import { scenarios, type OrgBuilder } from '../../../emulator/index.js';
import { emulatorContext, type EmulatorContext } from '../../support/emulator-context.js';
import { useRealStateFile } from './state-file.js';

const API_USER = 'api@acme.example';
/** An org id for the pure helpers (no org behind it). */
const PROD_ORG_ID = '00D5g000000ProdAAA';

const target = (overrides: Partial<ConnectTarget> = {}): ConnectTarget => ({
  alias: 'oncehub-api',
  username: API_USER,
  instanceUrl: 'https://acme.my.salesforce.com/',
  orgId: PROD_ORG_ID,
  userId: '0055g00000ApiUsAAA',
  ...overrides,
});

function thrown(fn: () => void): SfError {
  try {
    fn();
  } catch (err) {
    return err as SfError;
  }
  throw new Error('expected a throw');
}

describe('connection/connect', () => {
  describe('pure helpers', () => {
    it('environmentOf: IsSandbox (also scratch orgs) is a sandbox, anything else production', () => {
      expect(environmentOf({ isSandbox: true })).to.equal('sandbox');
      expect(environmentOf({ isSandbox: false })).to.equal('production');
    });

    it('environmentFromFlags', () => {
      expect(environmentFromFlags({ sandbox: true })).to.equal('sandbox');
      expect(environmentFromFlags({ production: true })).to.equal('production');
      expect(environmentFromFlags({})).to.be.undefined;
    });

    it('sameUsername ignores case only', () => {
      expect(sameUsername('API@Acme.Example', 'api@acme.example')).to.be.true;
      expect(sameUsername('api@acme.example', 'api@acme.example.uat')).to.be.false;
    });

    it('assertApiUser: no flag or the same user passes; another user throws naming both', () => {
      expect(() => assertApiUser(target(), undefined)).to.not.throw();
      expect(() => assertApiUser(target(), 'Api@Acme.example')).to.not.throw();
      const err = thrown(() => assertApiUser(target(), 'other@acme.example'));
      expect(err.name).to.equal('ApiUserMismatchError');
      expect(err.message).to.match(/api@acme\.example.*other@acme\.example/);
    });

    it('assertEnvironment: names the alias and org, and suggests the right login URL', () => {
      expect(() => assertEnvironment('sandbox', undefined, target(), 'Acme')).to.not.throw();
      expect(() => assertEnvironment('sandbox', 'sandbox', target(), 'Acme')).to.not.throw();
      const toSandbox = thrown(() => assertEnvironment('production', 'sandbox', target(), 'Acme'));
      expect(toSandbox.message).to.include('oncehub-api is logged in to a production org (Acme)');
      expect(toSandbox.actions?.[0]).to.include('--instance-url https://test.salesforce.com');
      const toProduction = thrown(() => assertEnvironment('sandbox', 'production', target(), ''));
      expect(toProduction.message).to.include(`logged in to a sandbox (${PROD_ORG_ID})`);
      expect(toProduction.actions?.[0]).to.include('--instance-url https://login.salesforce.com');
      expect(toProduction.actions?.[1]).to.include('--production');
    });

    it('checkRows: a symbol per status, and the fix under the result', () => {
      const rows = checkRows([
        { id: 'a', title: 'A', status: 'pass', message: 'ok' },
        { id: 'b', title: 'B', status: 'fail', message: 'bad', fix: 'do this' },
        { id: 'c', title: 'C', status: 'skip', message: 'not read' },
        { id: 'd', title: 'D', status: 'warn', message: 'hmm', fix: 'maybe' },
      ]);
      expect(rows).to.deep.equal([
        { status: '✓', title: 'A', result: 'ok' },
        { status: '✗', title: 'B', result: 'bad\nFix: do this' },
        { status: '○', title: 'C', result: 'not read' },
        { status: '⚠', title: 'D', result: 'hmm\nFix: maybe' },
      ]);
    });

    it('retryCommand repeats alias, environment and a non-default mode', () => {
      expect(retryCommand({ alias: 'x', environment: 'sandbox', mode: 'standard' })).to.equal(
        'sf oncehub connect --target-org x --sandbox'
      );
      expect(retryCommand({ alias: 'x', environment: 'production', mode: 'advanced-secure' })).to.equal(
        'sf oncehub connect --target-org x --production --mode advanced-secure'
      );
    });
  });

  describe('explainOrgFlagError', () => {
    // What oclif rethrows when --target-org names an org sf has no login for.
    const unknownOrg = (name: string, actions?: string[]): SfError => {
      const err = SfError.create({ name: 'NamedOrgNotFoundError', message: `No authorization information found for ${name}.`, actions });
      err.message = `Parsing --target-org \n\t${err.message}\nSee more help with --help`;
      return err;
    };

    it('turns an unknown alias into an error with the login command for it', () => {
      const err = explainOrgFlagError(unknownOrg('uat.api@acme.example')) as SfError;
      expect(err.name).to.equal('UnknownOrgError');
      expect(err.message).to.include('sf has no login for "uat.api@acme.example"');
      expect(err.actions).to.deep.equal([
        'Log in as the API user under that alias: sf org login web --alias uat.api@acme.example (add --instance-url https://test.salesforce.com for a sandbox).',
        'See the aliases and usernames sf knows: sf org list',
      ]);
    });

    it("keeps sf's own did-you-mean suggestion first", () => {
      const err = explainOrgFlagError(unknownOrg('oncehub-ap', ['It looks like you mistyped the username or alias. Did you mean "oncehub-api"?'])) as SfError;
      expect(err.actions?.[0]).to.include('Did you mean "oncehub-api"?');
      expect(err.actions).to.have.length(3);
    });

    it('explains a missing default org', () => {
      const err = explainOrgFlagError(SfError.create({ name: 'NoDefaultEnvError', message: 'No default environment found.' })) as SfError;
      expect(err.name).to.equal('NoTargetOrgError');
      expect(err.actions?.join('\n')).to.include('--target-org <alias>');
    });

    it('passes other errors through untouched', () => {
      const other = new Error('Expected --mode=x to be one of: standard, advanced-secure');
      expect(explainOrgFlagError(other)).to.equal(other);
      expect(explainOrgFlagError('text')).to.equal('text');
    });
  });

  describe('with an org', () => {
    const $$ = new TestContext();
    let ctx: EmulatorContext;
    /** The API user's own login, as connect runs it. */
    const orgTarget = (overrides: Partial<ConnectTarget> = {}): ConnectTarget =>
      target({ instanceUrl: `${ctx.emu.url}/`, orgId: ctx.emu.org.orgId, userId: String(ctx.emu.org.requireUser(API_USER).Id), ...overrides });

    const serve = async (org: OrgBuilder = scenarios.base().withApiUser(API_USER), aliases?: Record<string, string>): Promise<EmulatorContext> => {
      ctx = await emulatorContext($$, org.build(), { username: API_USER, aliases });
      return ctx;
    };

    beforeEach(async () => {
      await useRealStateFile($$);
    });

    it('fetchConnectFacts reads org and user in one request', async () => {
      await serve();
      const facts = await fetchConnectFacts(ctx.conn, orgTarget(), 'standard');
      expect(ctx.emu.log.dataRequests()).to.have.length(1);
      expect(facts).to.deep.include({ apiAccess: true });
      if (!facts.apiAccess) return;
      expect(facts.org).to.deep.include({ id: ctx.emu.org.orgId, isSandbox: false, isScratch: false, edition: 'Enterprise Edition' });
      expect(facts.user).to.deep.include({ username: API_USER, isActive: true, profileName: 'System Administrator' });
    });

    it("fetchConnectFacts: API_DISABLED_FOR_ORG on the request (REST's answer to a user without API Enabled) is a finding", async () => {
      await serve(scenarios.base().withApiUser(API_USER).apiUserWithoutApiEnabled());
      expect(await fetchConnectFacts(ctx.conn, orgTarget(), 'standard')).to.deep.equal({ apiAccess: false, errorCode: 'API_DISABLED_FOR_ORG' });
      expect(ctx.emu.log.dataRequests().map((r) => r.status)).to.deep.equal([403]);
    });

    it('fetchConnectFacts: API_CURRENTLY_DISABLED (the SOAP form) on a subrequest is the same finding', async () => {
      (await serve()).emu.faults.subrequestErrors({ url: '/query', status: 403, errorCode: 'API_CURRENTLY_DISABLED', message: 'API is disabled for this User' });
      expect(await fetchConnectFacts(ctx.conn, orgTarget(), 'standard')).to.deep.equal({ apiAccess: false, errorCode: 'API_CURRENTLY_DISABLED' });
    });

    it('fetchConnectFacts: other failures become SfErrors with actions', async () => {
      (await serve()).emu.faults.requestLimit();
      const err = await fetchConnectFacts(ctx.conn, orgTarget(), 'standard').catch((e: SfError) => e);
      expect(err).to.be.instanceOf(SfError);
      expect((err as SfError).name).to.equal('RequestLimitExceededError');
      expect((err as SfError).actions).to.have.length.greaterThan(0);
    });

    it('connect records with the given clock and trims the instance URL', async () => {
      await serve();
      const outcome = await connect(ctx.conn, orgTarget(), { mode: 'standard' }, () => new Date('2026-11-23T10:00:00Z'));
      expect(outcome.orgName).to.equal('Acme Corporation');
      expect(outcome.replaced).to.be.undefined;
      expect((await readConnections()).production).to.deep.equal({
        environment: 'production',
        alias: 'oncehub-api',
        username: API_USER,
        userId: String(ctx.emu.org.requireUser(API_USER).Id),
        orgId: ctx.emu.org.orgId,
        instanceUrl: ctx.emu.url,
        mode: 'standard',
        connectedAt: '2026-11-23T10:00:00.000Z',
      });
    });

    it('connect does not report a replacement when the same user reconnects', async () => {
      await serve();
      await connect(ctx.conn, orgTarget(), { mode: 'standard' });
      const again = await connect(ctx.conn, orgTarget(), { mode: 'advanced-secure' });
      expect(again.replaced).to.be.undefined;
      expect((await readConnections()).production?.mode).to.equal('advanced-secure');
    });

    it('aliasFor: the typed alias when it names the user, else the first alias, else the username', async () => {
      await serve(undefined, { first: API_USER, second: API_USER });
      expect(await aliasFor(API_USER, 'second')).to.equal('second');
      expect(await aliasFor(API_USER, API_USER)).to.equal('first');
      expect(await aliasFor('nobody@acme.example', undefined)).to.equal('nobody@acme.example');
    });

    it('aliasFor: the configured target-org when no flag was typed', async () => {
      await serve(undefined, { first: API_USER, second: API_USER });
      await $$.stubConfig({ 'target-org': 'second' });
      expect(await aliasFor(API_USER, undefined)).to.equal('second');
    });
  });
});
