import type { AuthFields } from '@salesforce/core';
import { MockTestOrgData } from '@salesforce/core/testSetup';
/**
 * A fake org for unit tests, plugged into TestContext's `fakeConnectionRequest`: it reads the real Composite body the
 * plugin sends, runs each subrequest's SOQL against a small data set and answers the way Salesforce does. Requests are
 * recorded so tests can assert on the exact SOQL and on the number of round trips.
 */

export type SentRequest = { method: string; url: string; body?: string };

export type FakeUser = {
  Id: string;
  Username: string;
  Name: string;
  IsActive: boolean;
  profileName: string | null;
  licenseName: string | null;
  apiEnabled: boolean;
  modifyAllData: boolean;
  editEvent: boolean;
  /** Object permissions of the profile, e.g. { Lead: 'RCED' }; missing objects have no row. */
  objectPerms: Record<string, string>;
  /** View Setup and Configuration: without it Salesforce hides PermissionSet from the user (INVALID_TYPE). */
  viewSetup: boolean;
};

export type FakeOrgData = {
  org: { Id: string; Name: string; IsSandbox: boolean; TrialExpirationDate: string | null; OrganizationType: string; InstanceName: string };
  users: FakeUser[];
};

export const PROD_ORG_ID = '00D5g000000ProdAAA';
export const SANDBOX_ORG_ID = '00D5g000000SbxxAAA';

export function productionOrg(): FakeOrgData['org'] {
  return { Id: PROD_ORG_ID, Name: 'Acme Inc.', IsSandbox: false, TrialExpirationDate: null, OrganizationType: 'Enterprise Edition', InstanceName: 'NA139' };
}

export function sandboxOrg(): FakeOrgData['org'] {
  return { Id: SANDBOX_ORG_ID, Name: 'Acme Inc. (UAT)', IsSandbox: true, TrialExpirationDate: null, OrganizationType: 'Enterprise Edition', InstanceName: 'CS42' };
}

export function scratchOrg(): FakeOrgData['org'] {
  return { ...sandboxOrg(), Name: 'Acme scratch', OrganizationType: 'Developer Edition', TrialExpirationDate: '2026-12-24' };
}

/** A user who meets every requirement of both modes. */
export function goodUser(username: string, overrides: Partial<FakeUser> = {}): FakeUser {
  return {
    Id: '0055g00000ApiUsAAA',
    Username: username,
    Name: 'OnceHub API',
    IsActive: true,
    profileName: 'System Administrator',
    licenseName: 'Salesforce',
    apiEnabled: true,
    modifyAllData: true,
    editEvent: true,
    objectPerms: { Lead: 'RCED', Account: 'RCED', Contact: 'RCED', Case: 'RCED' },
    viewSetup: true,
    ...overrides,
  };
}

/** An error shaped like the HttpApiError jsforce throws for a non-2xx REST answer. */
export function apiError(errorCode: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode, data: { errorCode, message }, status });
}

const attributes = (type: string): { type: string; url: string } => ({ type, url: `/services/data/v42.0/sobjects/${type}/x` });
const query = (records: unknown[]): unknown => ({ totalSize: records.length, done: true, records });

