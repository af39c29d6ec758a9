import { type Check, fail, pass, skip, warn } from '../checks.js';
import { checkMessages as messages, checkTitle } from '../check-text.js';
import type { Fetched } from '../fetched.js';
import type { SalesforceRecord } from '../org/requests.js';
import { quoteList } from '../soql.js';
import type { SetupFile } from './setup-file.js';

/**
 * Phase 5, `creation-rules`: the setup file's creation rules checked against the org (OnceHub help, "Salesforce record
 * creation, update, and assignment rules"). Choosing
 * "assignment rules" needs an active assignment rule for that object (Salesforce has them for Leads and Cases only),
 * and every booking page owner must resolve, by username or email, to an active user with the Salesforce license.
 */

const ID = 'creation-rules';

export type AssignmentRuleFact = { object: string; name: string };
export type OwnerFact = { username: string; email: string; isActive: boolean; licenseName: string | null };
export type CreationRulesContext = { configPath: string };

export const ASSIGNMENT_RULES_QUERY =
  "SELECT Id, Name, SobjectType FROM AssignmentRule WHERE Active = true AND SobjectType IN ('Lead','Case')";

/** Owners are matched by username or email (OnceHub's help does not say which), so one query asks for both. */
export const bookingOwnersQuery = (owners: readonly string[]): string =>
  'SELECT Id, Username, Email, IsActive, Profile.UserLicense.Name FROM User ' +
  `WHERE Username IN ${quoteList(owners)} OR Email IN ${quoteList(owners)}`;

/** Where the setup file chooses assignment rules, as [setting path, object whose rules apply]. */
function assignmentRuleChoices(setup: SetupFile): Array<[string, string]> {
  const rules = setup.creationRules ?? {};
  const choices: Array<[string, string]> = [];
  if (rules.lead?.existing?.owner === 'assignment-rules') choices.push(['lead.existing.owner', 'Lead']);
  if (rules.lead?.new?.owner === 'assignment-rules') choices.push(['lead.new.owner', 'Lead']);
  if (rules.contact?.existing?.owner === 'assignment-rules') choices.push(['contact.existing.owner', 'Contact']);
  if (rules.contact?.new?.owner === 'assignment-rules') choices.push(['contact.new.owner', 'Contact']);
  if (rules.case?.owner === 'assignment-rules') choices.push(['case.owner', 'Case']);
  return choices;
}

/** Whether the report needs the org's assignment rules (only Lead and Case have any). */
export const needsAssignmentRules = (setup: SetupFile | undefined): boolean =>
  !!setup && assignmentRuleChoices(setup).some(([, object]) => object !== 'Contact');

