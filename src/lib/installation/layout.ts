import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { errorCodeOf, isOrgLevelError } from '../org/errors.js';
import { layoutFullName as metadataFullName, parseLayoutFullName } from '../org/layout-names.js';
import { batches, listMetadata, type MetadataError, type MetadataFileProperties, readMetadata, updateMetadata } from '../org/metadata.js';
import { orderByWsdl, WsdlOrderError } from '../org/metadata-order.js';
import { dataPath, expectObject, getRequest, queryAll, readResource, type SalesforceRecord, sendComposite, subBody } from '../org/requests.js';
import { escapeControl, quoteArg } from '../cli/command-line.js';
import { exitCodeOf, type ExitCode } from '../cli/exit-codes.js';
import { sameId } from '../org/identity.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.add-fields');

/**
 * Installation step 3: the package's two Activity fields on the Event page layouts that are in use. Layouts are read
 * and written through the Metadata API (`readMetadata` / `updateMetadata`, ≤ 10 per call): real orgs refuse Tooling
 * PATCH of layouts with actions, a summary layout or a feed (restforce/restforce#534, jetstreamapp/jetstream#919).
 * Requests: the layout assignments
 * and the Event describe side by side, then ⌈L/10⌉ reads and ⌈changed/10⌉ writes. Full names come from the org: the
 * name percent-encoded and a managed layout's namespace in front (`org/layout-names.ts`); a layout still read empty
 * is looked up by id with `listMetadata` and read again under the name the org gives. Everything sent follows the
 * WSDL's element order (`org/metadata-order.ts`).
 */

export const PACKAGE_EVENT_FIELDS = ['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c'] as const;

/** Which layouts profiles (and record types) actually see for Event. */
export const EVENT_LAYOUT_ASSIGNMENTS_QUERY =
  "SELECT Id, LayoutId, Layout.Name, Layout.NamespacePrefix, ProfileId, Profile.Name, RecordTypeId FROM ProfileLayout WHERE TableEnumOrId = 'Event'";

/**
 * The Metadata API full name of an Event layout: `Event-Event Layout %28Sales%29`, `Event-ns__Layout` for a layout
 * of a managed package (forcedotcom/cli#2869; alan-morey/force-meta-backup#41, jetstreamapp/jetstream#642,
 * hardisgroupcom/sfdx-hardis#1533).
 */
export const layoutFullName = (name: string, namespacePrefix?: string | null): string => metadataFullName('Event', name, namespacePrefix);

/**
 * An Event layout in use. `name` is the layout's name as Setup lists it (`Layout.Name`, without the namespace of a
 * managed layout); `fullName` the Metadata API name built from it, replaced by the org's own when a read needed
 * `listMetadata`.
 */
export type EventLayout = { id: string; name: string; profiles: string[]; namespacePrefix?: string | null; fullName?: string };

export type LayoutItem = Record<string, unknown> & { field?: string | null; behavior?: string | null };
export type LayoutColumn = Record<string, unknown> & { layoutItems?: LayoutItem[] | null };
export type LayoutSection = Record<string, unknown> & { style?: string | null; layoutColumns?: LayoutColumn[] | null };
export type LayoutMetadata = Record<string, unknown> & { layoutSections?: LayoutSection[] | null };

export type LayoutFieldsPlan = {
  added: string[];
  alreadyPresent: string[];
  metadata: LayoutMetadata;
  /** The metadata as read, when fields are added (what a backup keeps). */
  read?: LayoutMetadata;
};

type Rel = Record<string, unknown> | null | undefined;

