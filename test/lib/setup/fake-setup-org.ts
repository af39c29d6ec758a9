import {
  apiError,
  type DoctorOrgData,
  FakeDoctorOrg,
  inList,
  literalAfter,
  PACKAGE_FIELDS,
  type SentRequest,
} from '../doctor/fake-doctor-org.js';

/**
 * A fake org for `setup`'s unit tests: the doctor's fake (which already answers connect's and the doctor's requests)
 * plus what the installation writers need — the assignment query by permission set and user ids, the package's Event
 * FieldDefinitions, sObject Collections inserts of PermissionSetAssignment and Tooling PATCHes of Layout.Metadata —
 * on one shared data set, so a write is seen by the doctor that runs after it. Every request is recorded.
 */

type Sub = { referenceId: string; method?: string; url: string; body?: { Metadata?: Metadata } };
type SubAnswer = { referenceId: string; httpStatusCode: number; httpHeaders: Record<string, string>; body: unknown };
type LayoutItem = { field?: string | null };
type Metadata = { layoutSections?: Array<{ layoutColumns?: Array<{ layoutItems?: LayoutItem[] | null }> | null }> | null };

const soqlOf = (url: string): string | undefined => new URL(url, 'http://x').searchParams.get('q') ?? undefined;
const pathOf = (url: string): string => new URL(url, 'http://x').pathname;
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const answer = (referenceId: string, httpStatusCode: number, body: unknown): SubAnswer => ({ referenceId, httpStatusCode, httpHeaders: {}, body });
const query = (records: unknown[], tooling = false): unknown => ({
  ...(tooling ? { size: records.length, queryLocator: null, entityTypeName: 'X' } : {}),
  totalSize: records.length,
  done: true,
  records,
});

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
    return this.requests.filter((r) => !/\/services\/data\/?$/.test(pathOf(r.url)));
  }

  /** Requests that change something: collection inserts and Composites carrying a PATCH. */
  public get writes(): SentRequest[] {
    return this.requests.filter((r) => /\/composite\/sobjects$/.test(pathOf(r.url)) || (r.body ?? '').includes('"method":"PATCH"'));
  }

  /** The SOQL of every subrequest, in order. */
  public get soql(): string[] {
    return this.requests.flatMap((r) => {
      if (!r.body || !/\/composite$/.test(pathOf(r.url))) return [];
      return (JSON.parse(r.body) as { compositeRequest: Sub[] }).compositeRequest.flatMap((s) => soqlOf(s.url) ?? []);
    });
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
    const sent: SentRequest =
      typeof request === 'string' ? { method: 'GET', url: request } : { method: 'GET', ...(request as Partial<SentRequest> & { url: string }) };
    this.requests.push(sent);
    const path = pathOf(sent.url);
    if (this.fault && !/\/services\/data\/?$/.test(path)) throw this.fault;
    if (sent.method === 'POST' && /\/composite\/sobjects$/.test(path)) return this.insert(sent.body ?? '{}');
    if (sent.method === 'POST' && /\/composite$/.test(path)) return this.composite(sent.url, sent.body ?? '{}');
    return this.doctor.handle(request);
  }

  private async composite(url: string, body: string): Promise<unknown> {
    const { compositeRequest } = JSON.parse(body) as { compositeRequest: Sub[] };
    if (compositeRequest.length > 25) throw apiError('INVALID_BATCH_REQUEST', 'more than 25 subrequests');
    if (compositeRequest.filter((s) => soqlOf(s.url) !== undefined).length > 5) throw apiError('INVALID_BATCH_REQUEST', 'more than 5 queries');
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
    if (!layout) return answer(referenceId, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    if (this.readonlyLayouts.has(id)) {
      return answer(referenceId, 400, [{ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id' }]);
    }
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
      if (!assignee) return { success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id' }] };
      if (this.unlicensed.has(assignee.Username)) {
        const message = "The user license doesn't match the user license of the permission set: OnceHub connector for Salesforce";
        return { success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message }] };
      }
      this.data.assignments.push({ username: assignee.Username, PermissionSetId: r.PermissionSetId });
      return { id: `0Pa5g0000000Ne${i}AAA`, success: true, errors: [] };
    });
  }

  private userId(username: string): string | undefined {
    return this.data.users.find((u) => same(u.Username, username))?.Id;
  }
}
