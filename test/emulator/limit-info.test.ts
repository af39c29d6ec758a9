/**
 * The `api-usage` check reads what jsforce keeps from the `Sforce-Limit-Info: api-usage=N/M` header
 * (REST API Developer Guide, "Limit Info Header"; jsforce's Connection#request sets `limitInfo.apiUsage` on every
 * answer). Proven here through jsforce for
 * the requests the doctor sends: Composite POSTs, REST and Tooling, and the emulator's scenario at 95 % used.
 */
import { expect } from 'chai';
import { scenarios } from '../../emulator/index.js';
import { useEmulator } from './helpers.js';

const composite = (path: string) => ({
  method: 'POST' as const,
  url: path,
  body: JSON.stringify({ allOrNone: false, compositeRequest: [{ method: 'GET', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization', referenceId: 'org' }] }),
  headers: { 'content-type': 'application/json' },
});

describe('emulator: Sforce-Limit-Info as jsforce reads it', () => {
  describe('an org at 95 % of its daily API requests', () => {
    const ctx = useEmulator(() => ({ org: scenarios.nearApiLimit().build() }));

    it('a Composite POST sent with conn.request leaves used/limit on conn.limitInfo', async () => {
      expect(ctx.conn.limitInfo).to.deep.equal({});
      await ctx.conn.request(composite('/services/data/v66.0/composite'));
      const usage = ctx.conn.limitInfo.apiUsage!;
      expect(usage.limit).to.equal(15_000);
      expect(usage.used).to.be.within(14_250, 14_260);
      expect(usage.used / usage.limit).to.be.at.least(0.95);
    });

    it('so does a Tooling Composite, and each answer replaces the last', async () => {
      const before = ctx.conn.limitInfo.apiUsage!.used;
      await ctx.conn.request(composite('/services/data/v66.0/tooling/composite'));
      expect(ctx.conn.limitInfo.apiUsage!.used).to.be.at.least(before);
    });
  });
});
