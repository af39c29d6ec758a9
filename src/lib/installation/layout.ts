import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import {
  dataPath,
  getRequest,
  queryRequest,
  type SalesforceRecord,
  sendComposite,
  type SubRequest,
  type SubResponse,
  subBody,
  subError,
  subQuery,
} from '../org/requests.js';
import { quote } from '../soql.js';
import { ONCEHUB_NAMESPACE } from './package.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.add-fields');

/**
 * Installation step 3: the package's two Activity fields on the Event page layouts that are in use. Layouts are read
 * and written as JSON through the Tooling API (`Layout.Metadata`); `Metadata` can only be selected one row at a time,
 * so each layout is fetched by id, all of them in one Tooling Composite.
 */

export const PACKAGE_EVENT_FIELDS = ['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c'] as const;

/** Which layouts profiles (and record types) actually see for Event. */
export const EVENT_LAYOUT_ASSIGNMENTS_QUERY =
  "SELECT Id, LayoutId, Layout.Name, ProfileId, Profile.Name, RecordTypeId FROM ProfileLayout WHERE TableEnumOrId = 'Event'";

/**
 * The package's fields on Event, to tell "the package is missing" from "the layout lacks the fields". FieldDefinition
 * needs a filter on EntityDefinitionId, which for a standard object is its API name.
 */
export const PACKAGE_EVENT_FIELDS_QUERY =
  "SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinitionId = 'Event' " +
  `AND NamespacePrefix = ${quote(ONCEHUB_NAMESPACE)}`;

export type EventLayout = { id: string; name: string; profiles: string[] };

export type LayoutItem = Record<string, unknown> & { field?: string | null; behavior?: string | null };
export type LayoutColumn = Record<string, unknown> & { layoutItems?: LayoutItem[] | null };
export type LayoutSection = Record<string, unknown> & { style?: string | null; layoutColumns?: LayoutColumn[] | null };
export type LayoutMetadata = Record<string, unknown> & { layoutSections?: LayoutSection[] | null };

export type LayoutFieldsPlan = { added: string[]; alreadyPresent: string[]; metadata: LayoutMetadata };

type Rel = Record<string, unknown> | null | undefined;

/** The distinct layouts among the ProfileLayout rows, each with the profiles that use it, in first-seen order. */
export function eventLayoutsInUse(records: readonly SalesforceRecord[]): EventLayout[] {
  const layouts = new Map<string, EventLayout>();
  for (const row of records) {
    if (typeof row.LayoutId !== 'string') continue;
    const name = (row.Layout as Rel)?.Name;
    const layout = layouts.get(row.LayoutId) ?? {
      id: row.LayoutId,
      name: typeof name === 'string' ? name : row.LayoutId,
      profiles: [],
    };
    const profile = (row.Profile as Rel)?.Name;
    if (typeof profile === 'string' && !layout.profiles.includes(profile)) layout.profiles.push(profile);
    layouts.set(layout.id, layout);
  }
  return [...layouts.values()];
}

const fieldsOn = (metadata: LayoutMetadata): Set<string> =>
  new Set(
    (metadata.layoutSections ?? []).flatMap((section) =>
      (section.layoutColumns ?? []).flatMap((column) =>
        (column.layoutItems ?? []).flatMap((item) => (typeof item.field === 'string' ? [item.field.toLowerCase()] : []))
      )
    )
  );

/** The package fields a layout does not show anywhere in its sections. */
export function missingFields(metadata: LayoutMetadata): string[] {
  const present = fieldsOn(metadata);
  return PACKAGE_EVENT_FIELDS.filter((f) => !present.has(f.toLowerCase()));
}

/**
 * The layout with the missing package fields added, each once, as editable items at the end of the first column of
 * the first field section: that is where an admin dragging them in the layout editor would most likely drop them,
 * and it needs no new section. A "Custom Links" section holds links, not fields, so it is passed over. Everything else
 * is copied untouched; with nothing to add, the metadata returned is the one given.
 */
