import { type Connection, Org } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  describeRequest,
  expectObject,
  getRequest,
  isTransientFailure,
  OrgApiError,
  planComposites,
  queryAll,
  queryRequest,
  READ_RETRIES,
  sendComposite,
  type SubRequest,
  subBody,
  subQuery,
  type SubResponse,
} from '../../../src/lib/org/requests.js';
import { toSfError } from '../../../src/lib/org/errors.js';
import { apiError, sfLogin } from '../connection/fake-org.js';

type Sent = { method: string; url: string; body?: string };

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

  describe('with a connection', () => {
    const $$ = new TestContext();
    let sent: Sent[];
    let options: unknown[];
    let answer: (request: Sent) => unknown;
    let conn: Connection;

    beforeEach(async () => {
      const login = sfLogin('admin@acme.example');
      await $$.stubAuths(login);
      sent = [];
      options = [];
      $$.fakeConnectionRequest = (request, requestOptions): Promise<never> => {
        const req = (typeof request === 'string' ? { url: request } : request) as Partial<Sent> & { url: string };
        sent.push({ ...req, method: req.method ?? 'GET' });
        options.push(requestOptions);
        // An answer function throws to fail the request, as jsforce rejects.
        return new Promise((resolve) => resolve(answer(sent[sent.length - 1]) as never));
      };
      conn = (await Org.create({ aliasOrUsername: login.username })).getConnection('66.0');
    });

    /** Answers each subrequest of a Composite with an empty query result, echoing its referenceId. */
    const echo = (req: Sent): unknown => ({
      compositeResponse: (JSON.parse(req.body!) as { compositeRequest: SubRequest[] }).compositeRequest.map((s) => ({
        referenceId: s.referenceId,
        httpStatusCode: 200,
        body: { totalSize: 0, done: true, records: [], url: s.url },
      })),
    });

    it('builds versioned REST and Tooling URLs, encoding the SOQL', () => {
      expect(queryRequest(conn, 'r', "SELECT Id FROM User WHERE Username = 'a b'").url).to.equal(
        "/services/data/v66.0/query?q=SELECT%20Id%20FROM%20User%20WHERE%20Username%20%3D%20'a%20b'"
      );
      expect(queryRequest(conn, 'r', 'SELECT Id FROM Layout', true).url).to.equal('/services/data/v66.0/tooling/query?q=SELECT%20Id%20FROM%20Layout');
      expect(describeRequest(conn, 'r', 'Lead').url).to.equal('/services/data/v66.0/sobjects/Lead/describe');
      expect(getRequest(conn, 'r', '/sobjects/Layout/00h1', true).url).to.equal('/services/data/v66.0/tooling/sobjects/Layout/00h1');
    });

    it('sends one POST to /composite with every subrequest as GET by default', async () => {
      answer = echo;

      const answers = await sendComposite(conn, [...queries(2), ...describes(1)]);

      expect(sent).to.have.length(1);
      expect(sent[0]).to.deep.include({ method: 'POST', url: '/services/data/v66.0/composite' });
      const body = JSON.parse(sent[0].body!) as { allOrNone: boolean; compositeRequest: Array<{ method: string; referenceId: string }> };
      expect(body.allOrNone).to.be.false;
      expect(body.compositeRequest.map((s) => [s.method, s.referenceId])).to.deep.equal([['GET', 'q0'], ['GET', 'q1'], ['GET', 'd0']]);
      expect([...answers.keys()]).to.deep.equal(['q0', 'q1', 'd0']);
    });

    it('sends Tooling subrequests to /tooling/composite and passes allOrNone', async () => {
      answer = echo;

      await sendComposite(conn, describes(1), { tooling: true, allOrNone: true });

      expect(sent[0].url).to.equal('/services/data/v66.0/tooling/composite');
      expect((JSON.parse(sent[0].body!) as { allOrNone: boolean }).allOrNone).to.be.true;
    });

    it('splits by the query limit and merges every answer', async () => {
      answer = echo;

      const answers = await sendComposite(conn, queries(7));

      expect(sent).to.have.length(2);
      expect(answers.size).to.equal(7);
      expect(subBody<{ url: string }>(answers, 'q6').url).to.include('User+6');
    });

    it('retries a read-only Composite after a 503', async () => {
      let calls = 0;
      answer = (req): unknown => {
        calls++;
        if (calls === 1) throw apiError('ERROR_HTTP_503', 'Service Unavailable', 503);
        return echo(req);
      };

      const answers = await sendComposite(conn, queries(1));

      expect(sent).to.have.length(2);
      expect(answers.has('q0')).to.be.true;
    });

    it('retries a 503 whose body names it SERVER_UNAVAILABLE', async () => {
      let calls = 0;
      answer = (req): unknown => {
        calls++;
        if (calls === 1) throw apiError('SERVER_UNAVAILABLE', 'Service Unavailable', 503);
        return echo(req);
      };

      await sendComposite(conn, queries(1));

      expect(sent).to.have.length(2);
    });

    it('gives up after 3 retries and throws the last failure', async () => {
      answer = (): unknown => {
        throw apiError('ERROR_HTTP_503', 'Service Unavailable', 503);
      };

      const err = await rejection(sendComposite(conn, queries(1)));

      expect(err.errorCode).to.equal('ERROR_HTTP_503');
      expect(sent).to.have.length(4);
    });

    it('retries a reset connection too', async () => {
      let calls = 0;
      answer = (req): unknown => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return echo(req);
      };

      await sendComposite(conn, queries(1));

      expect(sent).to.have.length(2);
    });

    describe('a connection dropped mid-request: fetch failed, the socket code only in cause (§4.6)', () => {
      const dropped = {
        'a reset': { code: 'ECONNRESET' },
        'a socket error': { code: 'UND_ERR_SOCKET' },
        'a closed client': { code: 'UND_ERR_CLOSED' },
        'a close by the other side, one level deeper': { message: 'terminated', cause: { message: 'other side closed' } },
      };
      /** What undici hands jsforce's caller: nothing but the generic message outside `cause`. */
      const fetchFailed = (cause: object): Error => Object.assign(new TypeError('fetch failed'), { cause });

      for (const [what, cause] of Object.entries(dropped)) {
        it(`retries a read batch after ${what}`, async () => {
          let calls = 0;
          answer = (req): unknown => {
            calls++;
            if (calls === 1) throw fetchFailed(cause);
            return echo(req);
          };

          const answers = await sendComposite(conn, queries(1));

          expect(sent).to.have.length(2);
          expect(answers.has('q0')).to.be.true;
        });
      }

      it('each Composite of a read survives its own drop', async () => {
        const dropOnce = new Set<string>();
        answer = (req): unknown => {
          if (!dropOnce.has(req.body!)) {
            dropOnce.add(req.body!);
            throw fetchFailed({ code: 'ECONNRESET' });
          }
          return echo(req);
        };

        const answers = await sendComposite(conn, queries(12));

        expect(sent).to.have.length(6);
        expect(answers.size).to.equal(12);
      });

      it('never retries a write: one request, the drop thrown', async () => {
        answer = (): unknown => {
          throw fetchFailed({ code: 'ECONNRESET' });
        };
        const write: SubRequest = { referenceId: 'w', method: 'POST', url: '/services/data/v66.0/sobjects/PermissionSetAssignment', body: {} };

        const err = await rejection(sendComposite(conn, [write]));

        expect(err.message).to.equal('fetch failed');
        expect(sent).to.have.length(1);
      });

      it('a refused connection is tried 4 times, then ends in "Cannot reach the org" with an action', async () => {
        answer = (): unknown => {
          throw fetchFailed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
        };

        const err = await rejection(sendComposite(conn, queries(1)));

        expect(sent).to.have.length(1 + READ_RETRIES.retries);
        const sfError = toSfError(err, { alias: 'acme', username: 'admin@acme.example', instanceUrl: 'https://acme.my.salesforce.com' });
        expect(sfError.name).to.equal('UnreachableError');
        expect(sfError.message).to.equal('Cannot reach the org at https://acme.my.salesforce.com (ECONNREFUSED).');
        expect(sfError.actions).to.deep.equal(['Check your network connection and the org\'s instance URL: sf org display --target-org acme']);
      });

      it('query-more pages are retried by the same rule, with jsforce\'s own GET retries off', async () => {
        let calls = 0;
        answer = (req): unknown => {
          calls++;
          if (calls === 1) throw fetchFailed({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
          return req.url.includes('?q=') ? { totalSize: 1, done: true, records: [{ Id: '1' }] } : undefined;
        };

        const records = await queryAll(conn, 'SELECT Id FROM User');

        expect(records.map((r) => r.Id)).to.deep.equal(['1']);
        expect(sent).to.have.length(2);
        expect(options[0]).to.deep.equal({ retry: { maxRetries: 0 } });
      });
    });

    it('isTransientFailure: 5xx and network failures anywhere in the cause chain, nothing else', () => {
      expect(isTransientFailure(apiError('ERROR_HTTP_502', 'Bad Gateway', 502))).to.be.true;
      expect(isTransientFailure(apiError('SERVER_UNAVAILABLE', 'x', 503))).to.be.true;
      expect(isTransientFailure(Object.assign(new TypeError('fetch failed'), { cause: { cause: { code: 'EPIPE' } } }))).to.be.true;
      expect(isTransientFailure(apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403))).to.be.false;
      expect(isTransientFailure(apiError('INVALID_FIELD', 'x', 400))).to.be.false;
      expect(isTransientFailure(new TypeError("Cannot read properties of undefined (reading 'records')"))).to.be.false;
    });

    it('does not retry a Composite that writes', async () => {
      answer = (): unknown => {
        throw apiError('ERROR_HTTP_503', 'Service Unavailable', 503);
      };
      const write: SubRequest = { referenceId: 'w', method: 'POST', url: '/services/data/v66.0/sobjects/PermissionSetAssignment', body: {} };

      const err = await rejection(sendComposite(conn, [write]));

      expect(err.errorCode).to.equal('ERROR_HTTP_503');
      expect(sent).to.have.length(1);
    });

    it('does not retry a refusal', async () => {
      answer = (): unknown => {
        throw apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403);
      };

      const err = await rejection(sendComposite(conn, queries(1)));

      expect(err.errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
      expect(sent).to.have.length(1);
    });

    it('turns an HTML page, broken JSON or a missing compositeResponse into errors', async () => {
      answer = (): unknown => '<!DOCTYPE html><html><body>Maintenance</body></html>';
      expect((await rejection(sendComposite(conn, queries(1)))).errorCode).to.equal('HTML_RESPONSE');
      answer = (): unknown => '{"compositeResponse": [';
      expect((await rejection(sendComposite(conn, queries(1)))).errorCode).to.equal('MALFORMED_RESPONSE');
      answer = (): unknown => ({ hasErrors: false });
      expect((await rejection(sendComposite(conn, queries(1)))).errorCode).to.equal('MALFORMED_RESPONSE');
    });

    it('subQuery follows further pages of a subrequest', async () => {
      const page = (ids: string[], next?: string): unknown => ({
        totalSize: 5,
        done: !next,
        records: ids.map((Id) => ({ Id })),
        ...(next ? { nextRecordsUrl: next } : {}),
      });
      const answers = new Map<string, SubResponse>([['users', { referenceId: 'users', httpStatusCode: 200, body: page(['a', 'b'], '/services/data/v66.0/query/01g-2') }]]);
      answer = (req): unknown =>
        req.url.endsWith('01g-2') ? page(['c', 'd'], '/services/data/v66.0/query/01g-4') : page(['e']);

      const result = await subQuery(conn, answers, 'users');

      expect(result.records.map((r) => r.Id)).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
      expect(sent.map((r) => r.url)).to.deep.equal(['/services/data/v66.0/query/01g-2', '/services/data/v66.0/query/01g-4']);
    });

    it('subQuery rejects an answer without records', async () => {
      const answers = new Map<string, SubResponse>([['x', { referenceId: 'x', httpStatusCode: 200, body: { totalSize: 1 } }]]);
      expect((await rejection(subQuery(conn, answers, 'x'))).errorCode).to.equal('MALFORMED_RESPONSE');
    });

    it('queryAll reads every page of a plain query', async () => {
      answer = (req): unknown =>
        req.url.includes('?q=')
          ? { totalSize: 3, done: false, nextRecordsUrl: '/services/data/v66.0/tooling/query/01g-2', records: [{ Id: '1' }, { Id: '2' }] }
          : { totalSize: 3, done: true, records: [{ Id: '3' }] };

      const records = await queryAll(conn, 'SELECT Id FROM Layout', true);

      expect(records.map((r) => r.Id)).to.deep.equal(['1', '2', '3']);
      expect(sent[0].url).to.equal('/services/data/v66.0/tooling/query?q=SELECT%20Id%20FROM%20Layout');
    });

    it('queryAll turns an HTML page or an answer without records into errors', async () => {
      answer = (): unknown => '<html>Down</html>';
      expect((await rejection(queryAll(conn, 'SELECT Id FROM User'))).errorCode).to.equal('HTML_RESPONSE');
      answer = (): unknown => ({ totalSize: 0, done: true });
      expect((await rejection(queryAll(conn, 'SELECT Id FROM User'))).errorCode).to.equal('MALFORMED_RESPONSE');
    });
  });
});
