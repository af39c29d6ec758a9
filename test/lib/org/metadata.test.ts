import { type Connection, Org } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { readMetadata, updateMetadata } from '../../../src/lib/org/metadata.js';
import { readAnswer, type SoapCall, stubSoap, updateAnswer } from '../../fakes/soap.js';
import { sfLogin } from '../connection/fake-org.js';

/** What undici hands jsforce's caller for a dropped connection: the socket code only in `cause` (§4.6). */
const fetchFailed = (code: string): Error => Object.assign(new TypeError('fetch failed'), { cause: { code } });

describe('org/metadata: dropped connections', () => {
  const $$ = new TestContext();
  let conn: Connection;
  let calls: SoapCall[];

  beforeEach(async () => {
    const login = sfLogin('admin@acme.example');
    await $$.stubAuths(login);
    conn = (await Org.create({ aliasOrUsername: login.username })).getConnection('66.0');
    calls = [];
  });

  it('a readMetadata call is sent again after a drop', async () => {
    stubSoap($$.SANDBOX, (call) => {
      calls.push(call);
      if (calls.length === 1) throw fetchFailed('ECONNRESET');
      return readAnswer([{ fullName: 'Event-Event Layout', layoutSections: [] }]);
    });

    const [layout] = await readMetadata(conn, 'Layout', ['Event-Event Layout']);

    expect(layout?.fullName).to.equal('Event-Event Layout');
    expect(calls.map((c) => c.operation)).to.deep.equal(['readMetadata', 'readMetadata']);
  });

  it('an updateMetadata call is never sent twice: the drop is thrown', async () => {
    stubSoap($$.SANDBOX, (call) => {
      calls.push(call);
      if (calls.length === 1) throw fetchFailed('UND_ERR_SOCKET');
      return updateAnswer([{ fullName: 'Event-Event Layout' }]);
    });

    const err = await updateMetadata(conn, 'Layout', [{ fullName: 'Event-Event Layout' }]).then(
      () => undefined,
      (e: unknown) => e as Error
    );

    expect(err?.message).to.equal('fetch failed');
    expect(calls.map((c) => c.operation)).to.deep.equal(['updateMetadata']);
  });
});
