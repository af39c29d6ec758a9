import { layoutFromXml } from '../../../emulator/layout-xml.js';
import { layoutItem, type LayoutItem } from '../../../emulator/layouts.js';
import { attributes, installedPackageRecord, profileLayoutRecord, queryResult as query, saveFailure as failure, userLicense } from '../../fakes/records.js';
import {
  apiError,
  checkCompositeLimits,
  compositeAnswer,
  errorAnswer,
  inList,
  isCollectionsInsert,
  isComposite,
  isTooling,
  literalAfter,
  pathOf,
  sentRequest,
  type SentRequest,
  sentSubrequests,
  soqlOf as queryParameter,
  type Subrequest,
  subrequestsOf,
  writesOf,
} from '../../fakes/requests.js';
import { faultAnswer, readAnswer, type SoapAnswer, type SoapCall, updateAnswer } from '../../fakes/soap.js';

/**
 * A fake org for the Installation unit tests, plugged into TestContext's `fakeConnectionRequest`. It reads the real
 * requests the plugin sends (Composite bodies, Tooling Composite, sObject Collections, plain queries), answers them
 * the way Salesforce does for the handful of SOQL shapes involved, keeps assignments and layouts as state, and records
 * every request so tests can assert on the SOQL, the bodies and the number of round trips.
 */

export type { SentRequest } from '../../fakes/requests.js';
export { apiError, inList, literalAfter } from '../../fakes/requests.js';

export type FakeUser = { Id: string; Username: string; IsActive: boolean; license: string | null };
export type FakePermissionSet = { Id: string; Name: string; Label: string; NamespacePrefix: string | null; license: string | null };
export type FakeLayout = { Id: string; Name: string; profiles: string[]; Metadata: Record<string, unknown> };
export type FakePackage = { namespace: string | null; name: string; versionId: string; version: [number, number, number, number] };

export type FakeInstallationData = {
  users: FakeUser[];
  permissionSets: FakePermissionSet[];
  /** A group assignment has the group's id and, as its PermissionSetId, the group's aggregate set. */
  assignments: Array<{ Id: string; AssigneeId: string; PermissionSetId: string; PermissionSetGroupId?: string }>;
  /** Permission set groups with the sets they contain. */
  groups?: Array<{ Id: string; label: string; permissionSetIds: string[] }>;
  layouts: FakeLayout[];
  /** QualifiedApiName of the ScheduleOnce fields that exist on Event. */
  eventFields: string[];
  packages: FakePackage[];
};

export const ONCEHUB_PERMSET: FakePermissionSet = {
  Id: '0PS5g000000OnceAAA',
  Name: 'OnceHub_connector_for_Salesforce',
  Label: 'OnceHub connector for Salesforce',
  NamespacePrefix: 'ScheduleOnce',
  license: 'Salesforce',
};

export const PACKAGE_FIELDS = ['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c'];

/** User ids that look like Salesforce's: 005 + 15 characters. */
export const userId = (n: number): string => `0055g${String(n).padStart(10, '0')}AAA`;

export function user(n: number, overrides: Partial<FakeUser> = {}): FakeUser {
  return { Id: userId(n), Username: `user${n}@acme.example`, IsActive: true, license: 'Salesforce', ...overrides };
}

export class FakeInstallationOrg {
  public readonly requests: SentRequest[] = [];
  /** Runs just before an sObject Collections insert is applied (to let a "concurrent" admin assign someone). */
  public beforeInsert?: () => void;
  /** Makes Tooling queries of these objects answer INVALID_TYPE, as for a user without View Setup and Configuration. */
  public hiddenToolingObjects = new Set<string>();
  /** Layout ids whose update is refused. */
  public readonlyLayouts = new Set<string>();
  /** Layout ids whose readMetadata answer is a record without content. */
  public contentlessLayouts = new Set<string>();
  /** Answers every SOAP call with this fault instead. */
  public soapFault?: SoapAnswer;
  /** The SOAP calls received, in order. */
  public readonly soapCalls: SoapCall[] = [];
  /** Answers every request with this error instead. */
  public fault?: Error;
  private nextId = 1;

  public constructor(public data: FakeInstallationData) {}

  /** The SOQL of every query sent, through Composite or directly, in order. */
  public get soql(): string[] {
    return this.requests.flatMap((r) =>
      r.body && isComposite(r.url) ? sentSubrequests([r]).flatMap((s) => soqlOf(s.url) ?? []) : soqlOf(r.url) ?? []
    );
  }

  /** Requests that change something: collection inserts, Composite bodies carrying PATCH subrequests, updateMetadata. */
  public get writes(): SentRequest[] {
    return writesOf(this.requests).concat(this.requests.filter((r) => r.body === 'updateMetadata'));
  }