/** Reads the value of `Field = '…'` out of SOQL, undoing SOQL escapes independently of the code under test. */
export function literalAfter(soql: string, field: string): string | undefined {
  const match = new RegExp(`${field} = '((?:\\\\.|[^'\\\\])*)'`).exec(soql);
  return match?.[1].replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

export class FakeOrg {
  public readonly requests: SentRequest[] = [];
  /** Answers every request with this instead (an Error is thrown, anything else is returned as the body). */
  public fault: unknown;

  public constructor(public data: FakeOrgData) {}

  /** The SOQL of every subrequest sent through Composite. */
  public get soql(): string[] {
    return this.requests.flatMap((r) => {
      if (!r.body) return [];
      const body = JSON.parse(r.body) as { compositeRequest?: Array<{ url: string }> };
      return (body.compositeRequest ?? []).map((s) => decodeURIComponent(new URL(s.url, 'http://x').searchParams.get('q') ?? ''));
    });
  }

  public handle(request: unknown): Promise<unknown> {
    const sent: SentRequest =
      typeof request === 'string'
        ? { method: 'GET', url: request }
        : { method: 'GET', ...(request as { method?: string; url: string; body?: string }) };
    this.requests.push(sent);
    if (this.fault instanceof Error) return Promise.reject(this.fault);
    if (this.fault !== undefined) return Promise.resolve(this.fault);
    if (sent.method === 'POST' && /\/composite$/.test(sent.url)) return Promise.resolve(this.composite(sent.body ?? '{}'));
    return Promise.reject(apiError('NOT_FOUND', 'The requested resource does not exist', 404));
  }

  private composite(body: string): unknown {
    const { compositeRequest } = JSON.parse(body) as { compositeRequest: Array<{ referenceId: string; url: string }> };
    if (compositeRequest.length > 25) throw new Error('more than 25 subrequests');
    // The caller is the user the Composite asks about (connect runs as the API user).
    const soqls = compositeRequest.map(({ url }) => new URL(url, 'http://x').searchParams.get('q') ?? '');
    const callerName = soqls.map((q) => literalAfter(q, 'Username')).find(Boolean);
    const caller = this.data.users.find((u) => u.Username.toLowerCase() === callerName?.toLowerCase());
    return {
      compositeResponse: compositeRequest.map(({ referenceId, url }, i) => {
        const describe = /\/sobjects\/(\w+)\/describe$/.exec(url);
        try {
          const answer = describe ? describeOf(describe[1], caller) : this.query(soqls[i], caller);
          return { referenceId, httpStatusCode: 200, httpHeaders: {}, body: answer };
        } catch (err) {
          const { errorCode, status } = err as { errorCode?: string; status?: number };
          if (!errorCode) throw err;
          return { referenceId, httpStatusCode: status ?? 400, httpHeaders: {}, body: [{ errorCode, message: (err as Error).message }] };
        }
      }),
    };
  }

  private query(soql: string, caller: FakeUser | undefined): unknown {
    if (/FROM Organization$/.test(soql)) return query([{ attributes: attributes('Organization'), ...this.data.org }]);
    const username = literalAfter(soql, 'Username');
    const user = this.data.users.find((u) => u.Username.toLowerCase() === username?.toLowerCase());
    // PermissionSet first: its semi-join also contains "FROM User WHERE".
    if (/\) FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId IN \(SELECT ProfileId FROM User WHERE /.test(soql)) {
      if (caller && !caller.viewSetup) throw apiError('INVALID_TYPE', "sObject type 'PermissionSet' is not supported.");
      return query(user ? [profilePermissionSet(user)] : []);
    }
    if (/^SELECT [^()]* FROM User WHERE Username = /.test(soql)) return query(user ? [userRecord(user)] : []);
    throw new Error(`FakeOrg cannot answer: ${soql}`);
  }
}

/** A describe as the caller sees it: CRUD flags follow its access; an object it cannot read does not exist for it. */
function describeOf(object: string, caller: FakeUser | undefined): unknown {
  const access = caller?.objectPerms[object] ?? '';
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

function userRecord(user: FakeUser): unknown {
  return {
    attributes: attributes('User'),
    Id: user.Id,
    Username: user.Username,
    Name: user.Name,
    IsActive: user.IsActive,
    ProfileId: '00e5g000000ProfAAA',
    Profile:
      user.profileName === null
        ? null
        : {
            attributes: attributes('Profile'),
            Name: user.profileName,
            UserLicense: user.licenseName === null ? null : { attributes: attributes('UserLicense'), Name: user.licenseName },
            PermissionsApiEnabled: user.apiEnabled,
            PermissionsModifyAllData: user.modifyAllData,
            PermissionsEditEvent: user.editEvent,
          },
  };
}

function profilePermissionSet(user: FakeUser): unknown {
  const rows = Object.entries(user.objectPerms).map(([SobjectType, access]) => ({
    attributes: attributes('ObjectPermissions'),
    SobjectType,
    PermissionsRead: access.includes('R'),
    PermissionsCreate: access.includes('C'),
    PermissionsEdit: access.includes('E'),
    PermissionsDelete: access.includes('D'),
  }));
  // An empty child subquery comes back as null, not as an empty result.
  return { attributes: attributes('PermissionSet'), Id: '0PS5g000000ProfAAA', ObjectPerms: rows.length ? query(rows) : null };
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
