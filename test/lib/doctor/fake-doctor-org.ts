import type { BookingObject } from '../../../src/lib/mapping/setup-file.js';
import {
  apiUserRecord,
  type ApiUserRow,
  attributes,
  fullAccess,
  installedPackageRecord,
  type OrganizationRow,
  organizationRecord,
  PROD_ORG_ID,
  productionOrg,
  profileLayoutRecord,
  queryResult as result,
  userEntityAccessRecords,
  userLoginRecord,
  userPermissionAccessRecord,
  userPermissionSetRecords,
} from '../../fakes/records.js';
import {
  type Answer,
  apiError,
  checkCompositeLimits,
  compositeAnswer,
  errorBody,
  inList as listedIn,
  isComposite,
  isTooling,
  isVersionDiscovery,
  literalAfter,
  notFound,
  same,
  sentRequest,
  type SentRequest,
  sentSubrequests,
  soqlOf,
  subrequestsOf,
} from '../../fakes/requests.js';
import type { FieldFact } from '../../../src/lib/validation/fields.js';

/**
 * A fake org for the doctor's unit tests, plugged into TestContext's `fakeConnectionRequest`. It reads the real
 * Composite bodies the doctor sends (REST and Tooling), answers each subrequest from a small data set the way
 * Salesforce does (nested parents, null empty child subqueries, Tooling result keys, describes, layouts by id), and
 * records every request so tests can assert on the SOQL and on the number of round trips.
 */

export type { SentRequest } from '../../fakes/requests.js';
export { apiError, literalAfter } from '../../fakes/requests.js';

export type DoctorUser = ApiUserRow & { Email: string };

/** A field as Salesforce's describe answers it: the plugin's FieldFact, with describe's fuller picklist entries. */
export type DescribeField = Omit<FieldFact, 'picklistValues'> & {
  picklistValues: Array<{ value: string; label: string; active: boolean; defaultValue: boolean }>;
};

export type DoctorOrgData = {
  org: OrganizationRow;
  users: DoctorUser[];
  packages: Array<{ namespace: string; name: string }>;
  permissionSets: Array<{ Id: string; Name: string; Label: string; NamespacePrefix: string | null }>;
  /** Assignments by username: of a permission set, or (with `group`) of a group that contains it. */
  assignments: Array<{ username: string; PermissionSetId: string; group?: { Id: string; label: string } }>;
  layouts: Array<{ Id: string; Name: string; profiles: string[]; fields: string[] }>;
  objects: Record<BookingObject, DescribeField[]>;
  validationRules: Array<{ object: string; name: string; errorMessage: string }>;
  duplicateRules: Array<{ object: string; name: string; label: string }>;
  assignmentRules: Array<{ object: string; name: string }>;
};

export const ORG_ID = PROD_ORG_ID;
export const ADMIN = 'admin@acme.example';
export const API_USER = 'api@acme.example';
export const PACKAGE_FIELDS = ['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c'];
export const ONCEHUB_PERMSET = {
  Id: '0PS5g000000OnceAAA',
  Name: 'OnceHub_connector_for_Salesforce',
  Label: 'OnceHub connector for Salesforce',
  NamespacePrefix: 'ScheduleOnce',
};

export function doctorUser(username: string, n: number, overrides: Partial<DoctorUser> = {}): DoctorUser {
  return { Id: `0055g${String(n).padStart(10, '0')}AAA`, Username: username, Email: username, Name: username.split('@')[0], ...fullAccess(), ...overrides };
}

export function field(name: string, type: string, overrides: Partial<DescribeField> = {}): DescribeField {
  return {
    name,
    label: name,
    type,
    length: ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'combobox'].includes(type) ? 255 : 0,
    nillable: true,
    createable: true,
    updateable: true,
    defaultedOnCreate: false,
    calculated: false,
    autoNumber: false,
    restrictedPicklist: false,
    picklistValues: [],
    ...overrides,
  };
}

export function picklist(name: string, values: string[], overrides: Partial<DescribeField> = {}): DescribeField {
  return field(name, 'picklist', {
    picklistValues: values.map((v) => ({ value: v.replace(/^-/, ''), label: v.replace(/^-/, ''), active: !v.startsWith('-'), defaultValue: false })),
    ...overrides,
  });
}

const readOnly = (f: DescribeField): DescribeField => ({ ...f, createable: false, updateable: false });
const owner = (): DescribeField => field('OwnerId', 'reference', { nillable: false, defaultedOnCreate: true });
const id = (): DescribeField => readOnly(field('Id', 'id', { nillable: false, defaultedOnCreate: true }));

