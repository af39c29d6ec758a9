import type { AuthFields } from '@salesforce/core';
import { MockTestOrgData } from '@salesforce/core/testSetup';
import {
  apiUserRecord,
  type ApiUserRow,
  effectiveAccess,
  fullAccess,
  type OrganizationRow,
  organizationRecord,
  queryResult,
  userEntityAccessRecords,
  userLoginRecord,
  userPermissionAccessRecord,
  userPermissionSetRecords,
} from '../../fakes/records.js';
import {
  apiError,
  checkCompositeLimits,
  compositeAnswer,
  errorAnswer,
  inList,
  isApiError,
  isComposite,
  literalAfter,
  sentRequest,
  type SentRequest,
  sentSubrequests,
  soqlOf,
  subrequestsOf,
} from '../../fakes/requests.js';
/**
 * A fake org for unit tests, plugged into TestContext's `fakeConnectionRequest`: it reads the real Composite body the
 * plugin sends, runs each subrequest's SOQL against a small data set and answers the way Salesforce does. Requests are
 * recorded so tests can assert on the exact SOQL and on the number of round trips.
 */

export type { SentRequest } from '../../fakes/requests.js';
export { apiError, literalAfter } from '../../fakes/requests.js';
export { PROD_ORG_ID, productionOrg } from '../../fakes/records.js';

export type FakeUser = Omit<ApiUserRow, 'Email'> & {
  /** View Setup and Configuration: without it Salesforce hides PermissionSet from the user (INVALID_TYPE). */
  viewSetup: boolean;
};

export type FakeOrgData = {
  org: OrganizationRow;
  users: FakeUser[];
};

export const SANDBOX_ORG_ID = '00D5g000000SbxxAAA';

export function sandboxOrg(): FakeOrgData['org'] {
  return { Id: SANDBOX_ORG_ID, Name: 'Acme Inc. (UAT)', IsSandbox: true, TrialExpirationDate: null, OrganizationType: 'Enterprise Edition', InstanceName: 'CS42' };
}

export function scratchOrg(): FakeOrgData['org'] {
  return { ...sandboxOrg(), Name: 'Acme scratch', OrganizationType: 'Developer Edition', TrialExpirationDate: '2026-12-24' };
}

/** A user who meets every requirement of both modes. */
export function goodUser(username: string, overrides: Partial<FakeUser> = {}): FakeUser {
  return { Id: '0055g00000ApiUsAAA', Username: username, Name: 'OnceHub API', ...fullAccess(), viewSetup: true, ...overrides };
}

export class FakeOrg {
  public readonly requests: SentRequest[] = [];
  /** Answers every request with this instead (an Error is thrown, anything else is returned as the body). */
  public fault: unknown;

  public constructor(public data: FakeOrgData) {}

  /** The SOQL of every subrequest sent through Composite ('' for a describe). */
  public get soql(): string[] {
    return sentSubrequests(this.requests).map((s) => decodeURIComponent(soqlOf(s.url) ?? ''));
  }

  public handle(request: unknown): Promise<unknown> {
    const sent = sentRequest(request);
    this.requests.push(sent);
    if (this.fault instanceof Error) return Promise.reject(this.fault);
    if (this.fault !== undefined) return Promise.resolve(this.fault);
    if (sent.method === 'POST' && isComposite(sent.url)) return Promise.resolve(this.composite(sent.body ?? '{}'));
    return Promise.reject(apiError('NOT_FOUND', 'The requested resource does not exist', 404));
  }

  private composite(body: string): unknown {
    const compositeRequest = subrequestsOf(body);
    checkCompositeLimits(compositeRequest);
    // The caller is the user the Composite asks about (connect runs as the API user).
    const soqls = compositeRequest.map(({ url }) => soqlOf(url) ?? '');
    const callerName = soqls.map((q) => literalAfter(q, 'Username')).find(Boolean);
    const caller = this.data.users.find((u) => u.Username.toLowerCase() === callerName?.toLowerCase());
    return compositeAnswer(compositeRequest, ({ url }, i) => {
      const describe = /\/sobjects\/(\w+)\/describe$/.exec(url);
      try {
        return { httpStatusCode: 200, body: describe ? describeOf(describe[1], caller) : this.query(soqls[i], caller) };
      } catch (err) {
        if (!isApiError(err)) throw err;
        return errorAnswer(err);
      }
    });
  }

  private query(soql: string, caller: FakeUser | undefined): unknown {
    if (/FROM Organization$/.test(soql)) return queryResult([organizationRecord(this.data.org)]);
    const username = literalAfter(soql, 'Username') ?? literalAfter(soql, 'Assignee.Username');
    const user = this.data.users.find((u) => u.Username.toLowerCase() === username?.toLowerCase());
    // The user's permission sets: Salesforce hides PermissionSet from callers without View Setup.
    if (/ FROM PermissionSet WHERE Id IN \(SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee\.Username = /.test(soql)) {
      if (caller && !caller.viewSetup) throw apiError('INVALID_TYPE', "sObject type 'PermissionSet' is not supported.");
      return queryResult(user ? userPermissionSetRecords(user) : []);
    }
    if (/FROM UserPermissionAccess$/.test(soql)) return queryResult(caller ? [userPermissionAccessRecord(caller)] : []);
    if (/FROM UserEntityAccess WHERE UserId = /.test(soql)) {
      const subject = this.data.users.find((u) => u.Id === literalAfter(soql, 'UserId'));
      return queryResult(subject ? userEntityAccessRecords(subject, inList(soql, 'EntityDefinitionId') ?? []) : []);
    }
    if (/FROM UserLogin WHERE UserId IN \(SELECT Id FROM User WHERE Username = /.test(soql)) {
      if (caller && !caller.viewSetup) throw apiError('INVALID_TYPE', "sObject type 'UserLogin' is not supported.");
      return queryResult(user ? [userLoginRecord(user)] : []);
    }
    if (/^SELECT [^()]* FROM User WHERE Username = /.test(soql)) return queryResult(user ? [apiUserRecord(user)] : []);
    throw new Error(`FakeOrg cannot answer: ${soql}`);
  }
}

/** A describe as the caller sees it: CRUD flags follow its access; an object it cannot read does not exist for it. */
function describeOf(object: string, caller: FakeUser | undefined): unknown {
  const access = caller ? effectiveAccess(caller).objectPerms[object] ?? '' : '';
  if (!access.includes('R')) throw apiError('NOT_FOUND', 'The requested resource does not exist', 404);
  return {
    name: object,
    queryable: true,
    createable: access.includes('C'),
    updateable: access.includes('E'),
    deletable: access.includes('D'),
    fields: [],
  };
}

/**
 * A login as sf keeps it after `sf org login`: with the org facts sf reads at login (edition, namespace, sandbox), so
 * that sfdx-core does not query the org itself when the command starts. `environment: 'unknown'` leaves them out.
 */
export function sfLogin(
  username: string,
  options: { instanceUrl?: string; environment?: 'production' | 'sandbox' | 'scratch' | 'unknown' } = {}
): MockTestOrgData {
  const login = new MockTestOrgData(undefined, { username });
  if (options.instanceUrl) login.instanceUrl = options.instanceUrl;
  const environment = options.environment ?? 'production';
  const getConfig = login.getConfig.bind(login);
  login.getConfig = async (): Promise<AuthFields> => {
    const config = await getConfig();
    if (environment === 'unknown') return config;
    return {
      ...config,
      namespacePrefix: null as unknown as string,
      isSandbox: environment === 'sandbox',
      isScratch: environment === 'scratch',
    };
  };
  return login;
}
