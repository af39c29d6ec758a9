import { AuthInfo, Connection } from '@salesforce/core';
import { expect } from 'chai';
import sinon from 'sinon';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { UNKNOWN_EXCEPTION_MESSAGE } from '../../../emulator/server.js';
import { readMetadata, updateMetadata } from '../../../src/lib/org/metadata.js';
import {
  dataPath,
  describeRequest,
  expectObject,
  getRequest,
  isTransientFailure,
  OrgApiError,
  planComposites,
  queryAll,
  queryRequest,
  READ_RETRIES,
  readResource,
  readRetries,
  sendComposite,
  sendWrite,
  type SubRequest,
  subBody,
  subQuery,
  type SubResponse,
  writeInFlight,
} from '../../../src/lib/org/requests.js';
import { toSfError } from '../../../src/lib/org/errors.js';

const queries = (n: number, prefix = 'q'): SubRequest[] =>
  Array.from({ length: n }, (_, i) => ({ referenceId: `${prefix}${i}`, url: `/services/data/v66.0/query?q=SELECT+Id+FROM+User+${i}` }));
const describes = (n: number): SubRequest[] =>
  Array.from({ length: n }, (_, i) => ({ referenceId: `d${i}`, url: `/services/data/v66.0/sobjects/Obj${i}__c/describe` }));

/** Catches what a promise rejects with. */
const rejection = async (promise: Promise<unknown>): Promise<OrgApiError & { errorCode: string }> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as OrgApiError
  );

