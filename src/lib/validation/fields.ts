import { Messages } from '@salesforce/core';
import type { BookingObject, StaticValue } from '../mapping/setup-file.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'doctor-checks');

/**
 * What the checks of Phases 3 and 4 need from a describe of Lead, Contact, Account, Event and Case: a trimmed copy of
 * each field, so that facts are easy to build by hand in tests.
 */

/** `defaultValue`: the value Salesforce preselects (describe's picklistValues[].defaultValue). */
export type PicklistEntry = { value: string; active: boolean; defaultValue?: boolean };

export type FieldFact = {
  name: string;
  label: string;
  /** The describe type: string, textarea, picklist, reference, boolean, currency, date, datetime, … */
  type: string;
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  /** Formula and roll-up summary fields. */
  calculated: boolean;
  autoNumber: boolean;
  restrictedPicklist: boolean;
  picklistValues: PicklistEntry[];
};

export type ObjectFields = { name: BookingObject; fields: FieldFact[] };

type DescribeField = Partial<Record<keyof FieldFact, unknown>> & { picklistValues?: unknown };

const bool = (v: unknown): boolean => v === true;

/** The trimmed facts of a describe answer (`GET /sobjects/<Object>/describe`). */
export function parseDescribe(object: BookingObject, body: Record<string, unknown>): ObjectFields {
  const fields = Array.isArray(body.fields) ? (body.fields as DescribeField[]) : [];
  return {
    name: object,
    fields: fields.map((f) => ({
      name: String(f.name),
      label: String(f.label ?? f.name),
      type: String(f.type),
      length: typeof f.length === 'number' ? f.length : 0,
      nillable: bool(f.nillable),
      createable: bool(f.createable),
      updateable: bool(f.updateable),
      defaultedOnCreate: bool(f.defaultedOnCreate),
      calculated: bool(f.calculated),
      autoNumber: bool(f.autoNumber),
      restrictedPicklist: bool(f.restrictedPicklist),
      picklistValues: Array.isArray(f.picklistValues)
        ? (f.picklistValues as Array<Record<string, unknown>>).map((p) => ({ value: String(p.value), active: bool(p.active), ...(p.defaultValue === true ? { defaultValue: true } : {}) }))
        : [],
    })),
  };
}

/** API names are case-insensitive in Salesforce: `lead.region__c` is `Lead.Region__c`. */
export function findField(object: ObjectFields, name: string): FieldFact | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === wanted);
}

/**
 * Fields a new record cannot be created without: createable, not nillable and not defaulted on create in describe —
 * OnceHub's "universally required fields that do not have a default value" (OnceHub help, "Handling required
 * Salesforce fields in the Field validation step"). Booleans are skipped: they are never nillable, and an unset checkbox is simply false.
 */
export function requiredFields(object: ObjectFields): FieldFact[] {
  return object.fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean');
}

/**
 * Required standard fields OnceHub's default mapping fills. Assumed: OnceHub help ("Mapping OnceHub fields to
 * non-mandatory Salesforce fields") says the default mapping covers Lead, Contact, Event, Account and Case but does not
 * list its fields; a booking always has a name, a company, a subject, a start and an end, so Lead.LastName,
 * Lead.Company, Contact.LastName, Account.Name and the Event's subject, start and duration are taken as filled. They
 * are reported as covered, not as gaps.
 */
export const DEFAULT_MAPPED_FIELDS: Readonly<Record<BookingObject, readonly string[]>> = {
  Lead: ['LastName', 'Company'],
  Contact: ['LastName'],
  Account: ['Name'],
  Event: ['Subject', 'StartDateTime', 'EndDateTime', 'ActivityDateTime', 'ActivityDate', 'DurationInMinutes'],
  Case: [],
};

export const isDefaultMapped = (object: BookingObject, field: string): boolean =>
  DEFAULT_MAPPED_FIELDS[object].some((name) => name.toLowerCase() === field.toLowerCase());

