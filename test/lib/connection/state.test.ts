import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  type ConnectionRecord,
  forgetConnection,
  readConnections,
  recordConnection,
  recordedEnvironments,
  recordForOrg,
} from '../../../src/lib/connection/state.js';
import { connectionRecord, rawStateFile, useRealStateFile } from './state-file.js';

const record = connectionRecord;

describe('connection/state', () => {
  const $$ = new TestContext();

  beforeEach(async () => {
    await useRealStateFile($$);
  });

  it('starts empty, without a file', async () => {
    expect(await readConnections()).to.deep.equal({});
    expect(await rawStateFile()).to.be.undefined;
  });

  it('keeps one record per environment; recording again replaces only that one', async () => {
    await recordConnection(record());
    await recordConnection(record({ environment: 'sandbox', username: 'api@acme.example.uat', orgId: '00D5g000000SbxxAAA' }));
    await recordConnection(record({ username: 'new@acme.example', mode: 'advanced-secure' }));

    const { production, sandbox } = await readConnections();
    expect(production).to.deep.include({ username: 'new@acme.example', mode: 'advanced-secure' });
    expect(sandbox).to.deep.include({ username: 'api@acme.example.uat' });
  });

  it('writes only the documented keys, whatever the caller passes', async () => {
    const withExtras = { ...record(), accessToken: '00Dxx!secret', refreshToken: 'r3fr3sh' } as ConnectionRecord;
    await recordConnection(withExtras);

    const raw = (await rawStateFile())!;
    expect(raw).to.not.include('secret');
    expect(raw).to.not.include('r3fr3sh');
    expect(Object.keys((JSON.parse(raw) as { production: object }).production)).to.deep.equal([
      'environment', 'alias', 'username', 'userId', 'orgId', 'instanceUrl', 'mode', 'connectedAt',
    ]);
  });

  it('forgets one environment and returns what it forgot', async () => {
    await recordConnection(record());
    await recordConnection(record({ environment: 'sandbox' }));

    expect(await forgetConnection('sandbox')).to.deep.equal(record({ environment: 'sandbox' }));
    expect(await forgetConnection('sandbox')).to.be.undefined;
    expect(Object.keys(await readConnections())).to.deep.equal(['production']);
  });

  it('recordedEnvironments lists production first', () => {
    expect(recordedEnvironments({ sandbox: record({ environment: 'sandbox' }), production: record() })).to.deep.equal(['production', 'sandbox']);
    expect(recordedEnvironments({})).to.deep.equal([]);
  });

  it('recordForOrg matches 15- and 18-character org ids', async () => {
    await recordConnection(record());
    expect(await recordForOrg('00D5g000000Prod')).to.deep.include({ environment: 'production' });
    expect(await recordForOrg('00D5g000000ProdAAA')).to.deep.include({ environment: 'production' });
    expect(await recordForOrg('00D5g000000Other')).to.be.undefined;
  });
});
