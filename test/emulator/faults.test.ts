import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { ADMIN_USERNAME, createEmulator, PERMSET_NAME, scenarios } from '../../emulator/index.js';
import { UNKNOWN_EXCEPTION_MESSAGE } from '../../emulator/server.js';
import { ADMIN, raw, rejection, useEmulator } from './helpers.js';

describe('emulator: faults', () => {
  const ctx = useEmulator();

  afterEach(() => ctx.emu.faults.clear());

  it('latencyMs delays matching requests (the wait is injected: measured time belongs in the bench)', async () => {
    const emu = createEmulator();
    const f = emu.faults.latencyMs(120, { times: 1 });
    const waited: number[] = [];
    const wait = (ms: number): Promise<void> => {
      waited.push(ms);
      return Promise.resolve();
    };
    const request = { method: 'GET', target: '/services/data/v66.0/limits', headers: { authorization: `Bearer ${emu.tokenFor(ADMIN)}` }, body: () => Promise.resolve('') };
    const first = await emu.exchange(request, { wait });
    await emu.exchange(request, { wait });
    expect(first).to.include({ status: 200 });
    expect(waited).to.deep.equal([120]);
    expect(f.hits).to.equal(1);
    expect(emu.faults.active).to.have.length(0);
  });

  it('serverErrors: a single 503 on GET is retried by jsforce and counted', async () => {
    const f = ctx.emu.faults.serverErrors({ times: 1 });
    const res = await ctx.conn.query('SELECT Id FROM Organization');
    expect(res.totalSize).to.equal(1);
    expect(f.hits).to.equal(1);
    const statuses = ctx.emu.log.entries.slice(-2).map((e) => e.status);
    expect(statuses).to.deep.equal([503, 200]);
    expect(ctx.emu.log.entries.at(-2)?.fault).to.equal('serverError');
  });

  it('serverErrors: POST is not retried and fails fast', async () => {
    ctx.emu.faults.serverErrors({ status: 500, method: 'POST' });
    const err = await rejection(ctx.conn.sobject('Account').create({ Name: 'x' }));
    expect(err.errorCode).to.equal('SERVER_UNAVAILABLE');
  });

  it('resetConnections: the socket is destroyed and a GET is retried', async () => {
    const f = ctx.emu.faults.resetConnections({ times: 1 });
    const res = await ctx.conn.query('SELECT Id FROM Organization');
    expect(res.totalSize).to.equal(1);
    expect(f.hits).to.equal(1);
    expect(ctx.emu.log.entries.at(-2)?.fault).to.equal('resetConnection');
  });

  describe('dropped connections reach jsforce as fetch failed with the socket error in cause', () => {
    const compositeRead = (): Promise<unknown> =>
      ctx.conn.request({
        method: 'POST',
        url: '/services/data/v66.0/composite',
        body: JSON.stringify({ compositeRequest: [{ method: 'GET', referenceId: 'org', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization' }] }),
        headers: { 'content-type': 'application/json' },
      });
    /** The codes and messages along an error's cause chain. */
    const causes = (err: unknown): string[] => {
      const chain: string[] = [];
      for (let e = (err as { cause?: unknown }).cause; e; e = (e as { cause?: unknown }).cause) {
        const { code, message } = e as { code?: string; message?: string };
        chain.push(`${code ?? ''} ${message ?? ''}`.trim());
      }
      return chain;
    };
    const cases = [
      { drop: 'resetConnections', when: 'beforeAnswer', cause: /ECONNRESET/ },
      { drop: 'resetConnections', when: 'midAnswer', cause: /ECONNRESET/ },
      { drop: 'closeConnections', when: 'beforeAnswer', cause: /UND_ERR_SOCKET other side closed/ },
      { drop: 'closeConnections', when: 'midAnswer', cause: /UND_ERR_SOCKET other side closed/ },
    ] as const;
    for (const { drop, when, cause } of cases) {
      it(`${drop} ${when}: a Composite POST (never retried by jsforce) rejects with TypeError: fetch failed`, async () => {
        const f = ctx.emu.faults[drop]({ when, method: 'POST' });
        const err = await rejection(compositeRead());
        expect(err).to.be.instanceOf(TypeError);
        expect(err.message).to.equal('fetch failed');
        expect(causes(err).join(' | ')).to.match(cause);
        expect(f.hits).to.equal(1);
        const logged = ctx.emu.log.entries.at(-1);
        expect(logged?.fault).to.equal(drop === 'resetConnections' ? 'resetConnection' : 'closeConnection');
        expect(await compositeRead()).to.have.nested.property('compositeResponse[0].httpStatusCode', 200);
      });
    }

    it('midAnswer: the request was processed (a write is saved) although the answer never arrived', async () => {
      const name = `Dropped answer ${Date.now()}`;
      ctx.emu.faults.closeConnections({ when: 'midAnswer', method: 'POST' });
      const err = await rejection(ctx.conn.sobject('Account').create({ Name: name }));
      expect(err.message).to.equal('fetch failed');
      expect((await ctx.conn.query(`SELECT Id FROM Account WHERE Name = '${name}'`)).totalSize).to.equal(1);
    });

    it('beforeAnswer: the request was not processed', async () => {
      const name = `Dropped request ${Date.now()}`;
      ctx.emu.faults.resetConnections({ method: 'POST' });
      await rejection(ctx.conn.sobject('Account').create({ Name: name }));
      expect((await ctx.conn.query(`SELECT Id FROM Account WHERE Name = '${name}'`)).totalSize).to.equal(0);
    });

    it('skip lets the first matching requests through and drops the next one', async () => {
      const f = ctx.emu.faults.closeConnections({ method: 'POST', skip: 1 });
      await compositeRead();
      expect(f.hits).to.equal(0);
      await rejection(compositeRead());
      expect(f.hits).to.equal(1);
      await compositeRead();
    });
  });

  describe('cutBodies: the answer is cut off after its header block', () => {
    const ORG_QUERY = '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization';

    it('sends the whole header block with the full Content-Length and half the body, then drops the connection', async () => {
      const f = ctx.emu.faults.cutBodies();
      const res = await fetch(`${ctx.emu.url}${ORG_QUERY}`, { headers: { Authorization: `Bearer ${ctx.emu.tokenFor(ADMIN)}` } });
      expect(res.status).to.equal(200);
      const length = Number(res.headers.get('content-length'));
      expect(length).to.be.greaterThan(0);
      const err = await rejection(res.text());
      expect(err).to.be.instanceOf(TypeError);
      expect(err.message).to.equal('terminated');
      expect(f.hits).to.equal(1);
      expect(ctx.emu.log.entries.at(-1)).to.include({ fault: 'cutBody', status: 200 });
      expect((await raw(ctx.emu, ORG_QUERY)).json).to.have.property('totalSize', 1);
    });

    // jsforce as the tests load it carries scripts/patches/jsforce-body-errors.ts (test/init.ts), as the bundle does.
    it('jsforce (patched): a GET rejects with TypeError: terminated, cause UND_ERR_SOCKET, and the process survives', async () => {
      ctx.emu.faults.cutBodies({ method: 'GET' });
      const err = await rejection(ctx.conn.request({ method: 'GET', url: ORG_QUERY }, { retry: { maxRetries: 0 } }));
      expect(err).to.be.instanceOf(TypeError);
      expect(err.message).to.equal('terminated');
      expect((err.cause as { code?: string }).code).to.equal('UND_ERR_SOCKET');
    });

    it('jsforce (patched): a SOAP readMetadata rejects the same way', async () => {
      ctx.emu.faults.cutBodies({ path: '/services/Soap/m/' });
      const err = await rejection(ctx.conn.metadata.read('Layout', ['Event-Event Layout']));
      expect(err.message).to.equal('terminated');
      expect(ctx.emu.log.entries.at(-1)).to.include({ fault: 'cutBody', api: 'metadata' });
    });

    it('the request was processed: a write is saved although its answer was cut', async () => {
      const name = `Cut answer ${Date.now()}`;
      ctx.emu.faults.cutBodies({ method: 'POST' });
      const err = await rejection(ctx.conn.sobject('Account').create({ Name: name }));
      expect(err.message).to.equal('terminated');
      expect((await ctx.conn.query(`SELECT Id FROM Account WHERE Name = '${name}'`)).totalSize).to.equal(1);
    });
  });

  describe('unknownException: 500 UNKNOWN_EXCEPTION with an ErrorId (restforce/restforce#821)', () => {
    it('answers REST with the JSON error array and is not processed', async () => {
      const name = `Unknown exception ${Date.now()}`;
      const f = ctx.emu.faults.unknownException({ method: 'POST' });
      const res = await raw(ctx.emu, '/services/data/v66.0/sobjects/Account', { method: 'POST', body: { Name: name } });
      expect(res.status).to.equal(500);
      expect(res.json).to.deep.equal([{ message: UNKNOWN_EXCEPTION_MESSAGE, errorCode: 'UNKNOWN_EXCEPTION' }]);
      expect(UNKNOWN_EXCEPTION_MESSAGE).to.match(/^An unexpected error occurred\. Please include this ErrorId if you contact support: \d+-\d+ \(-\d+\)$/);
      expect(f.hits).to.equal(1);
      expect(ctx.emu.log.entries.at(-1)).to.include({ fault: 'unknownException', status: 500, errorCode: 'UNKNOWN_EXCEPTION' });
      expect((await ctx.conn.query(`SELECT Id FROM Account WHERE Name = '${name}'`)).totalSize).to.equal(0);
    });

    it('fails a whole Composite request; jsforce names it UNKNOWN_EXCEPTION', async () => {
      ctx.emu.faults.unknownException({ path: '/composite' });
      const err = await rejection(
        ctx.conn.request({
          method: 'POST',
          url: '/services/data/v66.0/composite',
          body: JSON.stringify({ compositeRequest: [{ method: 'GET', referenceId: 'org', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization' }] }),
          headers: { 'content-type': 'application/json' },
        })
      );
      expect(err.errorCode).to.equal('UNKNOWN_EXCEPTION');
      expect(err.message).to.equal(UNKNOWN_EXCEPTION_MESSAGE);
    });

    it('answers the Metadata API with a SOAP fault sf:UNKNOWN_EXCEPTION', async () => {
      ctx.emu.faults.unknownException({ path: '/services/Soap/m/' });
      const err = await rejection(ctx.conn.metadata.read('Layout', ['Event-Event Layout']));
      expect(err.name).to.equal('sf:UNKNOWN_EXCEPTION');
      expect(err.message).to.equal(`UNKNOWN_EXCEPTION: ${UNKNOWN_EXCEPTION_MESSAGE}`);
    });
  });

  it('expiredSession: 401 on data calls, token refresh refused so jsforce does not loop', async () => {
    ctx.emu.faults.expiredSession();
    const conn = new Connection({
      instanceUrl: ctx.emu.url,
      accessToken: ctx.emu.tokenFor(ADMIN),
      refreshToken: ctx.emu.refreshTokenFor(ADMIN),
      oauth2: { clientId: 'PlatformCLI', loginUrl: ctx.emu.url, redirectUri: 'http://localhost:1717/OauthRedirect' },
      version: '66.0',
    });
    const err = await rejection(conn.query('SELECT Id FROM Organization'));
    expect(err.message).to.match(/expired access\/refresh token|INVALID_SESSION_ID|Session expired/);
    expect(ctx.emu.log.count({ path: '/services/oauth2/token' })).to.be.at.most(2);
    const plain = await rejection(ctx.conn.query('SELECT Id FROM Organization'));
    expect(plain.errorCode).to.equal('INVALID_SESSION_ID');
  });

  it('expiredSession once: jsforce refreshes the token and replays the call', async () => {
    ctx.emu.faults.expiredSession({ times: 1 });
    const original = ctx.emu.tokenFor(ADMIN);
    const conn = new Connection({
      instanceUrl: ctx.emu.url,
      accessToken: original,
      refreshToken: ctx.emu.refreshTokenFor(ADMIN),
      oauth2: { clientId: 'PlatformCLI', loginUrl: ctx.emu.url, redirectUri: 'http://localhost:1717/OauthRedirect' },
      version: '66.0',
    });
    const res = await conn.query('SELECT Id FROM Organization');
    expect(res.totalSize).to.equal(1);
    expect(conn.accessToken).to.not.equal(original);
    expect(ctx.emu.log.filter({ path: '/services/oauth2/token' }).at(-1)?.status).to.equal(200);
  });

  it('requestLimit: 403 REQUEST_LIMIT_EXCEEDED, but the versions list still answers', async () => {
    ctx.emu.faults.requestLimit();
    const err = await rejection(ctx.conn.query('SELECT Id FROM Organization'));
    expect(err.errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
    expect(err.message).to.equal('TotalRequests Limit exceeded.');
    expect((await raw(ctx.emu, '/services/data', { token: null })).status).to.equal(200);
    expect((await raw(ctx.emu, '/services/oauth2/userinfo')).status).to.equal(200);
  });

  it('a real daily limit also answers REQUEST_LIMIT_EXCEEDED', async () => {
    const limits = ctx.emu.org.config.limits;
    const saved = limits.dailyApiRequestsUsed;
    limits.dailyApiRequestsUsed = limits.dailyApiRequestsMax;
    try {
      expect((await rejection(ctx.conn.query('SELECT Id FROM Organization'))).errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
    } finally {
      limits.dailyApiRequestsUsed = saved;
    }
  });

  it('apiDisabledForOrg: 403 API_DISABLED_FOR_ORG', async () => {
    ctx.emu.faults.apiDisabledForOrg();
    const err = await rejection(ctx.conn.query('SELECT Id FROM Organization'));
    expect(err.errorCode).to.equal('API_DISABLED_FOR_ORG');
    expect(err.message).to.equal('The REST API is not enabled for this Organization.');
  });

  it('errors: any REST error answer, scoped like the others, the request not processed', async () => {
    const f = ctx.emu.faults.errors({ path: '/tooling/', status: 404, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });
    const err = await rejection(ctx.conn.tooling.query('SELECT Id FROM Layout'));
    expect(err.errorCode).to.equal('NOT_FOUND');
    expect(err.message).to.equal('The requested resource does not exist');
    expect(ctx.emu.log.entries.at(-1)).to.deep.include({ status: 404, fault: 'error', errorCode: 'NOT_FOUND' });
    expect((await ctx.conn.query('SELECT Id FROM Organization')).totalSize).to.equal(1);
    expect(f.hits).to.equal(1);
  });

  it('maintenancePage: 200 text/html', async () => {
    ctx.emu.faults.maintenancePage();
    const res = await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/html/);
    expect(res.text).to.contain('Down For Maintenance');
  });

  it('malformedJson: 200 application/json with a broken body', async () => {
    ctx.emu.faults.malformedJson({ times: 1 });
    const res = await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/json;charset=UTF-8');
    expect(() => JSON.parse(res.text) as unknown).to.throw();
    expect((await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization')).json).to.have.property('totalSize', 1);
  });

  it('scopes faults by path, method, occurrences and data/auth traffic', async () => {
    const f = ctx.emu.faults.requestLimit({ path: /\/tooling\//, times: 2 });
    expect((await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization')).status).to.equal(200);
    expect((await raw(ctx.emu, '/services/data/v66.0/tooling/query?q=SELECT+Id+FROM+Layout')).status).to.equal(403);
    expect((await raw(ctx.emu, '/services/data/v66.0/tooling/query?q=SELECT+Id+FROM+Layout')).status).to.equal(403);
    expect((await raw(ctx.emu, '/services/data/v66.0/tooling/query?q=SELECT+Id+FROM+Layout')).status).to.equal(200);
    expect(f.hits).to.equal(2);
    expect(f.remaining).to.equal(0);
    const all = ctx.emu.faults.apiDisabledForOrg({ dataOnly: false });
    expect((await raw(ctx.emu, '/services/data', { token: null })).status).to.equal(403);
    all.remove();
    expect((await raw(ctx.emu, '/services/data', { token: null })).status).to.equal(200);
  });
});

describe('emulator: faults inside one answer (a subrequest, a component, another client)', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().withPackage().withTwoEventLayouts().build() }));

  afterEach(() => ctx.emu.faults.clear());

  type SubResult = { httpStatusCode: number; referenceId: string; body: unknown };
  const post = async <T>(url: string, body: unknown): Promise<T> =>
    ctx.conn.request<T>({ method: 'POST', url, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const composite = async (compositeRequest: unknown[], allOrNone = false, tooling = false): Promise<SubResult[]> =>
    (await post<{ compositeResponse: SubResult[] }>(`/services/data/v66.0${tooling ? '/tooling' : ''}/composite`, { allOrNone, compositeRequest }))
      .compositeResponse;
  const orgQuery = { method: 'GET', referenceId: 'org', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization' };
  const userQuery = { method: 'GET', referenceId: 'users', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+User' };
  const accounts = (name: string): number => ctx.emu.org.records('Account').filter((a) => a.Name === name).length;

  describe('subrequestErrors', () => {
    it('fails the matching subrequest as Salesforce writes a failed one and runs the others, every time by default', async () => {
      const f = ctx.emu.faults.subrequestErrors({ url: /FROM\+User/, errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid', status: 401 });
      for (let i = 0; i < 2; i++) {
        const [org, users] = await composite([orgQuery, userQuery]);
        expect(org).to.deep.include({ httpStatusCode: 200, referenceId: 'org' });
        expect(users).to.deep.include({ httpStatusCode: 401, referenceId: 'users' });
        expect(users.body).to.deep.equal([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
      }
      expect(f.hits).to.equal(2);
      expect(f.remaining).to.equal(Infinity);
      expect(ctx.emu.log.entries.at(-1)?.subrequests?.map((s) => [s.status, s.fault])).to.deep.equal([
        [200, undefined],
        [401, 'subrequestError'],
      ]);
    });

    it('defaults to 400, and with allOrNone rolls back the subrequests before it and halts the ones after', async () => {
      const name = `Rolled back ${Date.now()}`;
      ctx.emu.faults.subrequestErrors({ url: '/query', errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred', times: 1 });
      const [insert, failed, after] = await composite(
        [{ method: 'POST', referenceId: 'acc', url: '/services/data/v66.0/sobjects/Account', body: { Name: name } }, orgQuery, userQuery],
        true
      );
      expect(failed).to.deep.include({ httpStatusCode: 400, body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred' }] });
      expect([insert, after].map((r) => (r.body as Array<{ errorCode: string }>)[0].errorCode)).to.deep.equal(['PROCESSING_HALTED', 'PROCESSING_HALTED']);
      expect(accounts(name)).to.equal(0);
      const [, again] = await composite([orgQuery, userQuery]);
      expect(again.httpStatusCode).to.equal(200);
    });

    it('without allOrNone keeps what the other subrequests saved', async () => {
      const name = `Kept ${Date.now()}`;
      ctx.emu.faults.subrequestErrors({ url: '/query', errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.', status: 403, times: 1 });
      const [insert, failed] = await composite([{ method: 'POST', referenceId: 'acc', url: '/services/data/v66.0/sobjects/Account', body: { Name: name } }, orgQuery]);
      expect([insert.httpStatusCode, failed.httpStatusCode]).to.deep.equal([201, 403]);
      expect(accounts(name)).to.equal(1);
    });

    it('hits Tooling Composite subrequests, with skip and method', async () => {
      const f = ctx.emu.faults.subrequestErrors({ url: '/tooling/sobjects/Layout/', method: 'GET', skip: 1, errorCode: 'NOT_FOUND', message: 'The requested resource does not exist', status: 404 });
      const ids = ctx.emu.org.records('Layout').filter((l) => l.TableEnumOrId === 'Event').map((l) => String(l.Id));
      const reads = ids.map((id, i) => ({ method: 'GET', referenceId: `l${i}`, url: `/services/data/v66.0/tooling/sobjects/Layout/${id}` }));
      const res = await composite(reads, false, true);
      expect(res.map((r) => r.httpStatusCode)).to.deep.equal([200, 404]);
      expect(f.hits).to.equal(1);
    });

    it('hits Composite Batch subrequests, and haltOnError halts the rest', async () => {
      ctx.emu.faults.subrequestErrors({ url: 'FROM+Organization', errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred', status: 500, times: 1 });
      const res = await post<{ hasErrors: boolean; results: Array<{ statusCode: number; result: unknown }> }>('/services/data/v66.0/composite/batch', {
        haltOnError: true,
        batchRequests: [
          { method: 'GET', url: 'v66.0/query?q=SELECT+Id+FROM+Organization' },
          { method: 'GET', url: 'v66.0/query?q=SELECT+Id+FROM+User' },
        ],
      });
      expect(res.hasErrors).to.equal(true);
      expect(res.results.map((r) => r.statusCode)).to.deep.equal([500, 412]);
      expect(res.results[0].result).to.deep.equal([{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred' }]);
    });
  });

  type Layout = Record<string, unknown> & { fullName?: string };
  type SaveResult = { fullName: string; success: boolean; errors: Array<{ statusCode: string; message: string }> };
  const read = (names: string[]): Promise<Layout[]> => ctx.conn.metadata.read('Layout', names) as unknown as Promise<Layout[]>;
  const update = (layouts: Layout[]): Promise<SaveResult[]> => ctx.conn.metadata.update('Layout', layouts as never);
  const stored = (fullName: string): unknown => structuredClone(ctx.emu.org.records('Layout').find((l) => l.FullName === fullName)?.Metadata);
  const NAMES = ['Event-Event Layout', 'Event-Sales Event Layout'];

  describe('metadataSaveErrors', () => {
    it('refuses that component (success=false, not saved) and saves the others', async () => {
      const f = ctx.emu.faults.metadataSaveErrors({ fullName: 'Event-Sales Event Layout', statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'refused', times: 1 });
      const layouts = await read(NAMES);
      for (const l of layouts) (l.layoutSections as Array<{ label?: string }>)[0].label = 'Changed';
      const before = stored('Event-Sales Event Layout');
      const results = await update(layouts);
      expect(results.map((r) => [r.fullName, r.success])).to.deep.equal([
        ['Event-Event Layout', true],
        ['Event-Sales Event Layout', false],
      ]);
      expect(results[1].errors.map((e) => [e.statusCode, e.message])).to.deep.equal([['FIELD_INTEGRITY_EXCEPTION', 'refused']]);
      expect(stored('Event-Sales Event Layout')).to.deep.equal(before);
      expect(stored('Event-Event Layout')).to.have.nested.property('layoutSections[0].label', 'Changed');
      expect(f.hits).to.equal(1);
      expect(ctx.emu.log.entries.at(-1)).to.include({ fault: 'metadataSaveError', status: 200 });
      expect(ctx.emu.log.entries.at(-1)).to.deep.include({ operation: 'updateMetadata', components: NAMES });
      expect((await update(layouts)).map((r) => r.success)).to.deep.equal([true, true]);
    });

    it('matches the full name exactly as stored, and has a default code', async () => {
      ctx.emu.faults.metadataSaveErrors({ fullName: 'Event-Event Layout' });
      const [layout] = await read(['Event-Event Layout']);
      const [once] = await update([layout]);
      const [twice] = await update([layout]);
      expect([once.success, twice.success]).to.deep.equal([false, false]);
      expect(once.errors.map((e) => [e.statusCode, e.message])).to.deep.equal([['INSUFFICIENT_ACCESS', 'insufficient access rights on object id']]);
      ctx.emu.faults.clear();
      ctx.emu.faults.metadataSaveErrors({ fullName: 'Event-event layout' });
      expect((await update([layout]))[0].success).to.equal(true);
    });
  });

  describe('emptyReads', () => {
    it('answers that component as a name the API cannot serve (no content), the others as usual', async () => {
      const f = ctx.emu.faults.emptyReads({ fullName: 'Event-Event Layout', times: 1 });
      const [empty, sales] = await read(NAMES);
      expect(empty.fullName).to.equal(undefined);
      expect(sales.fullName).to.equal('Event-Sales Event Layout');
      expect(f.hits).to.equal(1);
      expect(ctx.emu.log.entries.at(-1)).to.include({ fault: 'emptyRead', status: 200 });
      expect((await read(NAMES)).map((l) => l.fullName)).to.deep.equal(NAMES);
    });
  });

  describe('concurrentChange', () => {
    it('applies another client\'s change just before the matching request: the insert meets DUPLICATE_VALUE', async () => {
      const { org } = ctx.emu;
      const admin = org.requireUser(ADMIN_USERNAME);
      const ps = org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME);
      const assignment = { AssigneeId: admin.Id, PermissionSetId: ps?.Id };
      const f = ctx.emu.faults.concurrentChange({ path: '/composite/sobjects', method: 'POST', change: (o) => o.insert('PermissionSetAssignment', assignment) });
      await ctx.conn.query('SELECT Id FROM PermissionSetAssignment');
      expect(f.hits).to.equal(0);
      const [result] = await post<Array<{ success: boolean; errors: Array<{ statusCode: string }> }>>('/services/data/v66.0/composite/sobjects', {
        allOrNone: false,
        records: [{ attributes: { type: 'PermissionSetAssignment' }, ...assignment }],
      });
      expect(result.success).to.equal(false);
      expect(result.errors[0].statusCode).to.equal('DUPLICATE_VALUE');
      expect(f.hits).to.equal(1);
      expect(ctx.emu.faults.active).to.have.length(0);
      expect(org.where('PermissionSetAssignment', (a) => a.AssigneeId === admin.Id && a.PermissionSetId === ps?.Id)).to.have.length(1);
    });
  });
});
