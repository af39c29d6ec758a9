import { type Check, pass, warn } from '../checks.js';
import { checkMessages as messages, checkTitle } from '../check-text.js';
import type { Fetched } from '../fetched.js';
import { BOOKING_OBJECTS, type BookingObject, parseFieldRef, type ValueSource } from '../mapping/setup-file.js';
import {
  type FieldFact,
  findField,
  isDefaultMapped,
  type ObjectFields,
  placeholderFor,
  requiredFields,
  valueProblem,
} from './fields.js';

/**
 * Phase 3, `required-fields`: every field a booking's records cannot be created without needs a value source. The
 * ones OnceHub's default mapping fills pass; the setup file's `fieldValidation` covers others; the rest get
 * OnceHub's placeholder (OnceHub help, "Handling required Salesforce fields in the Field validation step") or, for
 * types without one, make the booking fail.
 */

const ID = 'required-fields';

type Gap = { ref: string; object: BookingObject; field: FieldFact };

const refOf = (object: string, field: FieldFact): string => `${object}.${field.name}`;

function describeGap({ ref, field }: Gap): string {
  const placeholder = placeholderFor(field.type);
  return placeholder
    ? messages.getMessage('required-fields.placeholder', [ref, field.type, placeholder])
    : messages.getMessage('required-fields.noPlaceholder', [ref, field.type]);
}

/** The setup file's fieldValidation entries that do not match a required field, or whose static value does not fit. */
function reviewFieldValidation(
  readable: ReadonlyMap<BookingObject, ObjectFields>,
  fieldValidation: Readonly<Record<string, ValueSource>>
): { notRequired: string[]; badValues: string[] } {
  const notRequired: string[] = [];
  const badValues: string[] = [];
  for (const [key, source] of Object.entries(fieldValidation)) {
    const { object, field: name } = parseFieldRef(key);
    const fields = readable.get(object);
    if (!fields) continue; // unreadable object: already reported
    const field = findField(fields, name);
    if (!field) notRequired.push(messages.getMessage('required-fields.noSuchField', [key]));
    else if (!requiredFields(fields).includes(field)) notRequired.push(messages.getMessage('required-fields.notRequired', [key]));
    else if ('value' in source) {
      const problem = valueProblem(field, source.value);
      if (problem) badValues.push(`${key}: ${problem.text}`);
    }
  }
  return { notRequired, badValues };
}

export function judgeRequiredFields(
  describes: Readonly<Record<BookingObject, Fetched<ObjectFields>>>,
  fieldValidation: Readonly<Record<string, ValueSource>> = {}
): Check {
  const readable = new Map<BookingObject, ObjectFields>();
  const unreadable: string[] = [];
  for (const object of BOOKING_OBJECTS) {
    const described = describes[object];
    if (described.ok) readable.set(object, described.value);
    else unreadable.push(`${object} (${described.errorCode})`);
  }
  const sourced = new Set(Object.keys(fieldValidation).map((k) => k.toLowerCase()));
  const defaultMapped: string[] = [];
  const covered: string[] = [];
  const gaps: Gap[] = [];
  for (const [object, fields] of readable) {
    for (const field of requiredFields(fields)) {
      const ref = refOf(object, field);
      if (sourced.has(ref.toLowerCase())) covered.push(ref);
      else if (isDefaultMapped(object, field.name)) defaultMapped.push(ref);
      else gaps.push({ ref, object, field });
    }
  }
  const { notRequired, badValues } = reviewFieldValidation(readable, fieldValidation);

  const findings = [
    gaps.length ? messages.getMessage('required-fields.gaps', [gaps.length, gaps.map(describeGap).join('; ')]) : '',
    notRequired.length ? messages.getMessage('required-fields.stale', [notRequired.join('; ')]) : '',
    badValues.length ? messages.getMessage('required-fields.badValues', [badValues.join('; ')]) : '',
    unreadable.length ? messages.getMessage('required-fields.unreadable', [unreadable.join(', ')]) : '',
  ].filter(Boolean);
  const coverage = [
    defaultMapped.length ? messages.getMessage('required-fields.defaultMapped', [defaultMapped.join(', ')]) : '',
    covered.length ? messages.getMessage('required-fields.covered', [covered.join(', ')]) : '',
  ].filter(Boolean);

  if (findings.length === 0) {
    return pass(ID, checkTitle(ID), [messages.getMessage('required-fields.pass'), ...coverage].join(' '));
  }
  const example = gaps[0]?.ref ?? 'Lead.Region__c';
  const fixes = [
    gaps.length ? messages.getMessage('required-fields.fix.gaps', [gaps[0].object, gaps[0].field.name, example]) : '',
    notRequired.length || badValues.length ? messages.getMessage('required-fields.fix.setupFile') : '',
    unreadable.length ? messages.getMessage('unreadable.fix') : '',
  ].filter(Boolean);
  return warn(ID, checkTitle(ID), [...findings, ...coverage].join(' '), fixes.join(' '));
}
