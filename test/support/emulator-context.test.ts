import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { ADMIN_USERNAME, scenarios, SANDBOX_ADMIN_USERNAME } from '../../emulator/index.js';
import { readMetadata, updateMetadata } from '../../src/lib/org/metadata.js';
import { sendComposite } from '../../src/lib/org/requests.js';
import { emulatorContext, type EmulatorContext } from './emulator-context.js';

describe('emulatorContext: TestContext answered by the in-process emulator', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;

  beforeEach(async () => {
    ctx = await emulatorContext($$, scenarios.demo().build(), {
      username: ADMIN_USERNAME,
      alias: 'acme',
      also: [{ org: scenarios.sandboxReady().build(), username: SANDBOX_ADMIN_USERNAME, alias: 'uat' }],
    });
  });

  it('answers REST queries through the real jsforce code, logged like HTTP requests, with Sforce-Limit-Info', async () => {
    const result = await ctx.conn.query<{ Name: string }>('SELECT Name FROM Organization');

    expect(result.records.map((r) => r.Name)).to.deep.equal(['Acme Corporation']);
    const [entry] = ctx.emu.log.dataRequests();
    expect(entry).to.include({ method: 'GET', api: 'rest', status: 200, user: ADMIN_USERNAME });
    expect(entry.soql ?? entry.query).to.include('Organization');
    expect((ctx.conn.limitInfo as { apiUsage?: { used: number } }).apiUsage?.used).to.be.a('number');
  });

  it('answers Composite and Tooling requests', async () => {
    const answers = await sendComposite(ctx.conn, [{ referenceId: 'pkg', url: `/services/data/v${ctx.conn.getApiVersion()}/tooling/query?q=${encodeURIComponent('SELECT Id FROM InstalledSubscriberPackage')}` }], { tooling: true });

    expect(answers.get('pkg')?.httpStatusCode).to.equal(200);
    expect(ctx.emu.log.dataRequests().map((e) => `${e.method} ${e.api}`)).to.deep.equal(['POST tooling']);
  });

  it('answers the SOAP Metadata API calls of conn.metadata', async () => {
    const [layout] = await readMetadata(ctx.conn, 'Layout', ['Event-Event Layout']);
    expect(layout).to.include({ fullName: 'Event-Event Layout' });
    expect(ctx.emu.log.filter({ api: 'metadata' })).to.have.length(1);
    await updateMetadata(ctx.conn, 'Layout', [layout!]);
    expect(ctx.emu.log.writes()).to.have.length(1);
  });

  it('sends each login to its own emulated org', async () => {
    const uat = await ctx.connection(SANDBOX_ADMIN_USERNAME);
    const result = await uat.query<{ IsSandbox: boolean }>('SELECT IsSandbox FROM Organization');

    expect(result.records[0].IsSandbox).to.equal(true);
    expect(ctx.emu.log.dataRequests()).to.have.length(0);
    expect(ctx.emulators.get(SANDBOX_ADMIN_USERNAME)?.log.dataRequests()).to.have.length(1);
    expect((await ctx.org('uat')).getOrgId()).to.equal(ctx.emulators.get(SANDBOX_ADMIN_USERNAME)?.org.orgId);
  });

  it('raises a dropped connection as undici does: TypeError fetch failed, the socket code in cause', async () => {
    ctx.emu.faults.resetConnections({ times: 1 });
    const err = (await ctx.conn.request({ method: 'POST', url: '/services/data/v60.0/composite', body: '{}' }).catch((e: unknown) => e)) as TypeError & { cause: { code: string } };

    expect(err).to.be.instanceOf(TypeError);
    expect(err.message).to.equal('fetch failed');
    expect(err.cause.code).to.equal('ECONNRESET');
  });

  it('a closed connection carries SocketError UND_ERR_SOCKET, which jsforce does not retry even on a GET', async () => {
    ctx.emu.faults.closeConnections({ times: 1 });
    const err = (await ctx.conn.request('/services/data/v60.0/limits').catch((e: unknown) => e)) as TypeError & { cause: { code: string; message: string } };

    expect(err.message).to.equal('fetch failed');
    expect(err.cause).to.include({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
    expect(ctx.emu.log.dataRequests()).to.have.length(1);
  });

  it('keeps jsforce retrying a GET after a 503, without waiting', async () => {
    ctx.emu.faults.serverErrors({ times: 1 });
    const limits = await ctx.conn.request<Record<string, unknown>>('/services/data/v60.0/limits');

    expect(limits).to.have.property('DailyApiRequests');
    expect(ctx.emu.log.dataRequests().map((e) => e.status)).to.deep.equal([503, 200]);
  });

  it('turns an emulator fault into the HttpApiError jsforce raises', async () => {
    ctx.emu.faults.requestLimit({ times: 1 });
    const err = (await Promise.resolve(ctx.conn.query('SELECT Id FROM User')).catch((e: unknown) => e)) as Error & { errorCode: string };

    expect(err.errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
    expect(err.message).to.equal('TotalRequests Limit exceeded.');
  });

  it('refuses a request to any other host', async () => {
    const err = (await ctx.conn.request('https://example.com/x').catch((e: unknown) => e)) as Error;
    expect(err.message).to.match(/outside the emulated orgs/);
  });
});