/**
 * The placeholder OnceHub writes into a required field that has no value source, by describe type (the table in
 * OnceHub help, "Handling required Salesforce fields in the Field validation step").
 * Types without one (picklist, lookup, …) make the booking's insert fail instead.
 */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  currency: '$0.00',
  date: 'the current date',
  datetime: 'the current time',
  email: 'email@example.com',
  location: '0.000000, 0.000000',
  double: '0',
  int: '0',
  long: '0',
  percent: '0%',
  phone: '1234567890',
  string: 'Unspecified',
  textarea: 'Unspecified',
  encryptedstring: 'Unspecified',
  url: 'http://NA',
};

export const placeholderFor = (type: string): string | undefined => PLACEHOLDERS[type];

/**
 * Types OnceHub cannot write in Field mapping: checkbox, lookup, formula, auto-number and roll-up summary. OnceHub help
 * ("Supported and non-supported field types in the Salesforce integration") hides non-supported types in Field
 * mapping; which ones exactly is assumed here: the read-only and relationship types, and checkbox. Formula and roll-up fields are `calculated` in describe.
 */
export function unsupportedTypeOf(field: FieldFact): string | undefined {
  if (field.calculated) return messages.getMessage('type.calculated');
  if (field.autoNumber) return messages.getMessage('type.autoNumber');
  if (field.type === 'boolean') return messages.getMessage('type.boolean');
  if (field.type === 'reference' || field.type === 'id') return messages.getMessage('type.reference');
  return undefined;
}

/** A value that does not fit a field; `blocking` when Salesforce would reject the record, else a data-quality risk. */
export type ValueProblem = { text: string; blocking: boolean };

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const validDate = (text: string): boolean => {
  const parsed = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text.slice(0, 10));
};

function picklistProblem(field: FieldFact, values: readonly string[]): ValueProblem | undefined {
  const active = field.picklistValues.filter((p) => p.active).map((p) => p.value);
  const wrong = values.find((v) => !active.includes(v));
  if (wrong === undefined) return undefined;
  const known = field.picklistValues.find((p) => p.value.toLowerCase() === wrong.toLowerCase());
  const text = !known
    ? messages.getMessage('value.picklistUnknown', [wrong, active.join(', ') || '(none)'])
    : known.active
    ? messages.getMessage('value.picklistCase', [wrong, known.value])
    : messages.getMessage('value.picklistInactive', [wrong]);
  // An unrestricted picklist stores any text: the value is only off-list. A restricted one rejects the record.
  return { text, blocking: field.restrictedPicklist };
}

/** Whether a static value fits the field's type (and is an active value of a picklist); undefined when it does. */
export function valueProblem(field: FieldFact, value: StaticValue): ValueProblem | undefined {
  const text = String(value);
  const reject = (key: string, ...tokens: string[]): ValueProblem => ({
    text: messages.getMessage(key, [text, ...tokens]),
    blocking: true,
  });
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean' || /^(true|false)$/i.test(text) ? undefined : reject('value.notBoolean');
    case 'int':
    case 'long':
      return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && INTEGER.test(text))
        ? undefined
        : reject('value.notInteger');
    case 'double':
    case 'currency':
    case 'percent':
      return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && NUMERIC.test(text))
        ? undefined
        : reject('value.notNumber');
    case 'date':
      return typeof value === 'string' && DATE.test(text) && validDate(text) ? undefined : reject('value.notDate');
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(text) && validDate(text) ? undefined : reject('value.notDateTime');
    case 'time':
      return typeof value === 'string' && TIME.test(text) ? undefined : reject('value.notTime');
    case 'email':
      return EMAIL.test(text) ? undefined : reject('value.notEmail');
    case 'picklist':
      return picklistProblem(field, [text]);
    case 'multipicklist':
      return picklistProblem(
        field,
        text.split(';').map((v) => v.trim())
      );
    default:
      return field.length > 0 && text.length > field.length ? reject('value.tooLong', String(field.length)) : undefined;
  }
}
