import { expect } from 'chai';
import { PERMSET_NAME, scenarios } from '../../emulator/index.js';
import { useEmulator, type Rec } from './helpers.js';

type CompositeResponse = { compositeResponse: Array<{ body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }> };
type BatchResponse = { hasErrors: boolean; results: Array<{ statusCode: number; result: unknown }> };

const V = '/services/data/v66.0';

describe('emulator: Composite', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().withPackage().build() }));

  function post<T>(url: string, body: unknown): Promise<T> {
    return ctx.conn.request<T>({ method: 'POST', url, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  }

  it('runs subrequests with @{ref.id} and @{ref.records[0].Id} references', async () => {
    const res = await post<CompositeResponse>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'GET', url: `${V}/query?q=${encodeURIComponent("SELECT Id FROM User WHERE Username = 'jane.doe@acme.example'")}`, referenceId: 'user' },
        { method: 'GET', url: `${V}/query?q=${encodeURIComponent(`SELECT Id FROM PermissionSet WHERE Name = '${PERMSET_NAME}'`)}`, referenceId: 'ps' },
        {
          method: 'POST',
          url: `${V}/sobjects/PermissionSetAssignment`,
          referenceId: 'psa',
          body: { AssigneeId: '@{user.records[0].Id}', PermissionSetId: '@{ps.records[0].Id}' },
        },
        { method: 'GET', url: `${V}/sobjects/PermissionSetAssignment/@{psa.id}?fields=AssigneeId`, referenceId: 'check' },
      ],
    });
    const [user, , psa, check] = res.compositeResponse;
    expect(user.httpStatusCode).to.equal(200);
    expect(psa.httpStatusCode).to.equal(201);
    expect(psa.httpHeaders.Location).to.match(/\/sobjects\/PermissionSetAssignment\/0Pa/);
    expect(psa.body).to.deep.include({ success: true, errors: [] });
    expect((check.body as Rec).AssigneeId).to.equal(ctx.emu.org.requireUser('jane.doe@acme.example').Id);
    const entry = ctx.emu.log.entries.at(-1);
    expect(entry?.path).to.equal(`${V}/composite`);
    expect(entry?.kind).to.equal('write');
    expect(entry?.subrequests?.map((s) => `${s.method} ${s.status}`)).to.deep.equal(['GET 200', 'GET 200', 'POST 201', 'GET 200']);
  });

  it('with allOrNone rolls back and reports PROCESSING_HALTED for the others', async () => {
    const before = ctx.emu.org.records('Account').length;
    const res = await post<CompositeResponse>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'a1', body: { Name: 'Kept?' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'a2', body: { Industry: 'Retail' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'a3', body: { Name: 'Never' } },
      ],
    });
    const [a1, a2, a3] = res.compositeResponse;
    expect(a2.httpStatusCode).to.equal(400);
    expect((a2.body as Array<{ errorCode: string }>)[0].errorCode).to.equal('REQUIRED_FIELD_MISSING');
    for (const r of [a1, a3]) {
      expect(r.httpStatusCode).to.equal(400);
      expect(r.body).to.deep.equal([
        { errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' },
      ]);
    }
    expect(ctx.emu.org.records('Account').length).to.equal(before);
  });

  it('without allOrNone keeps successes and halts subrequests whose reference failed', async () => {
    const res = await post<CompositeResponse>('/composite', {
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'bad', body: {} },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'c', body: { LastName: 'Orphan', AccountId: '@{bad.id}' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'good', body: { Name: 'Standalone' } },
      ],
    });
    const [bad, c, good] = res.compositeResponse;
    expect(bad.httpStatusCode).to.equal(400);
    expect(c.httpStatusCode).to.equal(400);
    expect((c.body as Array<{ errorCode: string; message: string }>)[0]).to.deep.include({ errorCode: 'PROCESSING_HALTED' });
    expect((c.body as Array<{ message: string }>)[0].message).to.contain('Invalid reference specified. No value for bad.id found in bad.');
    expect(good.httpStatusCode).to.equal(201);
  });

  it('enforces the 25-subrequest and 5-query/collection limits', async () => {
    const q = { method: 'GET', url: `${V}/query?q=SELECT+Id+FROM+Organization` };
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: `${V}/sobjects/Account/describe`, referenceId: `r${i}` }));
    const tooManyQueries = Array.from({ length: 6 }, (_, i) => ({ ...q, referenceId: `q${i}` }));
    for (const compositeRequest of [tooMany, tooManyQueries]) {
      const err = await ctx.conn.request({ method: 'POST', url: '/composite', body: JSON.stringify({ compositeRequest }) }).then(
        () => undefined,
        (e: { errorCode?: string }) => e
      );
      expect(err?.errorCode).to.equal('INVALID_REQUEST');
    }
    const fine = await post<CompositeResponse>('/composite', { compositeRequest: Array.from({ length: 5 }, (_, i) => ({ ...q, referenceId: `q${i}` })) });
    expect(fine.compositeResponse).to.have.length(5);
  });

  it('accepts collections and queries as subrequests and refuses Tooling URLs on /composite', async () => {
    const res = await post<CompositeResponse>('/composite', {
      compositeRequest: [
        {
          method: 'POST',
          url: `${V}/composite/sobjects`,
          referenceId: 'coll',
          body: { allOrNone: false, records: [{ attributes: { type: 'Account' }, Name: 'Via collections' }] },
        },
        { method: 'GET', url: `${V}/tooling/query?q=SELECT+Id+FROM+Layout`, referenceId: 'tool' },
      ],
    });
    expect(res.compositeResponse[0].httpStatusCode).to.equal(200);
    expect((res.compositeResponse[0].body as Array<{ success: boolean }>)[0].success).to.equal(true);
    expect(res.compositeResponse[1].httpStatusCode).to.equal(404);
  });

  it('serves /tooling/composite with Tooling subrequests', async () => {
    const res = await post<CompositeResponse>('/tooling/composite', {
      compositeRequest: [
        { method: 'GET', url: `${V}/tooling/query?q=${encodeURIComponent("SELECT Id FROM Layout WHERE Name = 'Event Layout'")}`, referenceId: 'layout' },
        { method: 'GET', url: `${V}/tooling/query?q=${encodeURIComponent('SELECT Id, Metadata FROM Layout WHERE Id = \'@{layout.records[0].Id}\'')}`, referenceId: 'md' },
        { method: 'GET', url: `${V}/tooling/query?q=SELECT+Id+FROM+InstalledSubscriberPackage`, referenceId: 'pkg' },
      ],
    });
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).to.deep.equal([200, 200, 200]);
    const md = res.compositeResponse[1].body as { entityTypeName: string; records: Rec[] };
    expect(md.entityTypeName).to.equal('Layout');
    expect(md.records[0].Metadata).to.have.property('layoutSections');
    expect(ctx.emu.log.entries.at(-1)?.api).to.equal('tooling');
    expect(ctx.emu.log.entries.at(-1)?.kind).to.equal('read');
  });

  it('runs Composite Batch, halting with 412 BATCH_PROCESSING_HALTED', async () => {
    const res = await post<BatchResponse>('/composite/batch', {
      haltOnError: true,
      batchRequests: [
        { method: 'GET', url: 'v66.0/query?q=SELECT+Id+FROM+Organization' },
        { method: 'POST', url: 'v66.0/sobjects/Account', richInput: {} },
        { method: 'GET', url: 'v66.0/sobjects/Account/describe' },
      ],
    });
    expect(res.hasErrors).to.equal(true);
    expect(res.results.map((r) => r.statusCode)).to.deep.equal([200, 400, 412]);
    expect(res.results[2].result).to.deep.equal([{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }]);
    const free = await post<BatchResponse>('/composite/batch', {
      batchRequests: [
        { method: 'POST', url: 'v66.0/sobjects/Account', richInput: {} },
        { method: 'POST', url: 'v66.0/sobjects/Account', richInput: { Name: 'Batch' } },
      ],
    });
    expect(free.results.map((r) => r.statusCode)).to.deep.equal([400, 201]);
  });

  it('counts a composite request as one API call', async () => {
    const before = ctx.emu.org.config.limits.dailyApiRequestsUsed;
    await post<CompositeResponse>('/composite', {
      compositeRequest: [
        { method: 'GET', url: `${V}/query?q=SELECT+Id+FROM+Organization`, referenceId: 'a' },
        { method: 'GET', url: `${V}/query?q=SELECT+Id+FROM+Profile`, referenceId: 'b' },
      ],
    });
    expect(ctx.emu.org.config.limits.dailyApiRequestsUsed).to.equal(before + 1);
    expect(ctx.emu.log.queries().slice(-2)).to.deep.equal(['SELECT Id FROM Organization', 'SELECT Id FROM Profile']);
  });
});