/** The distinct layouts among the ProfileLayout rows, each with the profiles that use it, in first-seen order. */
export function eventLayoutsInUse(records: readonly SalesforceRecord[]): EventLayout[] {
  const layouts = new Map<string, EventLayout>();
  for (const row of records) {
    if (typeof row.LayoutId !== 'string') continue;
    const name = (row.Layout as Rel)?.Name;
    const ns = (row.Layout as Rel)?.NamespacePrefix;
    const namespacePrefix = typeof ns === 'string' && ns !== '' ? ns : null;
    const layout = layouts.get(row.LayoutId) ?? {
      id: row.LayoutId,
      name: typeof name === 'string' ? name : row.LayoutId,
      profiles: [],
      namespacePrefix,
      fullName: layoutFullName(typeof name === 'string' ? name : row.LayoutId, namespacePrefix),
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
    // In the WSDL's LayoutSection sequence: customLabel, detailHeading, editHeading, label, layoutColumns, style.
    section = { customLabel: true, detailHeading: true, editHeading: true, label: 'OnceHub', layoutColumns: [], style: 'OneColumn' };
    sections.unshift(section);
  }
  const columns = (section.layoutColumns ??= []);
  if (columns.length === 0) columns.push({ layoutItems: [] });
  const items = (columns[0].layoutItems ??= []);
  items.push(...added.map((field) => ({ behavior: 'Edit', field })));
  return { added, alreadyPresent, metadata: next, read: metadata };
}

/**
 * The package fields the Event describe lists. Activity custom fields are defined on Activity and appear in the Event
 * describe; whether FieldDefinition also lists them under Event is not documented (no public source found), so it is
 * not asked: the describe works either way.
 */
export function packageFieldsIn(describe: Record<string, unknown>): string[] {
  const fields = Array.isArray(describe.fields) ? (describe.fields as Array<{ name?: unknown } | null>) : [];
  const names = new Set(fields.map((f) => String(f?.name).toLowerCase()));
  return PACKAGE_EVENT_FIELDS.filter((f) => names.has(f.toLowerCase()));
}

/** The Event layouts in use (a Tooling query) and the package fields on Event (the describe): two requests side by side. */
export async function readLayoutFacts(conn: Connection): Promise<{ layouts: EventLayout[]; fieldsInOrg: string[] }> {
  const [assignments, describe] = await Promise.all([
    queryAll(conn, EVENT_LAYOUT_ASSIGNMENTS_QUERY, true),
    readResource(conn, dataPath(conn, '/sobjects/Event/describe')),
  ]);
  return { layouts: eventLayoutsInUse(assignments), fieldsInOrg: packageFieldsIn(expectObject(describe, 'the Event describe')) };
}

/**
 * The doctor's read of the layouts (it checks, never writes): one Tooling GET per layout, all in one Tooling
 * Composite beside its other reads. A layout without metadata counts as lacking both fields.
 */
export async function readLayoutMetadata(conn: Connection, layouts: readonly EventLayout[]): Promise<LayoutMetadata[]> {
  if (layouts.length === 0) return [];
  const reads = layouts.map((l, i) => getRequest(conn, `layout${i}`, `/sobjects/Layout/${l.id}`, true));
  const answers = await sendComposite(conn, reads, { tooling: true });
  return layouts.map((_, i) => subBody<{ Metadata?: LayoutMetadata | null }>(answers, `layout${i}`).Metadata ?? {});
}

export type LayoutWriteError = MetadataError;

/** A layout's metadata as the Metadata API returned it, or why it could not be read. */
export type LayoutRead = { metadata: LayoutMetadata } | { error: LayoutWriteError };

const failureOf = (err: unknown): LayoutWriteError => {
  const errorCode = errorCodeOf(err) ?? 'UNKNOWN_EXCEPTION';
  const message = err instanceof Error ? err.message : String(err);
  // The refusal names the permissions the Metadata API needs (forcedotcom/cli#3048).
  if (errorCode === 'INSUFFICIENT_ACCESS') return { errorCode, message: messages.getMessage('error.metadataAccess', [message]) };
  return { errorCode, message };
};

/** The full name a read of this layout tries first. */
/** A layout's Metadata API full name: as the org gave it when known, else built from its name and namespace. */
export const fullNameOf = (layout: Pick<EventLayout, 'name' | 'fullName' | 'namespacePrefix'>): string => layout.fullName ?? layoutFullName(layout.name, layout.namespacePrefix);

const noContent = (fullName: string): LayoutRead => ({
  error: { errorCode: 'NO_CONTENT', message: messages.getMessage('error.noContent', [fullName]) },
});

/** One `readMetadata` call: a read per name; a failed call is each name's error (org-level failures are thrown). */
async function readBatch(conn: Connection, names: readonly string[]): Promise<LayoutRead[]> {
  try {
    const records = await readMetadata(conn, 'Layout', names);
    return records.map((record, i) => (record ? { metadata: record } : noContent(names[i])));
  } catch (err) {
    if (isOrgLevelError(err)) throw err;
    return names.map(() => ({ error: failureOf(err) }));
  }
}

/** Errors that say nothing about a batch's other layouts: no content for one name, a caller the API refuses. */
const NOT_A_BATCH_FAULT = new Set(['NO_CONTENT', 'INSUFFICIENT_ACCESS']);

/**
 * Reads in calls of ≤ 10 names side by side. A failed call of several names does not condemn them all: each of its
 * names is read again alone, so one layout the org cannot serve is the only one reported.
 */
async function readNames(conn: Connection, names: readonly string[]): Promise<LayoutRead[]> {
  const reads = await Promise.all(
    batches(names).map(async (batch) => {
      const first = await readBatch(conn, batch);
      const batchFault = first.every((r) => 'error' in r && !NOT_A_BATCH_FAULT.has(r.error.errorCode));
      if (batch.length === 1 || !batchFault) return first;
      const alone: LayoutRead[] = [];
      // One after the other: the failure case only, when the org is struggling.
      for (const name of batch) alone.push(...(await readBatch(conn, [name])));
      return alone;
    })
  );
  return reads.flat();
}

/**
 * The spellings to try for a listed layout: the listed full name, and, for a managed layout listed without its
 * namespace on the layout part (Gearset's "Retrieving and deploying namespaced layouts"), with it.
 */
export function listedNames(listed: MetadataFileProperties): string[] {
  const ns = listed.namespacePrefix;
  const parts = parseLayoutFullName(listed.fullName);
  if (!ns || parts.namespacePrefix) return [listed.fullName];
  const dash = listed.fullName.indexOf('-');
  return [listed.fullName, `${listed.fullName.slice(0, dash + 1)}${ns}__${listed.fullName.slice(dash + 1)}`];
}

/**
 * Reads the layouts' metadata through `readMetadata`, ≤ 10 per call, the calls side by side; in the order given.
 * A layout answered without content is looked up by id in the org's `listMetadata` of Layout (one call) and read
 * again under the name listed; still without content, or whose call failed, it is an error (org-level failures are
 * thrown). The metadata read carries the org's spelling of its `fullName`, which the write sends back.
 */
export async function readLayouts(conn: Connection, layouts: readonly EventLayout[]): Promise<LayoutRead[]> {
  if (layouts.length === 0) return [];
  const reads = await readNames(conn, layouts.map(fullNameOf));
  const empty = layouts.flatMap((layout, i) => {
    const read = reads[i];
    return 'error' in read && read.error.errorCode === 'NO_CONTENT' ? [{ layout, i }] : [];
  });
  if (empty.length === 0) return reads;

  let listed: MetadataFileProperties[];
  try {
    listed = await listMetadata(conn, 'Layout');
  } catch (err) {
    if (isOrgLevelError(err)) throw err;
    return reads;
  }
  const retries = empty.flatMap(({ layout, i }) => {
    const found = listed.find((p) => sameId(p.id, layout.id));
    const names = found ? listedNames(found).filter((n) => n !== fullNameOf(layout)) : [];
    return names.map((name) => ({ i, name }));
  });
  if (retries.length === 0) return reads;
  const again = await readNames(conn, retries.map((r) => r.name));
  const out = [...reads];
  retries.forEach(({ i }, k) => {
    if ('metadata' in again[k] && !('metadata' in out[i])) out[i] = again[k];
  });
  return out;
}

/** What to do with one layout: add fields (maybe none), or nothing at all because its metadata could not be read. */
export type LayoutPlan = LayoutFieldsPlan | { unreadable: LayoutWriteError };

export const planLayout = (read: LayoutRead): LayoutPlan =>
  'metadata' in read ? planLayoutFields(read.metadata) : { unreadable: read.error };

/** The plan when it adds something: only such layouts are ever written. */
export const changeOf = (plan: LayoutPlan): LayoutFieldsPlan | undefined =>
  'unreadable' in plan || plan.added.length === 0 ? undefined : plan;

/** One layout in the result of `sf oncehub layout add-fields` (and setup's layout step). */
export type LayoutFieldsRow = {
  layout: string;
  added: string[];
  alreadyPresent: string[];
  /** Only when the write was refused: the fields that could not be added. */
  notAdded?: string[];
  /** Why the layout was not read or not written; it was left unchanged. */
  error?: LayoutWriteError;
  /** Set when the metadata could not be read, so nothing is known about its fields. */
  unreadable?: true;
};
export type LayoutAddFieldsResult = {
  layouts: LayoutFieldsRow[];
  dryRun?: true;
  /** The backup of the layouts as they were before this write (restore with `sf oncehub layout restore`). */
  backupDir?: string;
};

export function layoutRow(layout: EventLayout, plan: LayoutPlan, writeError?: LayoutWriteError): LayoutFieldsRow {
  if ('unreadable' in plan) return { layout: layout.name, added: [], alreadyPresent: [], error: plan.unreadable, unreadable: true };
  if (writeError) return { layout: layout.name, added: [], alreadyPresent: plan.alreadyPresent, notAdded: plan.added, error: writeError };
  return { layout: layout.name, added: plan.added, alreadyPresent: plan.alreadyPresent };
}

/**
 * Called by writeLayouts before its first write, with every layout about to be written: as read and as it will be
 * written. The backup (backup.ts) is this hook; when it throws, nothing is written.
 */
export type LayoutWriteHook = (
  writes: ReadonlyArray<{ layout: EventLayout; fullName: string; before: LayoutMetadata; written: LayoutMetadata }>
) => Promise<void>;

/**
 * The one place that writes layouts: `updateMetadata` of each changed layout, ≤ 10 per call, each sent exactly as it
 * was read with only the new items added (the call replaces the whole layout). Returns the error of each layout
 * (by id) that was refused; org-level failures are thrown. `beforeWrite` (the backup) runs first, when there is a write.
 */
export async function writeLayouts(
  conn: Connection,
  writes: ReadonlyArray<{ layout: EventLayout; metadata: LayoutMetadata; read?: LayoutMetadata }>,
  beforeWrite?: LayoutWriteHook
): Promise<Map<string, LayoutWriteError>> {
  const failures = new Map<string, LayoutWriteError>();
  // Every layout sent is in the WSDL's element order; one holding an element the WSDL does not know is not sent.
  const sendable = writes.flatMap((w) => {
    const fullName = typeof w.metadata.fullName === 'string' && w.metadata.fullName !== '' ? w.metadata.fullName : fullNameOf(w.layout);
    try {
      return [{ layout: w.layout, fullName, read: w.read, component: orderByWsdl('Layout', { ...w.metadata, fullName }) }];
    } catch (err) {
      if (!(err instanceof WsdlOrderError)) throw err;
      failures.set(w.layout.id, { errorCode: 'UNKNOWN_ELEMENT', message: messages.getMessage('error.unknownElement', [err.message]) });
      return [];
    }
  });
  // The backup (a hook, so this module does not know where it goes) is complete before the first write.
  if (beforeWrite && sendable.length > 0) {
    await beforeWrite(
      sendable.map(({ layout, fullName, read, component }) => ({
        layout,
        fullName,
        before: read ?? component,
        written: component,
      }))
    );
  }
  for (const batch of batches(sendable)) {
    const components = batch.map((w) => w.component);
    try {
      const results = await updateMetadata(conn, 'Layout', components);
      results.forEach((r, i) => {
        if (!r.success) failures.set(batch[i].layout.id, r.error ?? { errorCode: 'UNKNOWN_EXCEPTION', message: 'Refused' });
      });
    } catch (err) {
      if (isOrgLevelError(err)) throw err;
      for (const w of batch) failures.set(w.layout.id, failureOf(err));
    }
  }
  return failures;
}

const fold = (name: string): string => name.trim().toLowerCase();

/**
 * Whether a `--layout` value names this layout, case-insensitively: its name as Setup lists it (`Event Layout
 * (Sales)`), its Metadata API full name (`Event-Event Layout %28Sales%29`, `Event-ns__Layout`), or `Event-` and its
 * plain name.
 */
function names(layout: EventLayout, typed: string): boolean {
  const wanted = fold(typed);
  const spellings = [layout.name, fullNameOf(layout), `Event-${layout.name}`];
  if (layout.namespacePrefix) spellings.push(`${layout.namespacePrefix}__${layout.name}`, `Event-${layout.namespacePrefix}__${layout.name}`);
  return spellings.some((s) => fold(s) === wanted);
}

/**
 * The layouts `--layout` names (all of them without the flag), and the names that match no layout in use.
 */
export function selectLayouts(
  layouts: readonly EventLayout[],
  typed: readonly string[] | undefined
): { selected: EventLayout[]; unknown: string[] } {
  if (!typed || typed.length === 0) return { selected: [...layouts], unknown: [] };
  return {
    selected: layouts.filter((l) => typed.some((t) => names(l, t))),
    unknown: typed.filter((t) => !layouts.some((l) => names(l, t))),
  };
}

export type AddLayoutFieldsOutcome = {
  result: LayoutAddFieldsResult;
  /** How many layouts lacked a field (and were written, unless this was a dry run). */
  changing: number;
  /** 0 when every layout has the fields (added or already there), 1 when none has, 68 in between. */
  exitCode: ExitCode;
};

/**
 * `sf oncehub layout add-fields`: the layouts in use and the Event describe, the layouts' metadata, and writes of only
 * the layouts that lack a package field (none on a dry run or when nothing is missing). A layout that could not be
 * read is reported and never written. Throws when the package's fields do not exist or a --layout name matches no
 * layout in use.
 */
export async function addLayoutFields(
  conn: Connection,
  alias: string,
  options: { layouts?: readonly string[]; dryRun: boolean; beforeWrite?: LayoutWriteHook }
): Promise<AddLayoutFieldsOutcome> {
  const facts = await readLayoutFacts(conn);
  const absent = PACKAGE_EVENT_FIELDS.filter((f) => !facts.fieldsInOrg.includes(f));
  if (absent.length > 0) throw messages.createError('error.packageFieldsMissing', [absent.join(', '), escapeControl(alias)], [quoteArg(alias)]);
  const { selected, unknown } = selectLayouts(facts.layouts, options.layouts);
  if (unknown.length > 0) {
    const names = (list: string[]): string => list.map((n) => `"${n}"`).join(', ');
    throw messages.createError('error.unknownLayout', [names(unknown), names(facts.layouts.map((l) => l.name))]);
  }
  const plans = (await readLayouts(conn, selected)).map(planLayout);
  const changes = selected.flatMap((layout, i) => {
    const change = changeOf(plans[i]);
    return change ? [{ layout, metadata: change.metadata, read: change.read }] : [];
  });
  const failures = options.dryRun ? new Map<string, LayoutWriteError>() : await writeLayouts(conn, changes, options.beforeWrite);
  const layouts = selected.map((l, i) => layoutRow(l, plans[i], failures.get(l.id)));
  const failed = layouts.filter((r) => r.error).length;
  const exitCode = exitCodeOf({ failed, succeeded: layouts.length - failed });
  return { result: options.dryRun ? { layouts, dryRun: true } : { layouts }, changing: changes.length, exitCode };
}
