import { expect } from 'chai';
import { apiUsageSeen, judgeApiUsage } from '../../../src/lib/doctor/api-usage.js';

describe('doctor/api-usage', () => {
  describe('apiUsageSeen', () => {
    it('reads what jsforce kept from the last Sforce-Limit-Info header', () => {
      expect(apiUsageSeen({ limitInfo: { apiUsage: { used: 14_250, limit: 15_000 } } })).to.deep.equal({ used: 14_250, limit: 15_000 });
    });

    it('is undefined when no answer carried the header', () => {
      expect(apiUsageSeen({ limitInfo: {} })).to.equal(undefined);
      expect(apiUsageSeen({} as never)).to.equal(undefined);
    });
  });

  describe('judgeApiUsage', () => {
    it('passes below 90 % with used / limit in the message', () => {
      const check = judgeApiUsage({ used: 118, limit: 15_000 });
      expect(check).to.include({ id: 'api-usage', status: 'pass' });
      expect(check.message).to.equal('118 of 15000 daily API requests used (0 %).');
    });

    it('warns from 90 % on, naming used / limit and a fix', () => {
      expect(judgeApiUsage({ used: 13_499, limit: 15_000 }).status).to.equal('pass');
      const check = judgeApiUsage({ used: 13_500, limit: 15_000 });
      expect(check.status).to.equal('warn');
      expect(check.message).to.match(/^13500 of 15000 daily API requests used \(90 %\)/);
      expect(check.fix).to.include('sf org list limits');
      expect(judgeApiUsage({ used: 14_250, limit: 15_000 }).message).to.include('(95 %)');
    });

    it('is skipped with the reason when no header was seen (or the limit is nonsense)', () => {
      for (const usage of [undefined, { used: 1, limit: 0 }]) {
        const check = judgeApiUsage(usage);
        expect(check.status).to.equal('skip');
        expect(check.message).to.include('Sforce-Limit-Info');
      }
    });
  });
});
