import { type Check, pass, warn } from '../checks.js';
import { checkMessages as messages, checkTitle, unreadableCheck } from '../check-text.js';
import type { Fetched } from '../fetched.js';
import type { SalesforceRecord } from '../org/requests.js';
import { BOOKING_OBJECTS } from '../mapping/setup-file.js';
import { quoteList } from '../soql.js';

/**
 * Phase 3 risks OnceHub itself does not report (its Field validation help covers required fields only): active
 * validation rules and duplicate rules on the
 * objects a booking writes can reject the record (FIELD_CUSTOM_VALIDATION_EXCEPTION, DUPLICATES_DETECTED).
 */

export type ValidationRuleFact = { object: string; name: string; errorMessage: string };
export type DuplicateRuleFact = { object: string; name: string; label: string };

/** Tooling API. The formula is in Metadata, readable one rule at a time: names and messages are enough here. */
export const VALIDATION_RULES_QUERY =
  'SELECT Id, ValidationName, ErrorMessage, EntityDefinition.QualifiedApiName FROM ValidationRule ' +
  `WHERE Active = true AND EntityDefinition.QualifiedApiName IN ${quoteList(BOOKING_OBJECTS)}`;

/** REST API. Events have no duplicate rules. */
export const DUPLICATE_RULES_QUERY =
  'SELECT Id, DeveloperName, MasterLabel, SobjectType FROM DuplicateRule ' +
  `WHERE IsActive = true AND SobjectType IN ${quoteList(['Lead', 'Contact', 'Account', 'Case'])}`;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const byObjectThenName = <T extends { object: string; name: string }>(a: T, b: T): number =>
  BOOKING_OBJECTS.indexOf(a.object as never) - BOOKING_OBJECTS.indexOf(b.object as never) || a.name.localeCompare(b.name);

export function parseValidationRules(records: readonly SalesforceRecord[]): ValidationRuleFact[] {
  return records
    .map((r) => ({
      object: text((r.EntityDefinition as Record<string, unknown> | null)?.QualifiedApiName),
      name: text(r.ValidationName),
      errorMessage: text(r.ErrorMessage),
    }))
    .sort(byObjectThenName);
}

export function parseDuplicateRules(records: readonly SalesforceRecord[]): DuplicateRuleFact[] {
  return records
    .map((r) => ({ object: text(r.SobjectType), name: text(r.DeveloperName), label: text(r.MasterLabel) || text(r.DeveloperName) }))
    .sort(byObjectThenName);
}

const objectsOf = (rules: ReadonlyArray<{ object: string }>): string => [...new Set(rules.map((r) => r.object))].join(', ');

export function judgeValidationRules(rules: Fetched<ValidationRuleFact[]>): Check {
  const id = 'validation-rules';
  if (!rules.ok) return unreadableCheck(id, messages.getMessage('validation-rules.what'), rules);
  if (rules.value.length === 0) return pass(id, checkTitle(id), messages.getMessage('validation-rules.pass'));
  const listed = rules.value.map((r) => `${r.object}.${r.name}${r.errorMessage ? ` ("${r.errorMessage}")` : ''}`);
  return warn(
    id,
    checkTitle(id),
    messages.getMessage('validation-rules.warn', [rules.value.length, listed.join('; ')]),
    messages.getMessage('validation-rules.fix', [objectsOf(rules.value)])
  );
}

export function judgeDuplicateRules(rules: Fetched<DuplicateRuleFact[]>): Check {
  const id = 'duplicate-rules';
  if (!rules.ok) return unreadableCheck(id, messages.getMessage('duplicate-rules.what'), rules);
  if (rules.value.length === 0) return pass(id, checkTitle(id), messages.getMessage('duplicate-rules.pass'));
  const listed = rules.value.map((r) => `${r.object}: ${r.label}`);
  return warn(
    id,
    checkTitle(id),
    messages.getMessage('duplicate-rules.warn', [rules.value.length, listed.join('; ')]),
    messages.getMessage('duplicate-rules.fix', [objectsOf(rules.value)])
  );
}
