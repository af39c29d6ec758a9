import { Messages } from '@salesforce/core';
import type { CheckStatus } from '../checks.js';
import type { DoctorFacts } from '../doctor/facts.js';
import type { Fetched } from '../fetched.js';
import type { DoctorReport, PhaseId } from '../doctor/report.js';
import { BOOKING_OBJECTS, type BookingObject, parseFieldRef, type SetupFile, type StaticValue } from '../mapping/setup-file.js';
import { type FieldFact, findField, type ObjectFields, requiredFields } from '../validation/fields.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.compare');

/**
 * `sf oncehub compare`, the pure part: what differs between the source org (where the setup was made and tested,
 * usually a sandbox) and the target (usually production), from the two doctor reports and their facts.
 */

export type CheckDifference = { phase: PhaseId; id: string; title: string; source: CheckStatus; target: CheckStatus; fix?: string };

export const SCHEMA_ISSUES = [
  'missing',
  'type',
  'not-createable',
  'not-updateable',
  'picklist-value-missing',
  'picklist-value-inactive',
  'newly-required',
  'validation-rule',
  'duplicate-rule',
] as const;
export type SchemaIssue = (typeof SCHEMA_ISSUES)[number];

/** `field` is the rule's name for the two rule issues. */
export type SchemaDifference = { object: BookingObject; field: string; issue: SchemaIssue; source: string; target: string; fix: string };

/** Issues that make a booking's insert or update fail in the target; the others are risks (placeholders, rules). */
const BREAKING: ReadonlySet<SchemaIssue> = new Set(['missing', 'type', 'not-createable', 'not-updateable', 'picklist-value-missing', 'picklist-value-inactive']);

/** How far from ready a status is: a skipped check (not checkable there) counts like a warning. */
const distance: Readonly<Record<CheckStatus, number>> = { pass: 0, warn: 1, skip: 1, fail: 2 };

/** Every check whose status differs, in report order. */
export function checkDifferences(source: DoctorReport, target: DoctorReport): CheckDifference[] {
  const sourceStatus = new Map(source.phases.flatMap((p) => p.checks.map((c) => [`${p.id}/${c.id}`, c.status] as const)));
  return target.phases.flatMap((phase) =>
    phase.checks.flatMap((check): CheckDifference[] => {
      const before = sourceStatus.get(`${phase.id}/${check.id}`);
      if (!before || before === check.status) return [];
      return [{ phase: phase.id, id: check.id, title: check.title, source: before, target: check.status, ...(check.fix ? { fix: check.fix } : {}) }];
    })
  );
}

/** Whether the target is worse off than the source for this check. */
export const isWorse = (difference: Pick<CheckDifference, 'source' | 'target'>): boolean =>
  distance[difference.target] > distance[difference.source];

type SideFacts = Pick<DoctorFacts, 'describes' | 'validationRules' | 'duplicateRules'>;

/** Objects whose existing records the file has OnceHub override (so mapped fields must be updateable). */
function overridden(setup: SetupFile): Set<BookingObject> {
  const rules = setup.creationRules ?? {};
  return new Set<BookingObject>([
    ...(rules.lead?.existing?.data === 'override' ? (['Lead'] as const) : []),
    ...(rules.contact?.existing?.data === 'override' ? (['Contact'] as const) : []),
  ]);
}

/** The fields the file writes (mapping targets and value-source keys), each once, with the static values it writes. */
function fieldsOfFile(setup: SetupFile): Map<string, { object: BookingObject; field: string; values: StaticValue[] }> {
  const fields = new Map<string, { object: BookingObject; field: string; values: StaticValue[] }>();
  const add = (ref: string, value?: StaticValue): void => {
    const key = ref.toLowerCase();
    const entry = fields.get(key) ?? { ...parseFieldRef(ref), values: [] };
    if (value !== undefined) entry.values.push(value);
    fields.set(key, entry);
  };
  for (const [ref, source] of Object.entries(setup.fieldValidation ?? {})) add(ref, 'value' in source ? source.value : undefined);
  for (const entry of setup.fieldMapping ?? []) add(entry.to, 'value' in entry ? entry.value : undefined);
  return fields;
}

const readable = (facts: SideFacts, object: BookingObject): ObjectFields | undefined => {
  const described = facts.describes[object];
  return described.ok ? described.value : undefined;
};