describe('org/requests', () => {
  describe('planComposites', () => {
    it('keeps up to 25 subrequests in one Composite', () => {
      expect(planComposites(describes(25)).map((g) => g.length)).to.deep.equal([25]);
      expect(planComposites(describes(30)).map((g) => g.length)).to.deep.equal([25, 5]);
      expect(planComposites(describes(51)).map((g) => g.length)).to.deep.equal([25, 25, 1]);
    });

    it('puts at most 5 queries in one Composite, keeping the order', () => {
      const groups = planComposites(queries(12));
      expect(groups.map((g) => g.length)).to.deep.equal([5, 5, 2]);
      expect(groups.flat().map((s) => s.referenceId)).to.deep.equal(queries(12).map((s) => s.referenceId));
    });

    it('counts queries, queryAll and collections, not describes or record reads', () => {
      const mixed: SubRequest[] = [
        ...queries(4),
        { referenceId: 'all', url: '/services/data/v66.0/queryAll?q=SELECT+Id+FROM+Event' },
        ...describes(3),
        { referenceId: 'rec', url: '/services/data/v66.0/sobjects/User/005x' },
        { referenceId: 'col', method: 'POST', url: '/services/data/v66.0/composite/sobjects', body: { records: [] } },
      ];
      expect(planComposites(mixed).map((g) => g.map((s) => s.referenceId))).to.deep.equal([
        ['q0', 'q1', 'q2', 'q3', 'all', 'd0', 'd1', 'd2', 'rec'],
        ['col'],
      ]);
    });

    it('plans nothing for no subrequests', () => {
      expect(planComposites([])).to.deep.equal([]);
    });
  });

  describe('expectObject', () => {
    it('returns a JSON object as it is', () => {
      const answer = { records: [] };
      expect(expectObject(answer, 'a query')).to.equal(answer);
    });

    it('recognises an HTML page handed back as a string', () => {
      for (const page of ['<!DOCTYPE html><html></html>', '  <html><body>Maintenance</body></html>', '<HTML>']) {
        expect(() => expectObject(page, 'a query')).to.throw(OrgApiError).with.property('errorCode', 'HTML_RESPONSE');
      }
    });

    it('recognises broken JSON and other non-objects', () => {
      for (const answer of ['{"records": [', 'OK', 42, undefined, null]) {
        expect(() => expectObject(answer, 'a query')).to.throw(OrgApiError).with.property('errorCode', 'MALFORMED_RESPONSE');
      }
    });
  });

  describe('subBody and subError', () => {
    const answers = new Map<string, SubResponse>([
      ['ok', { referenceId: 'ok', httpStatusCode: 200, body: { totalSize: 0, done: true, records: [] } }],
      ['bad', { referenceId: 'bad', httpStatusCode: 400, body: [{ errorCode: 'INVALID_TYPE', message: "sObject type 'X' is not supported." }] }],
      ['gone', { referenceId: 'gone', httpStatusCode: 404, body: null }],
      ['html', { referenceId: 'html', httpStatusCode: 200, body: '<html></html>' }],
    ]);

    it('returns the body of a successful subrequest', () => {
      expect(subBody(answers, 'ok')).to.deep.equal({ totalSize: 0, done: true, records: [] });
    });

    it("throws a failed subrequest's own error code, message and status", () => {
      expect(() => subBody(answers, 'bad'))
        .to.throw(OrgApiError, "sObject type 'X' is not supported.")
        .that.deep.includes({ errorCode: 'INVALID_TYPE', status: 400 });
      expect(() => subBody(answers, 'gone')).to.throw(OrgApiError).with.property('errorCode', 'ERROR_HTTP_404');
    });

    it('throws for a missing answer or a non-JSON body', () => {
      expect(() => subBody(answers, 'nope')).to.throw(OrgApiError).with.property('errorCode', 'MALFORMED_RESPONSE');
      expect(() => subBody(answers, 'html')).to.throw(OrgApiError).with.property('errorCode', 'HTML_RESPONSE');
    });
  });

  describe('readRetries: the test-only override of the first delay', () => {
    const saved = process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS;
    afterEach(() => {
      process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS = saved;
    });

    it('is 0.2, 0.4, 0.8 s without ONCEHUB_RETRY_MIN_TIMEOUT_MS, and the given first delay with it', () => {
      delete process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS;
      expect(readRetries()).to.deep.equal({ retries: 3, minTimeout: 200, factor: 2 });
      process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS = '5';
      expect(readRetries()).to.deep.equal({ retries: 3, minTimeout: 5, factor: 2 });
      process.env.ONCEHUB_RETRY_MIN_TIMEOUT_MS = 'soon';
      expect(readRetries().minTimeout).to.equal(200);
    });
  });

  // Against the emulator over HTTP (jsforce as the bundle ships it: test/init.ts applies scripts/patches/), odd answers
  // injected with its faults. Retries wait 0 ms here (ONCEHUB_RETRY_MIN_TIMEOUT_MS, test/init.ts).
  describe('with the emulator', () => {
    let emu: Emulator;
    let conn: Connection;
    const ORG = 'SELECT Id FROM Organization';

    before(async () => {
      emu = await startEmulator();
      const authInfo = await AuthInfo.create({
        accessTokenOptions: { accessToken: emu.tokenFor('admin@acme.example'), instanceUrl: emu.url, loginUrl: emu.url },
      });
      conn = await Connection.create({ authInfo });
      conn.setApiVersion('66.0');
    });
    after(async () => emu.stop());
    beforeEach(() => emu.log.clear());
    afterEach(() => {
      emu.faults.clear();
      sinon.restore();
    });

    const orgQueries = (n: number): SubRequest[] => Array.from({ length: n }, (_, i) => queryRequest(conn, `q${i}`, `${ORG} LIMIT ${i + 1}`));
    /** The data requests the emulator received: method, path and status. */
    const log = (): string[] => emu.log.dataRequests().map((e) => `${e.method} ${e.path} ${e.status}${e.fault ? ` ${e.fault}` : ''}`);
    const COMPOSITE = '/services/data/v66.0/composite';

    it('builds versioned REST and Tooling URLs, encoding the SOQL', () => {
      expect(queryRequest(conn, 'r', "SELECT Id FROM User WHERE Username = 'a b'").url).to.equal(
        "/services/data/v66.0/query?q=SELECT%20Id%20FROM%20User%20WHERE%20Username%20%3D%20'a%20b'"
      );
      expect(queryRequest(conn, 'r', 'SELECT Id FROM Layout', true).url).to.equal('/services/data/v66.0/tooling/query?q=SELECT%20Id%20FROM%20Layout');
      expect(describeRequest(conn, 'r', 'Lead').url).to.equal('/services/data/v66.0/sobjects/Lead/describe');
      expect(getRequest(conn, 'r', '/sobjects/Layout/00h1', true).url).to.equal('/services/data/v66.0/tooling/sobjects/Layout/00h1');
    });

    it('sends one POST to /composite for queries and describes, and answers by referenceId', async () => {
      const answers = await sendComposite(conn, [...orgQueries(2), describeRequest(conn, 'd0', 'Lead')]);
      expect(log()).to.deep.equal([`POST ${COMPOSITE} 200`]);
      expect(emu.log.dataRequests()[0].subrequests?.map((s) => s.method)).to.deep.equal(['GET', 'GET', 'GET']);
      expect([...answers.keys()]).to.deep.equal(['q0', 'q1', 'd0']);
      expect(subBody<{ name: string }>(answers, 'd0').name).to.equal('Lead');
    });

    it('sends Tooling subrequests to /tooling/composite', async () => {
      await sendComposite(conn, [queryRequest(conn, 't', 'SELECT Id FROM Layout', true)], { tooling: true, allOrNone: true });
      expect(log()).to.deep.equal(['POST /services/data/v66.0/tooling/composite 200']);
    });

    it('splits by the query limit and merges every answer', async () => {
      const answers = await sendComposite(conn, orgQueries(7));
      expect(log()).to.have.length(2);
      expect(answers.size).to.equal(7);
    });

    const transient = {
      'a 503 SERVER_UNAVAILABLE': () => emu.faults.serverErrors({ path: COMPOSITE }),
      'a 502 without a JSON body code of its own': () => emu.faults.serverErrors({ path: COMPOSITE, status: 502 }),
      'a 500 UNKNOWN_EXCEPTION': () => emu.faults.unknownException({ path: COMPOSITE }),
      'a reset before the answer': () => emu.faults.resetConnections({ path: COMPOSITE }),
      'a reset mid-answer': () => emu.faults.resetConnections({ path: COMPOSITE, when: 'midAnswer' }),
      'a close by the other side': () => emu.faults.closeConnections({ path: COMPOSITE }),
      'an answer cut off mid-body': () => emu.faults.cutBodies({ path: COMPOSITE }),
    };
    for (const [what, arm] of Object.entries(transient)) {
      it(`retries a read-only Composite after ${what}`, async () => {
        const fault = arm();
        const answers = await sendComposite(conn, orgQueries(1));
        expect(fault.hits).to.equal(1);
        expect(log()).to.have.length(2);
        expect(log()[1]).to.equal(`POST ${COMPOSITE} 200`);
        expect(subBody(answers, 'q0')).to.have.property('totalSize', 1);
      });
    }

    it('gives up after 3 retries and throws the last failure', async () => {
      emu.faults.serverErrors({ path: COMPOSITE, times: 10 });
      const err = await rejection(sendComposite(conn, orgQueries(1)));
      expect(err.errorCode).to.equal('SERVER_UNAVAILABLE');
      expect(log()).to.have.length(1 + READ_RETRIES.retries);
    });

    it('each Composite of a read survives its own drop', async () => {
      // Requests 1, 3 and 5 are the first try of each Composite (skip counts every matching request, retries included).
      for (const skip of [0, 2, 4]) emu.faults.cutBodies({ path: COMPOSITE, skip });
      const answers = await sendComposite(conn, orgQueries(12));
      expect(log().map((l) => l.split(' ').slice(2).join(' '))).to.deep.equal(['200 cutBody', '200', '200 cutBody', '200', '200 cutBody', '200']);
      expect(answers.size).to.equal(12);
    });

    it('does not retry a refusal', async () => {
      emu.faults.requestLimit({ path: COMPOSITE });
      const err = await rejection(sendComposite(conn, orgQueries(1)));
      expect(err.errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
      expect(log()).to.have.length(1);
    });

    it('turns an HTML page or broken JSON into errors', async () => {
      emu.faults.maintenancePage({ path: COMPOSITE, times: 1 });
      expect((await rejection(sendComposite(conn, orgQueries(1)))).errorCode).to.equal('HTML_RESPONSE');
      emu.faults.malformedJson({ path: COMPOSITE, times: 1 });
      expect((await rejection(sendComposite(conn, orgQueries(1)))).errorCode).to.equal('MALFORMED_RESPONSE');
    });

    it('reads query-more pages by the same retry rule, with jsforce\'s own GET retries off', async () => {
      const paged = await startEmulator({ batchSize: 2 });
      try {
        const authInfo = await AuthInfo.create({ accessTokenOptions: { accessToken: paged.tokenFor('admin@acme.example'), instanceUrl: paged.url, loginUrl: paged.url } });
        const pagedConn = await Connection.create({ authInfo });
        pagedConn.setApiVersion('66.0');
        const total = (await queryAll(pagedConn, 'SELECT Id FROM User')).length;
        paged.log.clear();
        const spy = sinon.spy(pagedConn, 'request');
        paged.faults.cutBodies({ path: '/query/' });
        const records = await queryAll(pagedConn, 'SELECT Id FROM User');
        expect(records).to.have.length(total);
        expect(total).to.be.greaterThan(2);
        expect(paged.log.dataRequests().filter((e) => e.fault === 'cutBody')).to.have.length(1);
        expect(spy.firstCall.args[1]).to.deep.equal({ retry: { maxRetries: 0 } });
        // A Composite answers one page too; subQuery reads the others the same way.
        const answers = await sendComposite(pagedConn, [queryRequest(pagedConn, 'users', 'SELECT Id FROM User')]);
        expect((await subQuery(pagedConn, answers, 'users')).records).to.have.length(total);
      } finally {
        await paged.stop();
      }
    });

    it('queryAll turns an HTML page into an error', async () => {
      emu.faults.maintenancePage({ path: '/query', times: 1 });
      expect((await rejection(queryAll(conn, ORG))).errorCode).to.equal('HTML_RESPONSE');
    });

    it('retries a GET of one resource after a cut body', async () => {
      emu.faults.cutBodies({ path: '/sobjects/Lead/describe' });
      const answer = await readResource(conn, '/services/data/v66.0/sobjects/Lead/describe');
      expect(answer).to.have.property('name', 'Lead');
      expect(log()).to.deep.equal(['GET /services/data/v66.0/sobjects/Lead/describe 200 cutBody', 'GET /services/data/v66.0/sobjects/Lead/describe 200']);
    });

    it('retries a SOAP readMetadata after a cut body or a 500 sf:UNKNOWN_EXCEPTION', async () => {
      emu.faults.cutBodies({ path: '/services/Soap/m/' });
      emu.faults.unknownException({ path: '/services/Soap/m/', skip: 1 });
      const [layout] = await readMetadata(conn, 'Layout', ['Event-Event Layout']);
      expect(layout?.fullName).to.equal('Event-Event Layout');
      expect(emu.log.dataRequests().map((e) => e.fault ?? e.status)).to.deep.equal(['cutBody', 'unknownException', 200]);
    });

    describe('writes are sent once', () => {
      const insert = (name: string): SubRequest => ({ referenceId: 'w', method: 'POST', url: dataPath(conn, '/sobjects/Account'), body: { Name: name } });
      const accounts = async (name: string): Promise<number> => (await queryAll(conn, `SELECT Id FROM Account WHERE Name = '${name}'`)).length;

      it('a cut answer to a write: one request, the drop thrown as ConnectionDropped, and the write was saved', async () => {
        const name = `Cut write ${Date.now()}`;
        emu.faults.cutBodies({ path: COMPOSITE });
        const err = await rejection(sendComposite(conn, [insert(name)]));
        expect(log()).to.have.length(1);
        expect(await accounts(name)).to.equal(1);
        const sfError = toSfError(err, { alias: 'acme', username: 'admin@acme.example', instanceUrl: emu.url });
        expect(sfError.name).to.equal('ConnectionDroppedError');
        expect(sfError.message).to.match(/may or may not have been saved/);
        expect(sfError.actions?.[0]).to.match(/^Run the command again/);
      });

      it('a 500 on a write: one request, "may or may not have been saved" with the ErrorId', async () => {
        const name = `500 write ${Date.now()}`;
        emu.faults.unknownException({ path: COMPOSITE });
        const err = await rejection(sendComposite(conn, [insert(name)]));
        expect(err.errorCode).to.equal('WRITE_OUTCOME_UNKNOWN');
        expect(log()).to.have.length(1);
        const sfError = toSfError(err, { alias: 'acme', username: 'admin@acme.example', instanceUrl: emu.url });
        expect(sfError.name).to.equal('WriteOutcomeUnknownError');
        expect(sfError.message).to.equal(
          `The org at ${emu.url} failed while handling a change (UNKNOWN_EXCEPTION, ErrorId 1234567890-12345 (-123456789)): it may or may not have been saved.`
        );
        expect(sfError.actions?.[0]).to.match(/^Run the command again/);
        expect(sfError.exitCode).to.equal(1);
        expect(UNKNOWN_EXCEPTION_MESSAGE).to.include('1234567890-12345 (-123456789)');
      });

      it('a 500 sf:UNKNOWN_EXCEPTION on updateMetadata is the same error', async () => {
        const [layout] = await readMetadata(conn, 'Layout', ['Event-Event Layout']);
        emu.faults.unknownException({ path: '/services/Soap/m/' });
        const err = await rejection(updateMetadata(conn, 'Layout', [layout!]));
        expect(err.errorCode).to.equal('WRITE_OUTCOME_UNKNOWN');
        expect(toSfError(err, { alias: 'acme', username: 'a', instanceUrl: emu.url }).message).to.include('ErrorId 1234567890-12345 (-123456789)');
      });

      it('writeInFlight is true while a write waits for its answer, and false after', async () => {
        emu.faults.latencyMs(50, { path: COMPOSITE, times: 1 });
        const pending = sendWrite(() => conn.request({ method: 'POST', url: COMPOSITE, body: JSON.stringify({ compositeRequest: [] }) }));
        expect(writeInFlight()).to.equal(true);
        await pending.catch(() => undefined);
        expect(writeInFlight()).to.equal(false);
      });
    });

    it('an unreachable org is tried 4 times, then ends in "Cannot reach the org" with an action', async () => {
      const gone = await startEmulator();
      const authInfo = await AuthInfo.create({ accessTokenOptions: { accessToken: gone.tokenFor('admin@acme.example'), instanceUrl: gone.url, loginUrl: gone.url } });
      const goneConn = await Connection.create({ authInfo });
      goneConn.setApiVersion('66.0');
      await gone.stop();
      const spy = sinon.spy(goneConn, 'request');
      const err = await rejection(sendComposite(goneConn, [queryRequest(goneConn, 'q', ORG)]));
      expect(spy.callCount).to.equal(1 + READ_RETRIES.retries);
      const sfError = toSfError(err, { alias: 'acme', username: 'admin@acme.example', instanceUrl: gone.url });
      expect(sfError.name).to.equal('UnreachableError');
      expect(sfError.message).to.equal(`Cannot reach the org at ${gone.url} (ECONNREFUSED).`);
    });

    it('an API version the org does not serve: the error names the highest version it offers', async () => {
      const authInfo = await AuthInfo.create({ accessTokenOptions: { accessToken: emu.tokenFor('admin@acme.example'), instanceUrl: emu.url, loginUrl: emu.url } });
      const future = await Connection.create({ authInfo });
      future.setApiVersion('99.0');
      const err = await rejection(sendComposite(future, [queryRequest(future, 'q', ORG)]));
      expect(err.errorCode).to.equal('API_VERSION_NOT_SERVED');
      const sfError = toSfError(err, { alias: 'acme', username: 'admin@acme.example', instanceUrl: emu.url });
      expect(sfError.name).to.equal('ApiVersionNotServedError');
      expect(sfError.message).to.equal(`API version 99.0 is not served by the org at ${emu.url}: the highest version it offers is 66.0.`);
      expect(sfError.actions).to.deep.equal(['Run the command again with --api-version 66.0, or without --api-version.']);
      expect((await rejection(readResource(future, '/services/data/v99.0/sobjects/Lead/describe'))).errorCode).to.equal('API_VERSION_NOT_SERVED');
    });

    it('a NOT_FOUND for a served version stays NOT_FOUND', async () => {
      const err = await rejection(readResource(conn, '/services/data/v66.0/sobjects/Nope__c/describe'));
      expect(err.errorCode).to.equal('NOT_FOUND');
    });
  });

  it('isTransientFailure: 5xx and network failures anywhere in the cause chain, nothing else', () => {
    const api = (errorCode: string): Error => Object.assign(new Error('x'), { name: errorCode, errorCode });
    expect(isTransientFailure(api('ERROR_HTTP_502'))).to.be.true;
    expect(isTransientFailure(api('SERVER_UNAVAILABLE'))).to.be.true;
    expect(isTransientFailure(api('UNKNOWN_EXCEPTION'))).to.be.true;
    expect(isTransientFailure(api('sf:UNKNOWN_EXCEPTION'))).to.be.true;
    expect(isTransientFailure(Object.assign(new TypeError('fetch failed'), { cause: { cause: { code: 'EPIPE' } } }))).to.be.true;
    expect(isTransientFailure(new TypeError('terminated'))).to.be.true;
    expect(isTransientFailure(api('REQUEST_LIMIT_EXCEEDED'))).to.be.false;
    expect(isTransientFailure(api('INVALID_FIELD'))).to.be.false;
    expect(isTransientFailure(new TypeError("Cannot read properties of undefined (reading 'records')"))).to.be.false;
  });
});