function choosesBookingPageOwner(setup: SetupFile): boolean {
  const rules = setup.creationRules ?? {};
  return [rules.lead?.existing?.owner, rules.lead?.new?.owner, rules.contact?.existing?.owner, rules.contact?.new?.owner, rules.case?.owner].includes(
    'booking-page-owner'
  );
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseAssignmentRules(records: readonly SalesforceRecord[]): AssignmentRuleFact[] {
  return records.map((r) => ({ object: text(r.SobjectType), name: text(r.Name) }));
}

export function parseOwners(records: readonly SalesforceRecord[]): OwnerFact[] {
  return records.map((r) => {
    const profile = r.Profile as Record<string, unknown> | null | undefined;
    const license = profile?.UserLicense as Record<string, unknown> | null | undefined;
    return {
      username: text(r.Username),
      email: text(r.Email),
      isActive: r.IsActive === true,
      licenseName: typeof license?.Name === 'string' ? license.Name : null,
    };
  });
}

type Finding = { text: string; fix: string; blocking: boolean };

function reviewAssignmentRules(setup: SetupFile, rules: Fetched<AssignmentRuleFact[]> | undefined, ctx: CreationRulesContext): Finding[] {
  return assignmentRuleChoices(setup).flatMap(([setting, object]): Finding[] => {
    if (object === 'Contact') {
      return [{ text: messages.getMessage('creation-rules.contactRules', [setting]), fix: messages.getMessage('creation-rules.fix.contactRules', [ctx.configPath]), blocking: true }];
    }
    if (!rules?.ok) {
      const code = rules && !rules.ok ? rules.errorCode : 'NOT_FETCHED';
      return [{ text: messages.getMessage('creation-rules.rulesUnreadable', [code]), fix: messages.getMessage('unreadable.fix'), blocking: false }];
    }
    if (rules.value.some((r) => r.object === object)) return [];
    return [
      {
        text: messages.getMessage('creation-rules.noActiveRule', [setting, object]),
        fix: messages.getMessage(`creation-rules.fix.activate${object}Rule`, [setting, ctx.configPath]),
        blocking: true,
      },
    ];
  });
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function reviewOwners(setup: SetupFile, owners: Fetched<OwnerFact[]> | undefined, ctx: CreationRulesContext): Finding[] {
  const listed = setup.bookingPageOwners ?? [];
  if (listed.length === 0) {
    return choosesBookingPageOwner(setup)
      ? [{ text: messages.getMessage('creation-rules.ownersUnlisted'), fix: messages.getMessage('creation-rules.fix.listOwners', [ctx.configPath]), blocking: false }]
      : [];
  }
  if (!owners?.ok) {
    const code = owners && !owners.ok ? owners.errorCode : 'NOT_FETCHED';
    return [{ text: messages.getMessage('creation-rules.ownersUnreadable', [code]), fix: messages.getMessage('unreadable.fix'), blocking: false }];
  }
  const problems = listed.flatMap((owner): string[] => {
    const matches = owners.value.filter((u) => same(u.username, owner) || same(u.email, owner));
    if (matches.length === 0) return [messages.getMessage('creation-rules.ownerUnknown', [owner])];
    if (matches.some((u) => u.isActive && u.licenseName === 'Salesforce')) return [];
    const active = matches.find((u) => u.isActive);
    return active
      ? [messages.getMessage('creation-rules.ownerLicense', [owner, active.licenseName ?? 'none'])]
      : [messages.getMessage('creation-rules.ownerInactive', [owner])];
  });
  return problems.length
    ? [{ text: problems.join('; '), fix: messages.getMessage('creation-rules.fix.owners', [ctx.configPath]), blocking: true }]
    : [];
}

export function judgeCreationRules(
  setup: SetupFile | undefined,
  facts: { assignmentRules?: Fetched<AssignmentRuleFact[]>; bookingOwners?: Fetched<OwnerFact[]> },
  ctx: CreationRulesContext
): Check {
  if (!setup) return skip(ID, checkTitle(ID), messages.getMessage('creation-rules.skip.noConfig'));
  if (!setup.creationRules && !setup.bookingPageOwners) {
    return skip(ID, checkTitle(ID), messages.getMessage('creation-rules.skip.noRules', [ctx.configPath]));
  }
  const findings = [...reviewAssignmentRules(setup, facts.assignmentRules, ctx), ...reviewOwners(setup, facts.bookingOwners, ctx)];
  if (findings.length === 0) {
    const verified = [
      ...new Set(assignmentRuleChoices(setup).map(([, object]) => messages.getMessage('creation-rules.pass.rule', [object]))),
      ...(setup.bookingPageOwners?.length ? [messages.getMessage('creation-rules.pass.owners', [setup.bookingPageOwners.length])] : []),
    ];
    return pass(
      ID,
      checkTitle(ID),
      verified.length ? messages.getMessage('creation-rules.pass', [verified.join('; ')]) : messages.getMessage('creation-rules.pass.nothing')
    );
  }
  const message = findings.map((f) => f.text).join('; ');
  const fix = [...new Set(findings.map((f) => f.fix))].join(' ');
  return findings.some((f) => f.blocking) ? fail(ID, checkTitle(ID), message, fix) : warn(ID, checkTitle(ID), message, fix);
}