  public layout(name: string): FakeLayout {
    const found = this.data.layouts.find((l) => l.Name === name);
    if (!found) throw new Error(`no layout ${name}`);
    return found;
  }

  public handle(request: unknown): Promise<unknown> {
    const sent = sentRequest(request);
    this.requests.push(sent);
    try {
      if (this.fault) throw this.fault;
      return Promise.resolve(this.answer(sent));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** A Metadata API call (plugged into the SOAP transport stub): readMetadata / updateMetadata of Event layouts. */
  public soap(call: SoapCall): SoapAnswer {
    this.requests.push({ method: 'POST', url: call.url, body: call.operation });
    this.soapCalls.push(call);
    if (this.soapFault) return this.soapFault;
    const named = (fullName: unknown): FakeLayout | undefined => this.data.layouts.find((l) => `Event-${l.Name}` === fullName);
    if (call.fullNames.length > 10 || call.components.length > 10) {
      return faultAnswer('EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 10 records in this operation');
    }
    if (call.operation === 'readMetadata') {
      return readAnswer(
        call.fullNames.map((fullName) => {
          const layout = named(fullName);
          return layout && !this.contentlessLayouts.has(layout.Id) ? { fullName, ...structuredClone(layout.Metadata) } : undefined;
        })
      );
    }
    return updateAnswer(
      call.components.map(({ '@_type': _type, fullName, ...metadata }) => {
        const layout = named(fullName);
        const name = String(fullName);
        if (!layout) return { fullName: name, error: { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `no Layout named ${name} found` } };
        if (this.readonlyLayouts.has(layout.Id)) return { fullName: name, error: { statusCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' } };
        // Stored back in the Tooling JSON shape (typed scalars, lists), as the emulator does.
        layout.Metadata = layoutFromXml(metadata);
        return { fullName: name };
      })
    );
  }

  private answer(sent: SentRequest): unknown {
    if (sent.method === 'GET' && /\/sobjects\/Event\/describe$/.test(pathOf(sent.url))) return this.eventDescribe();
    if (sent.method === 'POST' && isComposite(sent.url)) return this.composite(sent.body ?? '{}', isTooling(sent.url));
    if (sent.method === 'POST' && isCollectionsInsert(sent.url)) return this.insert(sent.body ?? '{}');
    const soql = soqlOf(sent.url);
    if (sent.method === 'GET' && soql !== undefined) return this.query(soql, isTooling(sent.url));
    throw apiError('NOT_FOUND', 'The requested resource does not exist', 404);
  }

  private composite(body: string, tooling: boolean): unknown {
    const compositeRequest = subrequestsOf<Subrequest & { body?: { Metadata?: Record<string, unknown> } }>(body);
    checkCompositeLimits(compositeRequest);
    return compositeAnswer(compositeRequest, (sub) => {
      try {
        if (tooling !== sub.url.includes('/tooling/')) throw apiError('INVALID_BATCH_REQUEST', `wrong Composite for ${sub.url}`);
        const soql = soqlOf(sub.url);
        if (sub.method === 'GET' && soql !== undefined) return { httpStatusCode: 200, body: this.query(soql, tooling) };
        const layoutId = /\/tooling\/sobjects\/Layout\/(\w+)$/.exec(sub.url)?.[1];
        if (layoutId && sub.method === 'GET') return { httpStatusCode: 200, body: this.layoutRecord(layoutId) };
        if (layoutId && sub.method === 'PATCH') {
          this.patchLayout(layoutId, sub.body?.Metadata);
          return { httpStatusCode: 204, body: null };
        }
        throw apiError('NOT_FOUND', 'The requested resource does not exist', 404);
      } catch (err) {
        return errorAnswer(err);
      }
    });
  }

  private query(soql: string, tooling: boolean): unknown {
    const from = /FROM (\w+)/.exec(soql)?.[1] ?? '';
    if (tooling && this.hiddenToolingObjects.has(from)) {
      throw apiError('INVALID_TYPE', `sObject type '${from}' is not supported.`);
    }
    switch (from) {
      case 'PermissionSet':
        return query(this.permissionSets(soql).map(permissionSetRecord));
      case 'User': {
        const wanted = new Set((inList(soql, 'Username') ?? []).map((u) => u.toLowerCase()));
        return query(this.data.users.filter((u) => wanted.has(u.Username.toLowerCase())).map(userRecord));
      }
      case 'PermissionSetGroupComponent': {
        const candidates = new Set(this.permissionSets(soql).map((p) => p.Id));
        const rows = (this.data.groups ?? []).flatMap((g) =>
          g.permissionSetIds
            .filter((id) => candidates.has(id))
            .map((id) => ({
              attributes: attributes('PermissionSetGroupComponent'),
              PermissionSetId: id,
              PermissionSetGroupId: g.Id,
              PermissionSetGroup: { attributes: attributes('PermissionSetGroup'), MasterLabel: g.label },
            }))
        );
        return query(rows);
      }
      case 'PermissionSetAssignment': {
        const permsetId = literalAfter(soql, 'PermissionSetId');
        const ids = new Set(inList(soql, 'AssigneeId') ?? []);
        const groupIds = new Set((inList(soql, 'PermissionSetGroupId') ?? []).map((id) => id.slice(0, 15)));
        const rows = this.data.assignments.filter(
          (a) => ids.has(a.AssigneeId) && (a.PermissionSetId === permsetId || (a.PermissionSetGroupId && groupIds.has(a.PermissionSetGroupId.slice(0, 15))))
        );
        return query(
          rows.map((a) => ({
            attributes: attributes('PermissionSetAssignment'),
            Id: a.Id,
            AssigneeId: a.AssigneeId,
            PermissionSetId: a.PermissionSetId,
            PermissionSetGroupId: a.PermissionSetGroupId ?? null,
          }))
        );
      }
      case 'InstalledSubscriberPackage':
        return query(this.data.packages.map(packageRecord), true);
      case 'ProfileLayout':
        return query(
          this.data.layouts.flatMap((l) =>
            l.profiles.map((profileName) =>
              profileLayoutRecord({ Id: `01G${l.Id.slice(3)}`, LayoutId: l.Id, layoutName: l.Name, ProfileId: '00e5g000000ProfAAA', profileName })
            )
          ),
          true
        );
      default:
        throw new Error(`FakeInstallationOrg cannot answer: ${soql}`);
    }
  }

  /** The Event describe: the standard fields plus the package's Activity fields that exist. */
  private eventDescribe(): unknown {
    const names = ['Id', 'Subject', 'WhoId', 'WhatId', 'StartDateTime', 'EndDateTime', 'Description', ...this.data.eventFields];
    return { name: 'Event', label: 'Event', fields: names.map((name) => ({ name, custom: name.endsWith('__c') })) };
  }

  private permissionSets(soql: string): FakePermissionSet[] {
    const labels = inList(soql, 'Label')?.map((l) => l.toLowerCase());
    const name = literalAfter(soql, 'Name');
    const namespace = literalAfter(soql, 'NamespacePrefix');
    return this.data.permissionSets.filter(
      (p) =>
        (!labels || labels.includes(p.Label.toLowerCase())) &&
        (name === undefined || p.Name.toLowerCase() === name.toLowerCase()) &&
        (namespace === undefined || p.NamespacePrefix?.toLowerCase() === namespace.toLowerCase())
    );
  }

  private insert(body: string): unknown {
    const { allOrNone, records } = JSON.parse(body) as {
      allOrNone: boolean;
      records: Array<{ attributes: { type: string }; AssigneeId: string; PermissionSetId: string }>;
    };
    if (records.length > 200) throw apiError('EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    if (allOrNone) throw new Error('the plugin must insert with allOrNone false');
    this.beforeInsert?.();
    return records.map((r) => {
      if (r.attributes.type !== 'PermissionSetAssignment') throw new Error(`unexpected ${r.attributes.type}`);
      const assignee = this.data.users.find((u) => u.Id === r.AssigneeId);
      const permset = this.data.permissionSets.find((p) => p.Id === r.PermissionSetId);
      if (!assignee || !permset) return failure('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
      if (this.data.assignments.some((a) => a.AssigneeId === r.AssigneeId && a.PermissionSetId === r.PermissionSetId)) {
        return failure('DUPLICATE_VALUE', `Duplicate PermissionSetAssignment. Assignee: ${r.AssigneeId}; Permission Set: ${r.PermissionSetId}`);
      }
      if (permset.license && permset.license !== assignee.license) {
        return failure(
          'FIELD_INTEGRITY_EXCEPTION',
          `The user license doesn't match the user license of the permission set: ${permset.Label}`
        );
      }
      const Id = `0Pa5g${String(this.nextId++).padStart(10, '0')}AAA`;
      this.data.assignments.push({ Id, AssigneeId: r.AssigneeId, PermissionSetId: r.PermissionSetId });
      return { id: Id, success: true, errors: [] };
    });
  }

  private layoutRecord(id: string): unknown {
    const layout = this.data.layouts.find((l) => l.Id === id);
    if (!layout) throw apiError('NOT_FOUND', 'The requested resource does not exist', 404);
    return {
      attributes: attributes('Layout', true),
      Id: layout.Id,
      Name: layout.Name,
      FullName: `Event-${layout.Name}`,
      Metadata: structuredClone(layout.Metadata),
    };
  }

  private patchLayout(id: string, metadata: Record<string, unknown> | undefined): void {
    const layout = this.data.layouts.find((l) => l.Id === id);
    if (!layout) throw apiError('NOT_FOUND', 'The requested resource does not exist', 404);
    if (this.readonlyLayouts.has(id)) throw apiError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
    if (!metadata) throw apiError('JSON_PARSER_ERROR', 'Metadata is required');
    layout.Metadata = structuredClone(metadata);
  }
}

/** The SOQL of a query URL (`…/query?q=`), else undefined. */
function soqlOf(url: string): string | undefined {
  return /\/query$/.test(pathOf(url)) ? queryParameter(url) ?? '' : undefined;
}

function permissionSetRecord(p: FakePermissionSet): unknown {
  return {
    attributes: attributes('PermissionSet'),
    Id: p.Id,
    Name: p.Name,
    Label: p.Label,
    NamespacePrefix: p.NamespacePrefix,
    LicenseId: p.license ? '1005g000000LicAAA' : null,
    License: userLicense(p.license),
  };
}

function userRecord(u: FakeUser): unknown {
  return {
    attributes: attributes('User'),
    Id: u.Id,
    Username: u.Username,
    IsActive: u.IsActive,
    Profile: {
      attributes: attributes('Profile'),
      UserLicense: userLicense(u.license),
    },
  };
}

function packageRecord(p: FakePackage, i: number): unknown {
  const [MajorVersion, MinorVersion, PatchVersion, BuildNumber] = p.version;
  return installedPackageRecord({
    Id: `0A35g00000000${i}xAAA`,
    SubscriberPackageId: `0335g00000000${i}xAAA`,
    namespace: p.namespace,
    name: p.name,
    version: { Id: p.versionId, Name: `v${MajorVersion}.${MinorVersion}`, MajorVersion, MinorVersion, PatchVersion, BuildNumber },
  });
}

/** A Tooling Layout Metadata as Salesforce returns it: unset properties are null, sections hold columns of items. */
export function layoutMetadata(sections: Array<{ label: string; style?: string; columns: string[][] }>): Record<string, unknown> {
  const item = (field: string): LayoutItem => layoutItem(field, field === 'Subject' ? 'Required' : 'Edit');
  return {
    customButtons: [],
    customConsoleComponents: null,
    emailDefault: null,
    excludeButtons: ['Submit'],
    feedLayout: null,
    headers: [],
    layoutSections: sections.map((s) => ({
      customLabel: false,
      detailHeading: true,
      editHeading: true,
      label: s.label,
      layoutColumns: s.columns.map((fields) => ({ layoutItems: fields.map(item), reserved: null })),
      style: s.style ?? 'TwoColumnsTopToBottom',
    })),
    miniLayout: { fields: ['Subject'], relatedLists: [] },
    multilineLayoutFields: [],
    platformActionList: null,
    quickActionList: null,
    relatedContent: null,
    relatedLists: [{ fields: ['NAME'], relatedList: 'RelatedAttendeeList', sortField: null }],
    relatedObjects: [],
    runAssignmentRulesDefault: null,
    showEmailCheckbox: null,
    showHighlightsPanel: null,
    showInteractionLogPanel: null,
    showKnowledgeComponent: null,
    showRunAssignmentRulesCheckbox: null,
    showSolutionSection: null,
    showSubmitAndAttachButton: null,
    summaryLayout: null,
  };
}

/** The two Event layouts of the tests: the standard one without the fields, a sales one with one field already. */
export function eventLayouts(): FakeLayout[] {
  return [
    {
      Id: '00h5g000000EvtAAA',
      Name: 'Event Layout',
      profiles: ['System Administrator', 'Standard User'],
      Metadata: layoutMetadata([
        { label: 'Calendar Details', columns: [['Subject', 'WhoId', 'WhatId'], ['StartDateTime', 'EndDateTime']] },
        { label: 'Description Information', style: 'OneColumn', columns: [['Description']] },
      ]),
    },
    {
      Id: '00h5g000000SlsAAA',
      Name: 'Sales Event Layout',
      profiles: ['Sales Rep'],
      Metadata: layoutMetadata([
        { label: 'Links', style: 'CustomLinks', columns: [[]] },
        { label: 'Meeting', columns: [['Subject', 'ScheduleOnce__Event_status__c'], ['StartDateTime']] },
      ]),
    },
  ];
}

export function installationOrg(overrides: Partial<FakeInstallationData> = {}): FakeInstallationOrg {
  return new FakeInstallationOrg({
    users: [user(1)],
    permissionSets: [ONCEHUB_PERMSET],
    assignments: [],
    layouts: eventLayouts(),
    eventFields: [...PACKAGE_FIELDS],
    packages: [{ namespace: 'ScheduleOnce', name: 'OnceHub connector for Salesforce', versionId: '04t5g000000OnceAAA', version: [1, 42, 0, 3] }],
    ...overrides,
  });
}
