import { queryResult as query, saveFailure } from '../../fakes/records.js';
import {
  checkCompositeLimits,
  errorBody,
  isCollectionsInsert,
  isComposite,
  isVersionDiscovery,
  literalAfter,
  notFound,
  pathOf,
  same,
  sentRequest,
  type SentRequest,
  sentSubrequests,
  soqlOf,
  subAnswer as answer,
  type SubAnswer,
  subrequestsOf,
  writesOf,
} from '../../fakes/requests.js';
import { type DoctorOrgData, FakeDoctorOrg, inList, PACKAGE_FIELDS } from '../doctor/fake-doctor-org.js';

/**
 * A fake org for `setup`'s unit tests: the doctor's fake (which already answers connect's and the doctor's requests)
 * plus what the installation writers need — the assignment query by permission set and user ids, the package's Event
 * FieldDefinitions, sObject Collections inserts of PermissionSetAssignment and Tooling PATCHes of Layout.Metadata —
 * on one shared data set, so a write is seen by the doctor that runs after it. Every request is recorded.
 */

type Sub = { referenceId: string; method?: string; url: string; body?: { Metadata?: Metadata } };
type LayoutItem = { field?: string | null };
type Metadata = { layoutSections?: Array<{ layoutColumns?: Array<{ layoutItems?: LayoutItem[] | null }> | null }> | null };

export class FakeSetupOrg {
  public readonly requests: SentRequest[] = [];
  public readonly doctor: FakeDoctorOrg;
  /** Rejects every request to the org with this error (an org-level failure). */
  public fault?: Error;
  /** Layout ids whose PATCH is refused. */
  public readonlyLayouts = new Set<string>();
  /** Users (by username) whose assignment insert is refused with a license error. */
  public unlicensed = new Set<string>();

  public constructor(data: DoctorOrgData) {
    this.doctor = new FakeDoctorOrg(data);
  }

  public get data(): DoctorOrgData {
    return this.doctor.data;
  }

  /** Requests to the org, without sf's API-version discovery. */
  public get orgRequests(): SentRequest[] {
    return this.requests.filter((r) => !isVersionDiscovery(r.url));
  }

  /** Requests that change something: collection inserts and Composites carrying a PATCH. */
  public get writes(): SentRequest[] {
    return writesOf(this.requests);
  }

  /** The SOQL of every subrequest, in order. */
  public get soql(): string[] {
    return sentSubrequests(this.requests).flatMap((s) => soqlOf(s.url) ?? []);
  }

  /** Forgets the requests sent so far (to count those of a second run). */
  public clearRequests(): void {
    this.requests.length = 0;
  }

  /** The fields on a layout now. */
  public layoutFields(name: string): string[] {
    return this.data.layouts.find((l) => l.Name === name)?.fields ?? [];
  }

  public async handle(request: unknown): Promise<unknown> {
    const sent = sentRequest(request);
    this.requests.push(sent);
    if (this.fault && !isVersionDiscovery(sent.url)) throw this.fault;
    if (sent.method === 'POST' && isCollectionsInsert(sent.url)) return this.insert(sent.body ?? '{}');
    if (sent.method === 'POST' && isComposite(sent.url)) return this.composite(sent.url, sent.body ?? '{}');
    return this.doctor.handle(request);
  }

  private async composite(url: string, body: string): Promise<unknown> {
    const compositeRequest = subrequestsOf<Sub>(body);
    checkCompositeLimits(compositeRequest);
    const answers: SubAnswer[] = [];
    for (const sub of compositeRequest) {
      answers.push(this.own(sub) ?? (await this.delegate(url, sub)));
    }
    return { compositeResponse: answers };
  }

  /** One subrequest through the doctor's fake, as a Composite of its own. */
  private async delegate(url: string, sub: Sub): Promise<SubAnswer> {
    const body = JSON.stringify({ allOrNone: false, compositeRequest: [sub] });
    const answered = (await this.doctor.handle({ method: 'POST', url, body })) as { compositeResponse: SubAnswer[] };
    return answered.compositeResponse[0];
  }

  private own(sub: Sub): SubAnswer | undefined {
    const soql = soqlOf(sub.url) ?? '';
    if (/FROM PermissionSetAssignment WHERE PermissionSetId = /.test(soql)) {
      const permsetId = literalAfter(soql, 'PermissionSetId');
      const ids = inList(soql, 'AssigneeId');
      const rows = this.data.assignments
        .filter((a) => a.PermissionSetId === permsetId)
        .map((a, i) => ({ attributes: { type: 'PermissionSetAssignment' }, Id: `0Pa5g00000000${i}AAA`, AssigneeId: this.userId(a.username) }))
        .filter((a) => a.AssigneeId && ids.includes(a.AssigneeId));
      return answer(sub.referenceId, 200, query(rows));
    }
    if (/FROM FieldDefinition WHERE EntityDefinitionId = 'Event'/.test(soql)) {
      const installed = this.data.packages.some((p) => p.namespace === 'ScheduleOnce');
      const rows = (installed ? PACKAGE_FIELDS : []).map((f) => ({ attributes: { type: 'FieldDefinition' }, QualifiedApiName: f }));
      return answer(sub.referenceId, 200, query(rows, true));
    }
    const layoutId = /\/tooling\/sobjects\/Layout\/(\w+)$/.exec(pathOf(sub.url))?.[1];
    if (layoutId && sub.method === 'PATCH') return this.patchLayout(sub.referenceId, layoutId, sub.body?.Metadata);
    return undefined;
  }

  private patchLayout(referenceId: string, id: string, metadata: Metadata | undefined): SubAnswer {
    const layout = this.data.layouts.find((l) => l.Id === id);
    if (!layout) return { referenceId, httpHeaders: {}, ...notFound() };
    if (this.readonlyLayouts.has(id)) return answer(referenceId, 400, errorBody('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id'));
    layout.fields = (metadata?.layoutSections ?? []).flatMap((s) =>
      (s.layoutColumns ?? []).flatMap((c) => (c.layoutItems ?? []).flatMap((i) => (i.field ? [i.field] : [])))
    );
    return answer(referenceId, 204, null);
  }

  private insert(body: string): unknown {
    const { allOrNone, records } = JSON.parse(body) as { allOrNone: boolean; records: Array<{ AssigneeId: string; PermissionSetId: string }> };
    if (allOrNone) throw new Error('the plugin must insert with allOrNone false');
    return records.map((r, i) => {
      const assignee = this.data.users.find((u) => u.Id === r.AssigneeId);
      if (!assignee) return saveFailure('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
      if (this.unlicensed.has(assignee.Username)) {
        return saveFailure('FIELD_INTEGRITY_EXCEPTION', "The user license doesn't match the user license of the permission set: OnceHub connector for Salesforce");
      }
      this.data.assignments.push({ username: assignee.Username, PermissionSetId: r.PermissionSetId });
      return { id: `0Pa5g0000000Ne${i}AAA`, success: true, errors: [] };
    });
  }

  private userId(username: string): string | undefined {
    return this.data.users.find((u) => same(u.Username, username))?.Id;
  }
}