function picklistIssues(object: BookingObject, name: string, source: FieldFact, target: FieldFact, values: StaticValue[]): SchemaDifference[] {
  if (!['picklist', 'multipicklist'].includes(target.type)) return [];
  const wanted = values.flatMap((v) => String(v).split(';').map((part) => part.trim()));
  return [...new Set(wanted)].flatMap((value): SchemaDifference[] => {
    const before = source.picklistValues.find((p) => p.value === value);
    if (!before?.active) return []; // not working in the source either: doctor says so there
    const after = target.picklistValues.find((p) => p.value === value);
    if (after?.active) return [];
    const issue: SchemaIssue = after ? 'picklist-value-inactive' : 'picklist-value-missing';
    return [{ object, field: `${name} = ${value}`, issue, source: 'active', target: after ? 'inactive' : 'missing', fix: messages.getMessage(`fix.${issue}`, [value, `${object}.${name}`]) }];
  });
}

function fieldIssues(setup: SetupFile, source: SideFacts, target: SideFacts): SchemaDifference[] {
  const overriddenObjects = overridden(setup);
  return [...fieldsOfFile(setup).values()].flatMap(({ object, field: name, values }): SchemaDifference[] => {
    const [sourceFields, targetFields] = [readable(source, object), readable(target, object)];
    if (!sourceFields || !targetFields) return [];
    const before = findField(sourceFields, name);
    if (!before) return []; // the file is already wrong in the source: doctor reports it there
    const ref = `${object}.${before.name}`;
    const row = (issue: SchemaIssue, from: string, to: string): SchemaDifference => ({
      object,
      field: before.name,
      issue,
      source: from,
      target: to,
      fix: messages.getMessage(`fix.${issue}`, [ref, from, to]),
    });
    const after = findField(targetFields, name);
    if (!after) return [row('missing', before.type, 'missing')];
    if (after.type !== before.type) return [row('type', before.type, after.type)];
    return [
      ...(before.createable && !after.createable ? [row('not-createable', 'createable', 'read-only')] : []),
      // A read-only field is reported once, as not createable.
      ...(after.createable && overriddenObjects.has(object) && before.updateable && !after.updateable ? [row('not-updateable', 'updateable', 'not updateable')] : []),
      ...picklistIssues(object, before.name, before, after, values),
    ];
  });
}

/** Fields required in the target but not in the source, that the file gives no value source. */
function newlyRequired(setup: SetupFile, source: SideFacts, target: SideFacts): SchemaDifference[] {
  const sourced = new Set(Object.keys(setup.fieldValidation ?? {}).map((k) => k.toLowerCase()));
  return BOOKING_OBJECTS.flatMap((object) => {
    const [sourceFields, targetFields] = [readable(source, object), readable(target, object)];
    if (!sourceFields || !targetFields) return [];
    const requiredBefore = new Set(requiredFields(sourceFields).map((f) => f.name.toLowerCase()));
    return requiredFields(targetFields)
      .filter((f) => !requiredBefore.has(f.name.toLowerCase()) && !sourced.has(`${object}.${f.name}`.toLowerCase()))
      .map((f): SchemaDifference => {
        const before = findField(sourceFields, f.name) ? 'optional' : 'missing';
        return { object, field: f.name, issue: 'newly-required', source: before, target: 'required', fix: messages.getMessage('fix.newly-required', [`${object}.${f.name}`]) };
      });
  });
}

function onlyInTarget(
  before: Fetched<ReadonlyArray<{ object: string; name: string }>>,
  after: Fetched<ReadonlyArray<{ object: string; name: string }>>,
  issue: 'validation-rule' | 'duplicate-rule'
): SchemaDifference[] {
  if (!before.ok || !after.ok) return []; // unreadable: the check says so
  const key = (r: { object: string; name: string }): string => `${r.object}.${r.name}`.toLowerCase();
  const known = new Set(before.value.map(key));
  return after.value
    .filter((r) => !known.has(key(r)))
    .map((r) => ({ object: r.object as BookingObject, field: r.name, issue, source: 'absent', target: 'active', fix: messages.getMessage(`fix.${issue}`, [r.name, r.object]) }));
}

const rulesOnlyInTarget = (source: SideFacts, target: SideFacts): SchemaDifference[] => [
  ...onlyInTarget(source.validationRules, target.validationRules, 'validation-rule'),
  ...onlyInTarget(source.duplicateRules, target.duplicateRules, 'duplicate-rule'),
];

/** Every schema difference that matters to the setup file (product.md "compare"). */
export function schemaDifferences(setup: SetupFile, source: SideFacts, target: SideFacts): SchemaDifference[] {
  return [...fieldIssues(setup, source, target), ...newlyRequired(setup, source, target), ...rulesOnlyInTarget(source, target)];
}

/** Ready: no check is worse in the target, and nothing the file writes breaks there. */
export const isReady = (checks: readonly CheckDifference[], schema: readonly SchemaDifference[]): boolean =>
  !checks.some(isWorse) && !schema.some((d) => BREAKING.has(d.issue));