/** The five objects as a new org describes them (standard required fields only). "-X" marks an inactive picklist value. */
export function standardObjects(): Record<BookingObject, DescribeField[]> {
  return {
    Lead: [
      id(),
      field('LastName', 'string', { nillable: false }),
      field('FirstName', 'string'),
      field('Company', 'string', { nillable: false }),
      readOnly(field('Name', 'string', { nillable: false })),
      field('Email', 'email'),
      field('Phone', 'phone'),
      picklist('LeadSource', ['Web', 'Phone Inquiry', '-Trade Show', 'Other']),
      picklist('Status', ['Open - Not Contacted', 'Working - Contacted'], { nillable: false, defaultedOnCreate: true }),
      picklist('Rating', ['Hot', 'Warm', '-Lukewarm', 'Cold'], { restrictedPicklist: true }),
      field('IsConverted', 'boolean', { nillable: false, defaultedOnCreate: true }),
      field('AnnualRevenue', 'currency'),
      owner(),
    ],
    Contact: [id(), field('LastName', 'string', { nillable: false }), field('FirstName', 'string'), field('Email', 'email'), field('AccountId', 'reference'), owner()],
    Account: [id(), field('Name', 'string', { nillable: false }), field('Phone', 'phone'), field('NumberOfEmployees', 'int'), owner()],
    Event: [
      id(),
      field('Subject', 'combobox'),
      field('StartDateTime', 'datetime'),
      field('EndDateTime', 'datetime'),
      field('DurationInMinutes', 'int'),
      field('IsAllDayEvent', 'boolean', { nillable: false }),
      field('WhoId', 'reference'),
      owner(),
    ],
    Case: [
      id(),
      readOnly(field('CaseNumber', 'string', { nillable: false, autoNumber: true, defaultedOnCreate: true })),
      field('Subject', 'string'),
      picklist('Status', ['New', 'Working', 'Closed'], { nillable: false, defaultedOnCreate: true }),
      picklist('Origin', ['Phone', 'Email', 'Web']),
      owner(),
    ],
  };
}

/** A new org: the admin is a fine API user, but nothing of OnceHub is installed; standard duplicate rules are on. */
export function freshOrg(): DoctorOrgData {
  return {
    org: productionOrg(),
    users: [doctorUser(ADMIN, 1)],
    packages: [{ namespace: 'sf_com_apps', name: 'Salesforce Connected Apps' }],
    permissionSets: [],
    assignments: [],
    layouts: [{ Id: '00h5g000000EvLaAAA', Name: 'Event Layout', profiles: ['System Administrator', 'Standard User'], fields: ['Subject', 'StartDateTime'] }],
    objects: standardObjects(),
    validationRules: [],
    duplicateRules: [
      { object: 'Lead', name: 'Standard_Lead_Duplicate_Rule', label: 'Standard Lead Duplicate Rule' },
      { object: 'Contact', name: 'Standard_Contact_Duplicate_Rule', label: 'Standard Contact Duplicate Rule' },
    ],
    assignmentRules: [],
  };
}

/** Every step done for the API user api@acme.example. */
export function completedOrg(): DoctorOrgData {
  const org = freshOrg();
  return {
    ...org,
    users: [...org.users, doctorUser(API_USER, 2), doctorUser('rep1@acme.example', 3, { profileName: 'Standard User' })],
    packages: [...org.packages, { namespace: 'ScheduleOnce', name: 'OnceHub connector for Salesforce' }],
    permissionSets: [ONCEHUB_PERMSET],
    assignments: [{ username: API_USER, PermissionSetId: ONCEHUB_PERMSET.Id }],
    layouts: org.layouts.map((l) => ({ ...l, fields: [...l.fields, ...PACKAGE_FIELDS] })),
    duplicateRules: [],
    assignmentRules: [{ object: 'Lead', name: 'Standard Lead Assignment' }],
  };
}

/** The literals of `Field IN ('a','b')`, unescaped ([] without such a list). */
export function inList(soql: string, name: string): string[] {
  return listedIn(soql, name) ?? [];
}

export class FakeDoctorOrg {
  public readonly requests: SentRequest[] = [];
  /** Rejects every request with this error (an org-level failure). */
  public fault?: Error;
  /** Answers every request with this body instead (an HTML page, broken JSON). */
  public rawAnswer?: unknown;
  /** Subrequests whose URL matches get this error answer instead, e.g. [/InstalledSubscriberPackage/, 400, 'INVALID_TYPE']. */
  public subFaults: Array<{ match: RegExp; status: number; errorCode: string; message: string }> = [];

  public constructor(public data: DoctorOrgData) {}

  /** Requests to the org, without sf's own API-version discovery (`GET /services/data`). */
  public get orgRequests(): SentRequest[] {
    return this.requests.filter((r) => !isVersionDiscovery(r.url));
  }

