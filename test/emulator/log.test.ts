import { expect } from 'chai';
import { scenarios, RequestLog } from '../../emulator/index.js';
import { ADMIN, raw, useEmulator } from './helpers.js';

describe('emulator: request log', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().withPackage().build() }));

  beforeEach(() => ctx.emu.log.clear());

  it('records method, path, query, status, api, kind, user and time', async () => {
    await ctx.conn.query('SELECT Id FROM Organization');
    const [entry] = ctx.emu.log.entries;
    expect(entry).to.deep.include({ method: 'GET', path: '/services/data/v66.0/query', status: 200, kind: 'read', api: 'rest', user: ADMIN, soql: 'SELECT Id FROM Organization' });
    expect(entry.query).to.match(/^q=SELECT/);
    expect(entry.ms).to.be.a('number');
    await ctx.conn.tooling.query('SELECT Id FROM Layout');
    expect(ctx.emu.log.entries[1].api).to.equal('tooling');
  });

  it('separates sf auth/versions traffic from data requests', async () => {
    await raw(ctx.emu, '/services/data', { token: null });
    await raw(ctx.emu, '/services/oauth2/userinfo');
    await ctx.conn.identity();
    await ctx.conn.query('SELECT Id FROM Organization');
    expect(ctx.emu.log.entries.map((e) => e.api)).to.deep.equal(['other', 'auth', 'rest', 'auth', 'rest']);
    expect(ctx.emu.log.dataRequests().map((e) => e.path)).to.deep.equal(['/services/data/v66.0', '/services/data/v66.0/query']);
    expect(ctx.emu.log.count({ data: false })).to.equal(3);
    expect(RequestLog.isData('/services/data/v66.0/sobjects')).to.equal(true);
  });

  it('counts writes, including inside collections and composite, but not reads', async () => {
    await ctx.conn.query('SELECT Id FROM Account');
    await ctx.conn.sobject('Account').create({ Name: 'W1' });
    await ctx.conn.sobject('Account').create([{ Name: 'W2' }, { Name: 'W3' }]);
    await ctx.conn.request({
      method: 'POST',
      url: '/composite',
      body: JSON.stringify({ compositeRequest: [{ method: 'GET', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+Account', referenceId: 'q' }] }),
    });
    await ctx.conn.request({
      method: 'POST',
      url: '/composite',
      body: JSON.stringify({ compositeRequest: [{ method: 'PATCH', url: '/services/data/v66.0/sobjects/Account/@{q.x}', referenceId: 'u', body: {} }] }),
    });
    await ctx.conn.request({
      method: 'POST',
      url: '/composite/sobjects/Account',
      body: JSON.stringify({ ids: [], fields: ['Name'] }),
    });
    // Attempted writes count, even when a composite reference fails before the write runs.
    expect(ctx.emu.log.writes().map((e) => e.path)).to.deep.equal([
      '/services/data/v66.0/sobjects/Account',
      '/services/data/v66.0/composite/sobjects',
      '/services/data/v66.0/composite',
    ]);
    const composite = ctx.emu.log.filter({ path: '/services/data/v66.0/composite' });
    expect(composite.map((e) => e.kind)).to.deep.equal(['read', 'write']);
    expect(composite[0].subrequests).to.deep.equal([
      { method: 'GET', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+Account', status: 200, kind: 'read', soql: 'SELECT Id FROM Account' },
    ]);
  });

  it('marks a composite with a write subrequest as a write', async () => {
    await ctx.conn.request({
      method: 'POST',
      url: '/composite',
      body: JSON.stringify({ compositeRequest: [{ method: 'POST', url: '/services/data/v66.0/sobjects/Account', referenceId: 'a', body: { Name: 'C' } }] }),
    });
    expect(ctx.emu.log.writes()).to.have.length(1);
    expect(ctx.emu.log.writes()[0].subrequests?.[0]).to.deep.include({ method: 'POST', status: 201, kind: 'write' });
  });

  it('filters and counts by method, path, status and user', async () => {
    await ctx.conn.query('SELECT Id FROM Organization');
    await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Bogus+FROM+Organization');
    expect(ctx.emu.log.count({ method: 'GET', path: /\/query$/ })).to.equal(2);
    expect(ctx.emu.log.count({ status: 400 })).to.equal(1);
    expect(ctx.emu.log.filter({ status: 400 })[0].errorCode).to.equal('INVALID_FIELD');
    expect(ctx.emu.log.count({ user: 'ADMIN@acme.example' })).to.equal(2);
    expect(ctx.emu.log.queries()).to.deep.equal(['SELECT Id FROM Organization', 'SELECT Bogus FROM Organization']);
    ctx.emu.log.clear();
    expect(ctx.emu.log.count()).to.equal(0);
  });
});
