import { type Check, fail, pass, skip, warn } from '../checks.js';
import { checkMessages as messages, checkTitle } from '../check-text.js';
import type { Fetched } from '../fetched.js';
import { findField, type ObjectFields, requiredFields, unsupportedTypeOf, valueProblem, type ValueProblem } from '../validation/fields.js';
import { type BookingObject, type FieldMappingEntry, parseFieldRef, type SetupFile } from './setup-file.js';
import { escapeControl, quoteArg } from '../cli/command-line.js';

/**
 * Phase 4, `mapping`: each `fieldMapping` entry of the setup file checked against the org's describe (README, "The
 * setup file"; OnceHub help, "Mapping OnceHub fields to non-mandatory Salesforce fields"): the target exists, is createable (and updateable when existing records are overridden), has a type
 * OnceHub can write, and a static value fits the type and is an active picklist value.
 */

const ID = 'mapping';

export type MappingContext = { alias: string; configPath: string };

/** Objects whose existing records OnceHub overwrites (creationRules.<object>.existing.data = override). */
function overriddenObjects(setup: SetupFile): Set<BookingObject> {
  const rules = setup.creationRules ?? {};
  const objects = new Set<BookingObject>();
  if (rules.lead?.existing?.data === 'override') objects.add('Lead');
  if (rules.contact?.existing?.data === 'override') objects.add('Contact');
  return objects;
}

const issue = (text: string, blocking = true): ValueProblem => ({ text, blocking });

function reviewEntry(
  entry: FieldMappingEntry,
  describes: Readonly<Record<BookingObject, Fetched<ObjectFields>>>,
  overridden: ReadonlySet<BookingObject>
): ValueProblem | undefined {
  const { object, field: name } = parseFieldRef(entry.to);
  const described = describes[object];
  if (!described.ok) return issue(messages.getMessage('mapping.unreadable', [entry.to, described.errorCode]), false);
  const field = findField(described.value, name);
  if (!field) return issue(messages.getMessage('mapping.noSuchField', [entry.to, object]));
  const unsupported = unsupportedTypeOf(field);
  if (unsupported) return issue(messages.getMessage('mapping.unsupported', [entry.to, unsupported]));
  if (!field.createable) return issue(messages.getMessage('mapping.readOnly', [entry.to]));
  if (overridden.has(object) && !field.updateable) {
    return issue(messages.getMessage('mapping.notUpdateable', [entry.to, object.toLowerCase()]));
  }
  if ('value' in entry) {
    const problem = valueProblem(field, entry.value);
    if (problem) return { text: `${entry.to}: ${problem.text}`, blocking: problem.blocking };
  }
  if (requiredFields(described.value).includes(field)) return issue(messages.getMessage('mapping.required', [entry.to]), false);
  return undefined;
}

export function judgeFieldMapping(
  setup: SetupFile | undefined,
  describes: Readonly<Record<BookingObject, Fetched<ObjectFields>>>,
  ctx: MappingContext
): Check {
  if (!setup) return skip(ID, checkTitle(ID), messages.getMessage('mapping.skip.noConfig'));
  const entries = setup.fieldMapping;
  if (!entries) return skip(ID, checkTitle(ID), messages.getMessage('mapping.skip.noMapping', [ctx.configPath]));
  if (entries.length === 0) return pass(ID, checkTitle(ID), messages.getMessage('mapping.empty'));

  const overridden = overriddenObjects(setup);
  const problems = entries.map((entry) => reviewEntry(entry, describes, overridden)).filter((p): p is ValueProblem => !!p);
  const targets = entries.map((e) => e.to.toLowerCase());
  const firstOf = (e: FieldMappingEntry): number => targets.indexOf(e.to.toLowerCase());
  const twice = [...new Set(entries.filter((e, i) => firstOf(e) !== i).map((e) => entries[firstOf(e)].to))];
  problems.push(...twice.map((to) => issue(messages.getMessage('mapping.twice', [to]), false)));

  if (problems.length === 0) return pass(ID, checkTitle(ID), messages.getMessage('mapping.pass', [entries.length]));
  const objects = [...new Set(entries.map((e) => parseFieldRef(e.to).object))];
  const message = messages.getMessage('mapping.problems', [entries.length, problems.map((p) => p.text).join('; ')]);
  const fix = messages.getMessage('mapping.fix', [escapeControl(ctx.configPath), quoteArg(objects[0]), quoteArg(ctx.alias)]);
  return problems.some((p) => p.blocking) ? fail(ID, checkTitle(ID), message, fix) : warn(ID, checkTitle(ID), message, fix);
}