export function planLayoutFields(metadata: LayoutMetadata): LayoutFieldsPlan {
  const added = missingFields(metadata);
  const alreadyPresent = PACKAGE_EVENT_FIELDS.filter((f) => !added.includes(f));
  if (added.length === 0) return { added, alreadyPresent, metadata };

  const next = structuredClone(metadata);
  const sections = (next.layoutSections ??= []);
  let section = sections.find((s) => s.style !== 'CustomLinks');
  if (!section) {
    section = { label: 'OnceHub', style: 'OneColumn', detailHeading: true, editHeading: true, layoutColumns: [] };
    sections.unshift(section);
  }
  const columns = (section.layoutColumns ??= []);
  if (columns.length === 0) columns.push({ layoutItems: [] });
  const items = (columns[0].layoutItems ??= []);
  items.push(...added.map((field) => ({ behavior: 'Edit', field })));
  return { added, alreadyPresent, metadata: next };
}

const REF = { assignments: 'eventLayouts', fields: 'packageEventFields' } as const;

/** The Tooling subrequests for the layouts in use and the package's Event fields (two queries). */
export const layoutFactsRequests = (conn: Connection): SubRequest[] => [
  queryRequest(conn, REF.assignments, EVENT_LAYOUT_ASSIGNMENTS_QUERY, true),
  queryRequest(conn, REF.fields, PACKAGE_EVENT_FIELDS_QUERY, true),
];

/** Reads the answers of `layoutFactsRequests`: the layouts in use and which package fields exist on Event. */
export async function parseLayoutFacts(
  conn: Connection,
  answers: Map<string, SubResponse>
): Promise<{ layouts: EventLayout[]; fieldsInOrg: string[] }> {
  const layouts = eventLayoutsInUse((await subQuery(conn, answers, REF.assignments)).records);
  const names = new Set(
    (await subQuery(conn, answers, REF.fields)).records.map((r) => String(r.QualifiedApiName).toLowerCase())
  );
  return { layouts, fieldsInOrg: PACKAGE_EVENT_FIELDS.filter((f) => names.has(f.toLowerCase())) };
}

/** The Event layouts in use and which package fields exist, in one Tooling Composite. */
export async function readLayoutFacts(conn: Connection): Promise<{ layouts: EventLayout[]; fieldsInOrg: string[] }> {
  return parseLayoutFacts(conn, await sendComposite(conn, layoutFactsRequests(conn), { tooling: true }));
}

/**
 * Reads the layouts' metadata, in the order given: one GET per layout (Metadata is only readable one record at a
 * time), all in one Tooling Composite (a few, past 25 layouts).
 */
export async function readLayoutMetadata(conn: Connection, layouts: readonly EventLayout[]): Promise<LayoutMetadata[]> {
  if (layouts.length === 0) return [];
  const reads = layouts.map((l, i) => getRequest(conn, `layout${i}`, `/sobjects/Layout/${l.id}`, true));
  const answers = await sendComposite(conn, reads, { tooling: true });
  return layouts.map((_, i) => subBody<{ Metadata?: LayoutMetadata | null }>(answers, `layout${i}`).Metadata ?? {});
}

export type LayoutWriteError = { errorCode: string; message: string };

/** One layout in the result of `sf oncehub layout add-fields` (and setup's layout step). */
export type LayoutFieldsRow = {
  layout: string;
  added: string[];
  alreadyPresent: string[];
  /** Only when the write was refused: the fields that could not be added and why. */
  notAdded?: string[];
  error?: LayoutWriteError;
};
export type LayoutAddFieldsResult = { layouts: LayoutFieldsRow[]; dryRun?: true };

/**
 * The one place that writes layouts: a PATCH of `Metadata` per changed layout, all in one Tooling Composite
 * (allOrNone false: one refused layout must not undo the others). Returns the error of each layout that failed.
 */
