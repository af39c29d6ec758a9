import type { ConnectionRecord } from '../connection/state.js';
import type { AssignmentRuleFact } from '../mapping/creation-rules.js';
import { BOOKING_OBJECTS, type BookingObject, type FieldMappingEntry, type SetupFile, type StaticValue, type ValueSource } from '../mapping/setup-file.js';
import { type FieldFact, findField, isDefaultMapped, type ObjectFields, requiredFields, unsupportedTypeOf, valueProblem } from '../validation/fields.js';

/**
 * `sf oncehub setup-file generate`, the pure part: a starting setup file from an org's describes, its active
 * assignment rules and the recorded connection, such that `doctor --config` on the same org finds nothing failing in
 * Phases 3–5.
 */

export type GenerateFacts = {
  describes: Record<BookingObject, ObjectFields>;
  assignmentRules: AssignmentRuleFact[];
  /** The connection `sf oncehub connect` recorded for this org, if any. */
  recorded?: Pick<ConnectionRecord, 'username' | 'mode'>;
};

/**
 * The value source OnceHub's own fallback gives a required field without one (OnceHub help, "Handling required
 * Salesforce fields in the Field validation step"), as a setup-file entry:
 * the same static values, so nothing changes at booking time but the choice is now visible and reviewed. "Current
 * date/time" cannot be a static value: the booking's own time ("Booking - Meeting time in UTC", a OnceHub field) is
 * the nearest source. Picklists (no fallback) get their default, else their first active value.
 */
export function valueSourceFor(field: FieldFact): ValueSource | undefined {
  const fallback = ((): StaticValue | undefined => {
    switch (field.type) {
      case 'picklist':
      case 'multipicklist': {
        const active = field.picklistValues.filter((p) => p.active);
        return (active.find((p) => p.defaultValue) ?? active[0])?.value;
      }
      case 'currency':
      case 'double':
      case 'int':
      case 'long':
      case 'percent':
        return 0;
      case 'email':
        return 'email@example.com';
      case 'phone':
        return '1234567890';
      case 'url':
        return 'http://NA';
      case 'string':
      case 'textarea':
      case 'encryptedstring':
        return 'Unspecified'.slice(0, field.length > 0 ? field.length : undefined);
      default:
        return undefined;
    }
  })();
  if (fallback !== undefined) return valueProblem(field, fallback) ? undefined : { value: fallback };
  if (field.type === 'date' || field.type === 'datetime') return { from: 'Booking - Meeting time in UTC' };
  // Lookups, geolocations, times: no value OnceHub could send; doctor keeps reporting them.
  return undefined;
}

/** OnceHub's booking-form fields and the standard fields they obviously belong in. */
const FORM_FIELDS: ReadonlyArray<{ from: string; to: `${BookingObject}.${string}` }> = [
  { from: 'Customer - First name', to: 'Lead.FirstName' },
  { from: 'Customer - Last name', to: 'Lead.LastName' },
  { from: 'Customer - Email', to: 'Lead.Email' },
  { from: 'Customer - Phone', to: 'Lead.Phone' },
  { from: 'Customer - Company', to: 'Lead.Company' },
  { from: 'Customer - First name', to: 'Contact.FirstName' },
  { from: 'Customer - Last name', to: 'Contact.LastName' },
  { from: 'Customer - Email', to: 'Contact.Email' },
  { from: 'Customer - Phone', to: 'Contact.Phone' },
  { from: 'Customer - Company', to: 'Account.Name' },
];

/**
 * The form fields whose target the org has, creatable, of a type OnceHub writes and not required: required ones are
 * fed by OnceHub's default mapping or Field validation, and Field mapping only takes non-mandatory fields (OnceHub
 * help, "Mapping OnceHub fields to non-mandatory Salesforce fields").
 */
function formMapping(describes: GenerateFacts['describes']): FieldMappingEntry[] {
  return FORM_FIELDS.filter(({ to }) => {
    const [object, name] = to.split('.') as [BookingObject, string];
    const field = findField(describes[object], name);
    return !!field && field.createable && !unsupportedTypeOf(field) && !requiredFields(describes[object]).includes(field);
  }).map(({ from, to }) => ({ from, to }));
}

export function buildSetupFile(facts: GenerateFacts): SetupFile {
  const fieldValidation: Record<string, ValueSource> = {};
  for (const object of BOOKING_OBJECTS) {
    for (const field of requiredFields(facts.describes[object])) {
      if (isDefaultMapped(object, field.name)) continue;
      const source = valueSourceFor(field);
      if (source) fieldValidation[`${object}.${field.name}`] = source;
    }
  }
  const hasRule = (object: string): boolean => facts.assignmentRules.some((r) => r.object === object);
  // OnceHub's defaults as its creation-rules tab presents them: keep the Salesforce data and owner of existing
  // records, fill only their empty fields; new records go to the org's assignment rules when it has active ones.
  const newOwner = (object: string): 'assignment-rules' | 'booking-page-owner' => (hasRule(object) ? 'assignment-rules' : 'booking-page-owner');
  return {
    ...(facts.recorded ? { mode: facts.recorded.mode, apiUser: facts.recorded.username } : {}),
    fieldValidation,
    fieldMapping: formMapping(facts.describes),
    creationRules: {
      lead: { existing: { data: 'fill-empty', owner: 'keep' }, new: { owner: newOwner('Lead') } },
      contact: { existing: { data: 'fill-empty', owner: 'keep' } },
      case: { create: false },
    },
  };
}
