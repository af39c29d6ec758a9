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

/**
 * `breaking`: a booking's insert or update fails in the target. `warning`: a risk that does not block the write
 * (placeholders, rules, a value off the list of an unrestricted picklist).
 */
export type SchemaSeverity = 'breaking' | 'warning';

/** `field` is the rule's name for the two rule issues. */
export type SchemaDifference = {
  object: BookingObject;
  field: string;
  issue: SchemaIssue;
  severity: SchemaSeverity;
  source: string;
  target: string;
  fix: string;
};

/** Issues that make a booking's insert or update fail in the target; the others are risks (placeholders, rules). */
const BREAKING: ReadonlySet<SchemaIssue> = new Set(['missing', 'type', 'not-createable', 'not-updateable', 'picklist-value-missing', 'picklist-value-inactive']);

const severityOf = (issue: SchemaIssue): SchemaSeverity => (BREAKING.has(issue) ? 'breaking' : 'warning');

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
    // An unrestricted picklist stores a value off its list (the API accepts it), as the doctor's mapping check judges:
    // a warning. A restricted one rejects the record.
    const severity: SchemaSeverity = target.restrictedPicklist ? 'breaking' : 'warning';
    const fix = messages.getMessage(`fix.${issue}${severity === 'warning' ? '.unrestricted' : ''}`, [value, `${object}.${name}`]);
    return [{ object, field: `${name} = ${value}`, issue, severity, source: 'active', target: after ? 'inactive' : 'missing', fix }];
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
      severity: severityOf(issue),
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
        return {
          object,
          field: f.name,
          issue: 'newly-required',
          severity: severityOf('newly-required'),
          source: before,
          target: 'required',
          fix: messages.getMessage('fix.newly-required', [`${object}.${f.name}`]),
        };
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
    .map((r) => ({
      object: r.object as BookingObject,
      field: r.name,
      issue,
      severity: severityOf(issue),
      source: 'absent',
      target: 'active',
      fix: messages.getMessage(`fix.${issue}`, [r.name, r.object]),
    }));
}

const rulesOnlyInTarget = (source: SideFacts, target: SideFacts): SchemaDifference[] => [
  ...onlyInTarget(source.validationRules, target.validationRules, 'validation-rule'),
  ...onlyInTarget(source.duplicateRules, target.duplicateRules, 'duplicate-rule'),
];

/** Every schema difference that matters to the setup file (README, "`sf oncehub compare`"). */
export function schemaDifferences(setup: SetupFile, source: SideFacts, target: SideFacts): SchemaDifference[] {
  return [...fieldIssues(setup, source, target), ...newlyRequired(setup, source, target), ...rulesOnlyInTarget(source, target)];
}

/**
 * Whether the difference makes the target less ready in the doctor's own terms: a check that fails there and not in
 * the source. A warning the source does not have is listed (with its fix) but, as in the doctor, warnings allowed.
 */
export const blocksReadiness = (difference: Pick<CheckDifference, 'source' | 'target'>): boolean =>
  difference.target === 'fail' && difference.source !== 'fail';

/**
 * Ready: no check fails in the target that does not fail in the source, and nothing the file writes breaks there.
 * Warning-level differences (a value off an unrestricted picklist, a newly required field, a rule only in the
 * target, a check that only warns) are reported without blocking, as the doctor reports them.
 */
export const isReady = (checks: readonly CheckDifference[], schema: readonly SchemaDifference[]): boolean =>
  !checks.some(blocksReadiness) && !schema.some((d) => d.severity === 'breaking');
