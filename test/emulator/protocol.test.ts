import { expect } from 'chai';
import { scenarios } from '../../emulator/index.js';
import { ADMIN, connect, raw, rejection, useEmulator } from './helpers.js';

describe('emulator: protocol and authentication', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().apiUserInactive('jane.doe@acme.example').build() }));

  it('serves the versions list without authentication, up to the configured version', async () => {
    const res = await raw(ctx.emu, '/services/data', { token: null });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/json;charset=UTF-8');
    expect(res.headers.get('sforce-limit-info')).to.equal(null);
    const list = res.json as Array<{ label: string; url: string; version: string }>;
    expect(list[list.length - 1]).to.deep.equal({ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
    expect(list.find((v) => v.version === '65.0')?.label).to.equal("Winter '26");
    expect(list.find((v) => v.version === '64.0')?.label).to.equal("Summer '25");
    expect((await raw(ctx.emu, '/services/data/', { token: null })).status).to.equal(200);
  });

  it('collapses leading slashes (sf stores instance URLs with a trailing slash)', async () => {
    const res = await raw(ctx.emu, '//services/data/v66.0/query?q=SELECT+Id+FROM+Organization');
    expect(res.status).to.equal(200);
    expect((res.json as { totalSize: number }).totalSize).to.equal(1);
  });

  it('lists resources by version with an identity URL on the emulator host', async () => {
    const res = await raw(ctx.emu, '/services/data/v66.0/');
    const body = res.json as Record<string, string>;
    expect(body.sobjects).to.equal('/services/data/v66.0/sobjects');
    expect(body.tooling).to.equal('/services/data/v66.0/tooling');
    expect(body.identity).to.match(new RegExp(`^${ctx.emu.url}/id/00D\\w{15}/005\\w{15}$`));
  });

  it('answers 404 NOT_FOUND for versions above the served one and unknown paths', async () => {
    for (const path of ['/services/data/v99.0/sobjects', '/services/data/v66.0/bogus', '/nothing']) {
      const res = await raw(ctx.emu, path);
      expect(res.status, path).to.equal(404);
      expect(res.json).to.deep.equal([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    }
  });

  it('identity() works through jsforce (resources map, then the identity URL)', async () => {
    const id = await ctx.conn.identity();
    const admin = ctx.emu.org.requireUser(ADMIN);
    expect(id.user_id).to.equal(admin.Id);
    expect(id.organization_id).to.equal(ctx.emu.org.orgId);
    expect(id.username).to.equal(ADMIN);
    expect(ctx.emu.log.filter({ path: /^\/id\// }).at(-1)?.query).to.equal('format=json&oauth_token=REDACTED');
  });

  it('serves OIDC userinfo with user_id and organization_id', async () => {
    const res = await raw(ctx.emu, '/services/oauth2/userinfo');
    const body = res.json as Record<string, unknown>;
    expect(res.status).to.equal(200);
    expect(body.user_id).to.equal(ctx.emu.org.requireUser(ADMIN).Id);
    expect(body.organization_id).to.equal(ctx.emu.org.orgId);
    expect(body.preferred_username).to.equal(ADMIN);
    expect(body.sub).to.match(/\/id\/00D\w{15}\/005\w{15}$/);
    expect(body.active).to.equal(true);
  });

  it('issues tokens shaped like real session ids, bound to a user', () => {
    const token = ctx.emu.tokenFor('sam.sales@acme.example');
    expect(token).to.match(/^00D\w{12}![.\w]+$/);
    expect(token.slice(0, 15)).to.equal(ctx.emu.org.orgId.slice(0, 15));
    expect(ctx.emu.tokenFor('sam.sales@acme.example')).to.equal(token);
  });

  it('answers 401 INVALID_SESSION_ID for unknown tokens and missing auth', async () => {
    for (const token of ['00Dxx0000000001!bogus', null]) {
      const res = await raw(ctx.emu, '/services/data/v66.0/sobjects', { token });
      expect(res.status).to.equal(401);
      expect(res.json).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
  });

  it("refuses an inactive user's session (401 INVALID_SESSION_ID), also on userinfo", async () => {
    const conn = connect(ctx.emu, 'jane.doe@acme.example');
    const err = await rejection(conn.query('SELECT Id FROM Organization'));
    expect(err.errorCode).to.equal('INVALID_SESSION_ID');
    const res = await raw(ctx.emu, '/services/oauth2/userinfo', { token: ctx.emu.tokenFor('jane.doe@acme.example') });
    expect(res.status).to.equal(401);
  });

  it('refreshes a token with grant_type=refresh_token and rejects unknown refresh tokens', async () => {
    const refresh = ctx.emu.refreshTokenFor(ADMIN);
    const form = (t: string): string => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: t, client_id: 'PlatformCLI' }).toString();
    const ok = await raw(ctx.emu, '/services/oauth2/token', {
      method: 'POST',
      token: null,
      body: form(refresh),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const body = ok.json as Record<string, string>;
    expect(ok.status).to.equal(200);
    expect(body.access_token).to.match(/^00D\w{12}!/);
    expect(body.instance_url).to.equal(ctx.emu.url);
    expect(body.id).to.match(/\/id\/00D\w{15}\/005\w{15}$/);
    const check = await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization', { token: body.access_token });
    expect(check.status).to.equal(200);

    const bad = await raw(ctx.emu, '/services/oauth2/token', {
      method: 'POST',
      token: null,
      body: form('nope'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.json).to.deep.equal({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
  });

  it('accepts a JWT bearer assertion for a known active user (sf org login jwt)', async () => {
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const assertion = (sub: string): string => `${b64({ alg: 'RS256' })}.${b64({ iss: 'client', sub, aud: ctx.emu.url, exp: 9999999999 })}.c2ln`;
    const post = (sub: string): Promise<{ status: number; json: unknown }> =>
      raw(ctx.emu, '/services/oauth2/token', {
        method: 'POST',
        token: null,
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: assertion(sub) }).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    const ok = await post(ADMIN);
    expect(ok.status).to.equal(200);
    expect((ok.json as { access_token: string }).access_token).to.match(/^00D/);
    expect((await post('nobody@acme.example')).status).to.equal(400);
    expect((await post('jane.doe@acme.example')).json).to.deep.equal({ error: 'invalid_grant', error_description: 'inactive user' });
  });

  it('sends Sforce-Limit-Info on data responses, consistent with /limits', async () => {
    const res = await raw(ctx.emu, '/services/data/v66.0/limits');
    const header = res.headers.get('sforce-limit-info') ?? '';
    const [, used, max] = /api-usage=(\d+)\/(\d+)/.exec(header) ?? [];
    const limits = res.json as Record<string, { Max: number; Remaining: number }>;
    expect(limits.DailyApiRequests.Max).to.equal(Number(max));
    expect(limits.DailyApiRequests.Remaining).to.equal(Number(max) - Number(used));
    for (const v of Object.values(limits)) expect(v).to.have.keys('Max', 'Remaining');
    await ctx.conn.query('SELECT Id FROM Organization');
    expect(ctx.conn.limitInfo.apiUsage?.used).to.equal(Number(used) + 1);
  });

  it('answers 204 with an empty body for PATCH and DELETE', async () => {
    const created = await raw(ctx.emu, '/services/data/v66.0/sobjects/Account', { method: 'POST', body: { Name: 'Temp' } });
    expect(created.status).to.equal(201);
    const id = (created.json as { id: string }).id;
    const patched = await raw(ctx.emu, `/services/data/v66.0/sobjects/Account/${id}`, { method: 'PATCH', body: { Name: 'Temp 2' } });
    expect(patched.status).to.equal(204);
    expect(patched.text).to.equal('');
    const deleted = await raw(ctx.emu, `/services/data/v66.0/sobjects/Account/${id}`, { method: 'DELETE' });
    expect(deleted.status).to.equal(204);
    expect(deleted.text).to.equal('');
  });

  it('rejects malformed JSON bodies with JSON_PARSER_ERROR', async () => {
    const res = await raw(ctx.emu, '/services/data/v66.0/sobjects/Account', { method: 'POST', body: '{"Name": ' });
    expect(res.status).to.equal(400);
    expect((res.json as Array<{ errorCode: string }>)[0].errorCode).to.equal('JSON_PARSER_ERROR');
  });
});

describe('emulator: user-dependent behaviour', () => {
  const ctx = useEmulator(() => ({
    org: scenarios
      .base()
      .withPackage()
      .withUser({ username: 'noapi@acme.example', profile: 'Standard User' })
      .apiUserWithoutApiEnabled('noapi@acme.example')
      .build(),
  }));

  it('refuses data calls from a user without API Enabled like an org without API (403 API_DISABLED_FOR_ORG)', async () => {
    const err = await rejection(connect(ctx.emu, 'noapi@acme.example').query('SELECT Id FROM Organization'));
    expect(err.errorCode).to.equal('API_DISABLED_FOR_ORG');
    expect(err.message).to.equal('The REST API is not enabled for this Organization.');
    const res = await raw(ctx.emu, '/services/data/v66.0/sobjects', { token: ctx.emu.tokenFor('noapi@acme.example') });
    expect(res.status).to.equal(403);
  });

  it('hides Setup objects from a user without View Setup (INVALID_TYPE)', async () => {
    const conn = connect(ctx.emu, 'jane.doe@acme.example');
    const err = await rejection(conn.tooling.query('SELECT Id FROM InstalledSubscriberPackage'));
    expect(err.errorCode).to.equal('INVALID_TYPE');
    expect(err.message).to.contain("sObject type 'InstalledSubscriberPackage' is not supported.");
    const admin = await ctx.conn.tooling.query('SELECT Id FROM InstalledSubscriberPackage');
    expect(admin.totalSize).to.equal(1);
  });

  it('refuses PermissionSetAssignment inserts without Assign Permission Sets / Manage Users', async () => {
    const org = ctx.emu.org;
    const ps = org.records('PermissionSet').find((p) => p.Name === 'Marketing_Tools');
    // Give Jane visibility of permission sets (View Setup) but no right to assign them.
    const profile = org.get('Profile', org.requireUser('jane.doe@acme.example').ProfileId);
    org.update('Profile', String(profile?.Id), { PermissionsViewSetup: true });
    try {
      const conn = connect(ctx.emu, 'jane.doe@acme.example');
      const err = await rejection(conn.sobject('PermissionSetAssignment').create({ AssigneeId: org.requireUser('jane.doe@acme.example').Id, PermissionSetId: ps?.Id }));
      expect(err.errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
    } finally {
      org.update('Profile', String(profile?.Id), { PermissionsViewSetup: false });
    }
  });

  it('refuses Tooling Layout updates without Customize Application', async () => {
    const org = ctx.emu.org;
    const layout = org.records('Layout').find((l) => l.Name === 'Event Layout');
    const profile = org.get('Profile', org.requireUser('jane.doe@acme.example').ProfileId);
    org.update('Profile', String(profile?.Id), { PermissionsViewSetup: true });
    try {
      const conn = connect(ctx.emu, 'jane.doe@acme.example');
      const err = await rejection(conn.tooling.sobject('Layout').update({ Id: String(layout?.Id), Metadata: layout?.Metadata }));
      expect(err.errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
    } finally {
      org.update('Profile', String(profile?.Id), { PermissionsViewSetup: false });
    }
  });
});
