import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { errorCodeOf, isOrgLevelError, type OrgContext, toSfError } from '../../../src/lib/org/errors.js';
import { ApiVersionNotServedError, OrgApiError, WriteOutcomeUnknownError } from '../../../src/lib/org/requests.js';

/** An error as jsforce throws it for a Salesforce error body: `name` and `errorCode` are the body's errorCode. */
const apiError = (errorCode: string, message: string, status = 400): Error =>
  Object.assign(new Error(message), { name: errorCode, errorCode, statusCode: status, data: { errorCode, message } });

const ctx: OrgContext = { alias: 'oncehub-api', username: 'api@acme.example', instanceUrl: 'https://acme.my.salesforce.com' };

describe('org/errors', () => {
  it('errorCodeOf reads errorCode, then code, then name', () => {
    expect(errorCodeOf(apiError('INVALID_FIELD', 'x'))).to.equal('INVALID_FIELD');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).to.equal('ECONNREFUSED');
    expect(errorCodeOf(new OrgApiError('x', 'MALFORMED_RESPONSE'))).to.equal('MALFORMED_RESPONSE');
    expect(errorCodeOf('text')).to.be.undefined;
  });

  describe('toSfError', () => {
    const cases: Array<{ what: string; err: unknown; name: string; message: RegExp; actions: RegExp }> = [
      {
        what: 'an expired session',
        err: apiError('INVALID_SESSION_ID', 'Session expired or invalid', 401),
        name: 'SessionRefusedError',
        message: /refused the session of oncehub-api/,
        actions: /sf org login web --alias oncehub-api[\s\S]*--api-user api@acme\.example/,
      },
      {
        what: 'a refresh that failed',
        err: new Error('Unable to refresh session due to: expired access/refresh token'),
        name: 'SessionRefusedError',
        message: /expired or been revoked/,
        actions: /sf org login web/,
      },
      {
        what: 'API_DISABLED_FOR_ORG: an org without API, or a user without API Enabled (REST answers both alike)',
        err: apiError('API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.', 403),
        name: 'ApiDisabledForOrgError',
        message: /refuses API calls from oncehub-api \(API_DISABLED_FOR_ORG\): either the org has no API access, or the user lacks the API Enabled permission/,
        actions: /--api-user api@acme\.example.*Enterprise, Unlimited, Performance or Developer Edition/s,
      },
      {
        what: 'a user without API Enabled',
        err: apiError('API_CURRENTLY_DISABLED', 'API is disabled for this User', 403),
        name: 'ApiDisabledForUserError',
        message: /refuses API calls from api@acme\.example/,
        actions: /--api-user api@acme\.example/,
      },
      {
        what: 'the request limit',
        err: apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403),
        name: 'RequestLimitExceededError',
        message: /used up its API requests/,
        actions: /sf org list limits --target-org oncehub-api/,
      },
      {
        what: "jsforce's HTML error",
        err: apiError('ERROR_HTTP_503', 'HTTP response contains html content.\nCheck that the org exists and can be reached.\n\nHTTP status code: 503.\n', 503),
        name: 'HtmlPageError',
        message: /web page instead of data \(HTTP 503\)/,
        actions: /status\.salesforce\.com[\s\S]*sf org display --target-org oncehub-api/,
      },
      {
        what: 'an HTML page answered with 200',
        err: new OrgApiError('HTML content in answer to a query', 'HTML_RESPONSE'),
        name: 'HtmlPageError',
        message: /\(HTTP 200\)/,
        actions: /status\.salesforce\.com/,
      },
      {
        what: 'malformed JSON',
        err: new OrgApiError('a query: not JSON ({"recor…)', 'MALFORMED_RESPONSE'),
        name: 'MalformedResponseError',
        message: /could not be read \(a query: not JSON/,
        actions: /Try again/,
      },
      {
        what: 'a 5xx that outlasted the retries',
        err: apiError('SERVER_UNAVAILABLE', 'Service Unavailable', 503),
        name: 'ServerUnavailableError',
        message: /unavailable right now \(SERVER_UNAVAILABLE\)/,
        actions: /status\.salesforce\.com[\s\S]*sf org display --target-org oncehub-api/,
      },
      {
        what: 'a 5xx without a JSON body',
        err: apiError('ERROR_HTTP_502', 'Bad Gateway', 502),
        name: 'ServerUnavailableError',
        message: /\(ERROR_HTTP_502\)/,
        actions: /try again/,
      },
      {
        what: 'an unreachable host',
        err: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        name: 'UnreachableError',
        message: /Cannot reach the org at https:\/\/acme\.my\.salesforce\.com \(ECONNREFUSED\)/,
        actions: /sf org display --target-org oncehub-api/,
      },
      {
        what: 'a connection refused, its code only in cause',
        err: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }),
        name: 'UnreachableError',
        message: /^Cannot reach the org at https:\/\/acme\.my\.salesforce\.com \(ECONNREFUSED\)\.$/,
        actions: /sf org display --target-org oncehub-api/,
      },
      {
        what: 'a fetch that failed without a cause',
        err: new TypeError('fetch failed'),
        name: 'UnreachableError',
        message: /\(fetch failed\)/,
        actions: /sf org display --target-org oncehub-api/,
      },
      {
        what: 'a connection reset, its code only in cause',
        err: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }),
        name: 'ConnectionDroppedError',
        message: /^The connection to the org at https:\/\/acme\.my\.salesforce\.com was dropped before Salesforce's answer arrived \(ECONNRESET\)\. If that request made a change, it may or may not have been saved\.$/,
        actions: /Run the command again: it reads the org first and only makes the changes still missing[\s\S]*sf org display --target-org oncehub-api/,
      },
      {
        what: 'a connection closed by the other side, two causes deep',
        err: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }) }),
        name: 'ConnectionDroppedError',
        message: /\(UND_ERR_SOCKET\)/,
        actions: /Run the command again/,
      },
      {
        what: 'a 500 UNKNOWN_EXCEPTION on a read that outlasted the retries',
        err: apiError('UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1452464078-314667 (-1173371248)', 500),
        name: 'ServerUnavailableError',
        message: /^Salesforce is unavailable right now \(UNKNOWN_EXCEPTION, ErrorId 1452464078-314667 \(-1173371248\)\), also after retries\.$/,
        actions: /status\.salesforce\.com/,
      },
      {
        what: 'a 500 on a write',
        err: new WriteOutcomeUnknownError('1452464078-314667 (-1173371248)', 'UNKNOWN_EXCEPTION', apiError('UNKNOWN_EXCEPTION', 'x', 500)),
        name: 'WriteOutcomeUnknownError',
        message:
          /^The org at https:\/\/acme\.my\.salesforce\.com failed while handling a change \(UNKNOWN_EXCEPTION, ErrorId 1452464078-314667 \(-1173371248\)\): it may or may not have been saved\.$/,
        actions: /^Run the command again: it reads the org first[\s\S]*quote the ErrorId[\s\S]*sf org display --target-org oncehub-api/,
      },
      {
        what: 'an answer cut off mid-body (undici: terminated, cause UND_ERR_SOCKET)',
        err: Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }),
        name: 'ConnectionDroppedError',
        message: /\(UND_ERR_SOCKET\)\. If that request made a change, it may or may not have been saved\.$/,
        actions: /Run the command again/,
      },
      {
        what: 'an answer cut off mid-body without a cause',
        err: new TypeError('terminated'),
        name: 'ConnectionDroppedError',
        message: /\(terminated\)/,
        actions: /Run the command again/,
      },
      {
        what: 'an API version above the org\'s',
        err: new ApiVersionNotServedError('99.0', '66.0', apiError('NOT_FOUND', 'The requested resource does not exist', 404)),
        name: 'ApiVersionNotServedError',
        message: /^API version 99\.0 is not served by the org at https:\/\/acme\.my\.salesforce\.com: the highest version it offers is 66\.0\.$/,
        actions: /--api-version 66\.0, or without --api-version/,
      },
      {
        what: 'missing access',
        err: apiError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id'),
        name: 'InsufficientAccessError',
        message: /api@acme\.example is not allowed to do this: insufficient access rights/,
        actions: /System Administrator/,
      },
    ];
    for (const { what, err, name, message, actions } of cases) {
      it(`${what} → ${name} with actions`, () => {
        const error = toSfError(err, ctx);
        expect(error).to.be.instanceOf(SfError);
        expect(error.name).to.equal(name);
        expect(error.message).to.match(message);
        expect(error.actions?.join('\n')).to.match(actions);
      });
    }

    it('names the username when there is no alias', () => {
      const error = toSfError(apiError('REQUEST_LIMIT_EXCEEDED', 'x', 403), { ...ctx, alias: '' });
      expect(error.message).to.include('The org of api@acme.example');
    });

    it('prints an alias with control characters escaped, and quotes it in the action', () => {
      const error = toSfError(apiError('REQUEST_LIMIT_EXCEEDED', 'x', 403), { ...ctx, alias: 'acme\u001b[2Jx' });
      expect(error.message).to.include('acme\\e[2Jx').and.not.include('\u001b');
      expect((error.actions ?? []).join('\n')).to.not.include('\u001b');
    });

    it('keeps an SfError that already has actions', () => {
      const own = new SfError('mine', 'MineError', ['do this']);
      expect(toSfError(own, ctx)).to.equal(own);
    });

    it('isOrgLevelError tells whole-org failures from the error of one query', () => {
      for (const code of ['INVALID_SESSION_ID', 'API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED', 'REQUEST_LIMIT_EXCEEDED', 'HTML_RESPONSE', 'MALFORMED_RESPONSE', 'SERVER_UNAVAILABLE', 'ERROR_HTTP_503', 'UNKNOWN_EXCEPTION', 'WRITE_OUTCOME_UNKNOWN', 'API_VERSION_NOT_SERVED']) {
        expect(isOrgLevelError(apiError(code, 'x')), code).to.equal(true);
      }
      expect(isOrgLevelError(new Error('Unable to refresh session due to: expired access/refresh token'))).to.equal(true);
      expect(isOrgLevelError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).to.equal(true);
      for (const code of ['INVALID_FIELD', 'INVALID_TYPE', 'NOT_FOUND', 'INSUFFICIENT_ACCESS_OR_READONLY', 'ERROR_HTTP_404']) {
        expect(isOrgLevelError(apiError(code, 'x')), code).to.equal(false);
      }
    });

    it('wraps anything else with its code and cause', () => {
      const cause = apiError('INVALID_FIELD', "No such column 'Foo__c' on entity 'User'");
      const error = toSfError(cause, ctx);
      expect(error.name).to.equal('INVALID_FIELD');
      expect(error.message).to.equal("No such column 'Foo__c' on entity 'User'");
      expect(error.cause).to.equal(cause);
      expect(error.exitCode).to.equal(1);
    });
  });
});