  /** Every subrequest sent, with its SOQL when it is a query. */
  public get subrequests(): Array<{ composite: string; url: string; soql?: string }> {
    return sentSubrequests(this.requests).map((s) => ({ ...s, soql: soqlOf(s.url) }));
  }

  public get soql(): string[] {
    return this.subrequests.flatMap((s) => (s.soql ? [s.soql] : []));
  }

  public handle(request: unknown): Promise<unknown> {
    const sent = sentRequest(request);
    this.requests.push(sent);
    if (isVersionDiscovery(sent.url)) return Promise.resolve([{ label: "Spring '25", url: '/services/data/v62.0', version: '62.0' }]);
    if (this.fault) return Promise.reject(this.fault);
    if (this.rawAnswer !== undefined) return Promise.resolve(this.rawAnswer);
    if (sent.method === 'POST' && isComposite(sent.url)) {
      try {
        return Promise.resolve(this.composite(sent.body ?? '{}', isTooling(sent.url)));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    return Promise.reject(apiError('NOT_FOUND', 'The requested resource does not exist', 404));
  }

  private composite(body: string, tooling: boolean): unknown {
    const compositeRequest = subrequestsOf(body);
    checkCompositeLimits(compositeRequest);
    return compositeAnswer(compositeRequest, (sub) => this.subAnswer(sub.url, tooling));
  }

  private subAnswer(url: string, tooling: boolean): Answer {
    const fault = this.subFaults.find((f) => f.match.test(decodeURIComponent(url)));
    if (fault) return { httpStatusCode: fault.status, body: errorBody(fault.errorCode, fault.message) };
    if (tooling !== url.includes('/tooling/')) return { httpStatusCode: 400, body: errorBody('INVALID_BATCH_REQUEST', `wrong Composite for ${url}`) };
    const describe = /\/sobjects\/(\w+)\/describe$/.exec(url);
    if (describe) return this.describe(describe[1]);
    const layout = /\/tooling\/sobjects\/Layout\/(\w+)$/.exec(url);
    if (layout) return this.layout(layout[1]);
    const soql = soqlOf(url);
    if (soql !== undefined) return { httpStatusCode: 200, body: this.query(soql, tooling) };
    return notFound();
  }

  private describe(object: string): Answer {
    const fields = this.data.objects[object as BookingObject];
    if (!fields) return notFound();
    return { httpStatusCode: 200, body: { name: object, label: object, createable: true, fields } };
  }

  private layout(layoutId: string): Answer {
    const layout = this.data.layouts.find((l) => l.Id === layoutId);
    if (!layout) return notFound();
    const items = layout.fields.map((f) => ({ behavior: 'Edit', field: f }));
    return {
      httpStatusCode: 200,
      body: {
        attributes: attributes('Layout', true),
        Id: layout.Id,
        Name: layout.Name,
        Metadata: { layoutSections: [{ label: 'Information', style: 'TwoColumnsTopToBottom', layoutColumns: [{ layoutItems: items }] }] },
      },
    };
  }

  private query(soql: string, tooling: boolean): unknown {
    const { data } = this;
    if (/FROM Organization$/.test(soql)) return result([organizationRecord(data.org)]);
    // Before the other PermissionSet and PermissionSetAssignment queries: this one contains both names.
    if (/ FROM PermissionSet WHERE Id IN \(SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee\.Username = /.test(soql)) {
      const user = this.user(literalAfter(soql, 'Assignee.Username'));
      if (!user) return result([]);
      const held = data.assignments.filter((a) => same(a.username, user.Username));
      const sets = held.map((a) => {
        const ps = data.permissionSets.find((p) => p.Id === a.PermissionSetId);
        return a.group ? { Id: `0PS${a.group.Id.slice(3)}`, label: a.group.label, group: a.group.label } : { Id: a.PermissionSetId, label: ps?.Label ?? '' };
      });
      return result(userPermissionSetRecords({ ...user, permissionSets: [...(user.permissionSets ?? []), ...sets] }).map((r) => this.groupIdsOf(r)));
    }
    if (/FROM PermissionSetGroupComponent WHERE PermissionSetId IN \(SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = false/.test(soql)) {
      const labels = inList(soql, 'Label');
      const ids = new Set(data.permissionSets.filter((p) => labels.includes(p.Label)).map((p) => p.Id));
      const groups = data.assignments.flatMap((a) => (a.group && ids.has(a.PermissionSetId) ? [{ ...a.group, PermissionSetId: a.PermissionSetId }] : []));
      return result(
        groups.map((g) => ({
          attributes: attributes('PermissionSetGroupComponent'),
          PermissionSetId: g.PermissionSetId,
          PermissionSetGroupId: g.Id,
          PermissionSetGroup: { attributes: attributes('PermissionSetGroup'), MasterLabel: g.label },
        }))
      );
    }
    if (/FROM UserPermissionAccess$/.test(soql)) return result([userPermissionAccessRecord(data.users[0])]);
    if (/FROM UserEntityAccess WHERE UserId = /.test(soql)) {
      const user = data.users.find((u) => u.Id === literalAfter(soql, 'UserId'));
      return result(user ? userEntityAccessRecords(user, inList(soql, 'EntityDefinitionId')) : []);
    }
    if (/FROM UserLogin WHERE UserId IN \(SELECT Id FROM User WHERE Username = /.test(soql)) {
      const user = this.user(literalAfter(soql, 'Username'));
      return result(user ? [userLoginRecord(user)] : []);
    }
    if (/^SELECT [^()]* FROM User WHERE Username = /.test(soql)) {
      const user = this.user(literalAfter(soql, 'Username'));
      return result(user ? [apiUserRecord(user)] : []);
    }
    if (/FROM User WHERE Username IN /.test(soql)) {
      const wanted = [...inList(soql, 'Username'), ...inList(soql, 'Email')];
      const users = data.users.filter((u) => wanted.some((w) => same(w, u.Username) || same(w, u.Email)));
      return result(users.map((u) => apiUserRecord(u)));
    }
    if (/FROM PermissionSet WHERE IsOwnedByProfile = false/.test(soql)) {
      const labels = inList(soql, 'Label');
      const sets = data.permissionSets.filter((p) => p.NamespacePrefix === literalAfter(soql, 'NamespacePrefix') && labels.includes(p.Label));
      return result(sets.map((p) => ({ attributes: attributes('PermissionSet'), ...p, LicenseId: null, License: null })));
    }
    if (/FROM DuplicateRule WHERE IsActive = true/.test(soql)) {
      const objects = inList(soql, 'SobjectType');
      return result(
        data.duplicateRules
          .filter((r) => objects.includes(r.object))
          .map((r) => ({ attributes: attributes('DuplicateRule'), Id: '0Bm5g0000000001AAA', DeveloperName: r.name, MasterLabel: r.label, SobjectType: r.object }))
      );
    }
    if (/FROM AssignmentRule WHERE Active = true/.test(soql)) {
      return result(data.assignmentRules.map((r) => ({ attributes: attributes('AssignmentRule'), Id: '01Q5g0000000001AAA', Name: r.name, SobjectType: r.object })));
    }
    if (tooling && /FROM InstalledSubscriberPackage$/.test(soql)) {
      return result(
        data.packages.map((p, i) =>
          installedPackageRecord({
            Id: `0A35g000000000${i}AAA`,
            SubscriberPackageId: `0335g000000000${i}AAA`,
            namespace: p.namespace,
            name: p.name,
            version: { Id: `04t5g000000000${i}AAA`, Name: 'Spring', MajorVersion: 3, MinorVersion: 12, PatchVersion: 0, BuildNumber: 1 },
          })
        ),
        true
      );
    }
    if (tooling && /FROM ProfileLayout WHERE TableEnumOrId = 'Event'$/.test(soql)) {
      return result(
        data.layouts.flatMap((l) =>
          l.profiles.map((profileName) =>
            profileLayoutRecord({ Id: '01G5g0000000001AAA', LayoutId: l.Id, layoutName: l.Name, ProfileId: '00e5g0000000001AAA', profileName })
          )
        ),
        true
      );
    }
    if (tooling && /FROM ValidationRule WHERE Active = true AND EntityDefinition\.QualifiedApiName IN /.test(soql)) {
      const objects = inList(soql, 'EntityDefinition.QualifiedApiName');
      return result(
        data.validationRules
          .filter((r) => objects.includes(r.object))
          .map((r) => ({
            attributes: attributes('ValidationRule', true),
            Id: '03d5g0000000001AAA',
            ValidationName: r.name,
            ErrorMessage: r.errorMessage,
            EntityDefinition: { attributes: attributes('EntityDefinition', true), QualifiedApiName: r.object },
          })),
        true
      );
    }
    throw new Error(`FakeDoctorOrg cannot answer: ${soql}`);
  }

  /** An aggregate set's PermissionSetGroupId as the assignment named it. */
  private groupIdsOf(record: unknown): unknown {
    const r = record as { PermissionSetGroupId: string | null; PermissionSetGroup: { MasterLabel: string } | null };
    const group = this.data.assignments.find((a) => a.group && a.group.label === r.PermissionSetGroup?.MasterLabel)?.group;
    return group ? { ...r, PermissionSetGroupId: group.Id } : r;
  }

  private user(username: string | undefined): DoctorUser | undefined {
    return this.data.users.find((u) => same(u.Username, username ?? ''));
  }
}
