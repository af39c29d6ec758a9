import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import Status from '../../../src/commands/oncehub/status.js';
import { recordConnection } from '../../../src/lib/connection/state.js';
import { connectionRecord, useRealStateFile } from '../../lib/connection/state-file.js';

const production = connectionRecord({ mode: 'advanced-secure' });

type TableArg = { data: Array<Record<string, string>>; columns: Array<{ key: string; name: string }> };

describe('oncehub status', () => {
  const $$ = new TestContext();
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
  });

  it('returns both environments, null where nothing is recorded, without asking any org', async () => {
    await recordConnection(production);
    let requests = 0;
    $$.fakeConnectionRequest = () => {
      requests++;
      return Promise.resolve({});
    };

    const result = await Status.run(['--json']);

    expect(result).to.deep.equal({ production, sandbox: null });
    expect(requests).to.equal(0);
    expect(ux.table.called).to.be.false;
  });

  it('shows a row per environment, "not connected" where nothing is recorded', async () => {
    await recordConnection(production);

    await Status.run([]);

    const table = ux.table.firstCall.args[0] as TableArg;
    expect(table.columns.map((c) => c.name)).to.deep.equal(['Environment', 'Alias', 'Username', 'Org ID', 'Mode', 'Connected At']);
    expect(table.data).to.deep.equal([
      {
        environment: 'production',
        alias: 'oncehub-api',
        username: 'api@acme.example',
        orgId: '00D5g000000ProdAAA',
        mode: 'advanced-secure',
        connectedAt: '2026-11-23T10:00:00.000Z',
      },
      { environment: 'sandbox', alias: 'not connected', username: '', orgId: '', mode: '', connectedAt: '' },
    ]);
    expect(ux.log.called).to.be.false;
  });

  it('tells how to connect when nothing is recorded', async () => {
    const result = await Status.run([]);

    expect(result).to.deep.equal({ production: null, sandbox: null });
    expect((ux.table.firstCall.args[0] as TableArg).data.map((r) => r.alias)).to.deep.equal(['not connected', 'not connected']);
    expect(ux.log.args.flat()).to.deep.equal(['Connect an API user with: sf oncehub connect --target-org <alias>']);
  });
});
