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
import { faultAnswer, readAnswer, type SoapAnswer, type SoapCall, updateAnswer } from '../../fakes/soap.js';
import { layoutFromXml } from '../../../emulator/layout-xml.js';
import { type DoctorOrgData, FakeDoctorOrg, inList, PACKAGE_FIELDS } from '../doctor/fake-doctor-org.js';

/**
 * A fake org for `setup`'s unit tests: the doctor's fake (which already answers connect's and the doctor's requests)
 * plus what the installation writers need — the assignment query by permission set and user ids, the Event describe
 * with the package's fields, sObject Collections inserts of PermissionSetAssignment and Metadata API layout reads and
 * updates (through the SOAP stub) —
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

  /** Requests that change something: collection inserts, Composites carrying a PATCH, updateMetadata calls. */
  public get writes(): SentRequest[] {
    return writesOf(this.requests).concat(this.requests.filter((r) => r.body === 'updateMetadata'));
  }

  /** A Metadata API call (plugged into the SOAP transport stub): layouts read and replaced by full name. */
  public soap(call: SoapCall): SoapAnswer {
    this.requests.push({ method: 'POST', url: call.url, body: call.operation });
    if (this.fault) return faultAnswer('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
    const named = (fullName: unknown): DoctorOrgData['layouts'][number] | undefined => this.data.layouts.find((l) => `Event-${l.Name}` === fullName);
    if (call.operation === 'readMetadata') {
      return readAnswer(
        call.fullNames.map((fullName) => {
          const layout = named(fullName);
          const items = layout?.fields.map((field) => ({ behavior: 'Edit', field }));
          return layout ? { fullName, layoutSections: [{ label: 'Information', style: 'OneColumn', layoutColumns: [{ layoutItems: items }] }] } : undefined;
        })
      );
    }
    return updateAnswer(
      call.components.map((component) => {
        const fullName = String(component.fullName);
        const layout = named(fullName);
        if (!layout) return { fullName, error: { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `no Layout named ${fullName} found` } };
        if (this.readonlyLayouts.has(layout.Id)) return { fullName, error: { statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id' } };
        const metadata = layoutFromXml(component) as Metadata;
        layout.fields = (metadata.layoutSections ?? []).flatMap((s) =>
          (s.layoutColumns ?? []).flatMap((c) => (c.layoutItems ?? []).flatMap((i) => (i.field ? [i.field] : [])))
        );
        return { fullName };
      })
    );
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
    // Plain GETs (the layouts query, the Event describe): answered as the doctor's fake answers them in a Composite.
    const data = /^(.*\/services\/data\/v\d+\.0)(\/tooling)?\//.exec(sent.url);
    if (sent.method === 'GET' && data && !/\/(query|sobjects\/\w+\/describe)$/.test(pathOf(sent.url)) === false) {
      const compositeUrl = `${data[1]}${data[2] ?? ''}/composite`;
      const sub = await this.delegate(compositeUrl, { referenceId: 'get', method: 'GET', url: sent.url.replace(/^https?:\/\/[^/]+/, '') });
      if (sub.httpStatusCode >= 400) throw Object.assign(new Error('refused'), { errorCode: (sub.body as Array<{ errorCode: string }>)[0]?.errorCode });
      // The package's Activity fields appear in the Event describe once it is installed.
      const installed = this.data.packages.some((p) => p.namespace === 'ScheduleOnce');
      if (installed && /\/sobjects\/Event\/describe$/.test(pathOf(sent.url))) {
        const describe = sub.body as { fields: Array<{ name: string }> };
        return { ...describe, fields: [...describe.fields, ...PACKAGE_FIELDS.map((name) => ({ name, custom: true }))] };
      }
      return sub.body;
    }
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
    if (/FROM PermissionSetAssignment WHERE AssigneeId IN /.test(soql)) {
      const permsetId = literalAfter(soql, 'PermissionSetId');
      const ids = inList(soql, 'AssigneeId');
      const rows = this.data.assignments
        .filter((a) => a.PermissionSetId === permsetId && !a.group)
        .map((a, i) => ({ attributes: { type: 'PermissionSetAssignment' }, Id: `0Pa5g00000000${i}AAA`, AssigneeId: this.userId(a.username), PermissionSetId: a.PermissionSetId }))
        .filter((a) => a.AssigneeId && ids.includes(a.AssigneeId));
      return answer(sub.referenceId, 200, query(rows));
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