export async function writeLayouts(
  conn: Connection,
  writes: ReadonlyArray<{ id: string; metadata: LayoutMetadata }>
): Promise<Map<string, LayoutWriteError>> {
  const failures = new Map<string, LayoutWriteError>();
  if (writes.length === 0) return failures;
  const subrequests: SubRequest[] = writes.map((w, i) => ({
    referenceId: `write${i}`,
    method: 'PATCH',
    url: dataPath(conn, `/tooling/sobjects/Layout/${w.id}`),
    body: { Metadata: w.metadata },
  }));
  const answers = await sendComposite(conn, subrequests, { tooling: true });
  writes.forEach((w, i) => {
    const answer = answers.get(`write${i}`);
    if (!answer) failures.set(w.id, { errorCode: 'MALFORMED_RESPONSE', message: 'No answer for this layout' });
    else if (answer.httpStatusCode >= 400) {
      const err = subError(answer);
      failures.set(w.id, { errorCode: err.errorCode, message: err.message });
    }
  });
  return failures;
}

/** Normalises a layout name as typed: `Event-Event Layout` (a metadata full name) and `Event Layout` both match. */
const layoutKey = (name: string): string => name.replace(/^Event-/i, '').trim().toLowerCase();

/**
 * The layouts `--layout` names (all of them without the flag), and the names that match no layout in use.
 */
export function selectLayouts(
  layouts: readonly EventLayout[],
  names: readonly string[] | undefined
): { selected: EventLayout[]; unknown: string[] } {
  if (!names || names.length === 0) return { selected: [...layouts], unknown: [] };
  const wanted = new Set(names.map(layoutKey));
  const known = new Set(layouts.map((l) => layoutKey(l.name)));
  return {
    selected: layouts.filter((l) => wanted.has(layoutKey(l.name))),
    unknown: names.filter((n) => !known.has(layoutKey(n))),
  };
}

export type AddLayoutFieldsOutcome = {
  result: LayoutAddFieldsResult;
  /** How many layouts lacked a field (and were written, unless this was a dry run). */
  changing: number;
  exitCode: 0 | 1 | 68;
};

/**
 * `sf oncehub layout add-fields`: reads the layouts in use (one Tooling Composite), their metadata (one more), and
 * writes only the layouts that lack a package field (one more; none on a dry run or when nothing is missing).
 * Throws when the package's fields do not exist or a --layout name matches no layout in use.
 */
export async function addLayoutFields(
  conn: Connection,
  alias: string,
  options: { layouts?: readonly string[]; dryRun: boolean }
): Promise<AddLayoutFieldsOutcome> {
  const facts = await readLayoutFacts(conn);
  const absent = PACKAGE_EVENT_FIELDS.filter((f) => !facts.fieldsInOrg.includes(f));
  if (absent.length > 0) throw messages.createError('error.PackageFieldsMissing', [absent.join(', '), alias], [alias]);
  const { selected, unknown } = selectLayouts(facts.layouts, options.layouts);
  if (unknown.length > 0) {
    const names = (list: string[]): string => list.map((n) => `"${n}"`).join(', ');
    throw messages.createError('error.UnknownLayout', [names(unknown), names(facts.layouts.map((l) => l.name))]);
  }
  const plans = (await readLayoutMetadata(conn, selected)).map(planLayoutFields);
  const changes = selected.flatMap((l, i) => (plans[i].added.length > 0 ? [{ id: l.id, metadata: plans[i].metadata }] : []));
  const failures = options.dryRun ? new Map<string, LayoutWriteError>() : await writeLayouts(conn, changes);

  const layouts = selected.map((l, i): LayoutFieldsRow => {
    const { added, alreadyPresent } = plans[i];
    const error = failures.get(l.id);
    return error ? { layout: l.name, added: [], alreadyPresent, notAdded: added, error } : { layout: l.name, added, alreadyPresent };
  });
  const exitCode = failures.size === 0 ? 0 : failures.size === changes.length ? 1 : 68;
  return { result: options.dryRun ? { layouts, dryRun: true } : { layouts }, changing: changes.length, exitCode };
}
