import { Messages } from '@salesforce/core';
import { type Check, fail, pass, skip, warn } from '../checks.js';
import type { PackageDetection } from './package.js';
import type { OncehubPermissionSet } from './permset.js';
import { quoteArg } from '../cli/command-line.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'installation');

/**
 * The Installation phase judged from facts, for doctor and the sf doctor hook. Severity is the plugin's own choice:
 * a missing package or permission set assignment stops OnceHub from writing anything, so they fail; a layout without
 * the fields only hides them from reps (OnceHub writes them through the API regardless), so it warns. Not being
 * allowed to read packages or layouts is a warning too: we cannot tell, and saying "fail" would be a guess.
 */

export type InstallationFacts = {
  package: PackageDetection;
  permissionSet: OncehubPermissionSet | undefined;
  /** Whether the API user holds `permissionSet` (false when there is no set). */
  apiUserAssigned: boolean;
  /** The permission set group through which the API user holds the set, when only that way. */
  apiUserAssignedVia?: string;
  /** The group through which the API user would hold it, whose Status is not Updated: not counted on yet. */
  apiUserPendingVia?: { group: string; status: string };
  /** Event layouts in use and the package fields each lacks; undefined = could not be read. */
  layouts: Array<{ name: string; missing: string[] }> | undefined;
};

export type InstallationContext = { alias: string; apiUsername: string };

export const INSTALLATION_CHECK_IDS = ['package-installed', 'permset-assigned', 'layout-fields'] as const;

const title = (id: string): string => messages.getMessage(`${id}.title`);
const text = (key: string, tokens: Array<string | number> = []): string => messages.getMessage(key, tokens);

export function judgePackage(pkg: PackageDetection, ctx: InstallationContext): Check {
  const id = 'package-installed';
  switch (pkg.status) {
    case 'installed':
      return pass(id, title(id), text(`${id}.pass`, [pkg.name, pkg.version]));
    case 'unreadable':
      return warn(id, title(id), text(`${id}.unreadable`, [pkg.reason]), text(`${id}.unreadable.fix`, [quoteArg(ctx.alias)]));
    case 'missing':
      return fail(id, title(id), text(`${id}.fail`), text(`${id}.fix`, [quoteArg(ctx.alias)]));
  }
}

export function judgePermissionSet(facts: InstallationFacts, ctx: InstallationContext): Check {
  const id = 'permset-assigned';
  const { permissionSet } = facts;
  if (permissionSet && facts.apiUserAssigned && facts.apiUserAssignedVia) {
    return pass(id, title(id), text(`${id}.pass.group`, [ctx.apiUsername, permissionSet.label, facts.apiUserAssignedVia]));
  }
  if (permissionSet && facts.apiUserAssigned) {
    return pass(id, title(id), text(`${id}.pass`, [ctx.apiUsername, permissionSet.label]));
  }
  if (permissionSet && facts.apiUserPendingVia) {
    const { group, status } = facts.apiUserPendingVia;
    return warn(id, title(id), text(`${id}.groupStatus`, [ctx.apiUsername, permissionSet.label, group, status]), text(`${id}.groupStatus.fix`, [group, ctx.alias, ctx.apiUsername]));
  }
  if (permissionSet) {
    return fail(id, title(id), text(`${id}.fail`, [ctx.apiUsername, permissionSet.label]), text(`${id}.fix`, [quoteArg(ctx.alias), quoteArg(ctx.apiUsername)]));
  }
  if (facts.package.status === 'missing') {
    return fail(id, title(id), text(`${id}.noPackage`), text(`${id}.noPackage.fix`, [quoteArg(ctx.alias), quoteArg(ctx.apiUsername)]));
  }
  return fail(id, title(id), text(`${id}.notFound`), text(`${id}.notFound.fix`, [quoteArg(ctx.alias), quoteArg(ctx.apiUsername)]));
}

export function judgeLayouts(facts: InstallationFacts, ctx: InstallationContext): Check {
  const id = 'layout-fields';
  if (facts.package.status === 'missing') return skip(id, title(id), text(`${id}.noPackage`));
  if (!facts.layouts) return warn(id, title(id), text(`${id}.unreadable`), text(`${id}.unreadable.fix`));
  if (facts.layouts.length === 0) return pass(id, title(id), text(`${id}.none`));
  const gaps = facts.layouts.filter((l) => l.missing.length > 0);
  if (gaps.length === 0) return pass(id, title(id), text(`${id}.pass`, [facts.layouts.length]));
  const list = gaps.map((l) => `"${l.name}" (${l.missing.join(', ')})`).join('; ');
  return warn(id, title(id), text(`${id}.warn`, [gaps.length, facts.layouts.length, list]), text(`${id}.fix`, [quoteArg(ctx.alias)]));
}

/** The three Installation checks, in order. Pure: same facts, same checks. */
export function judgeInstallation(facts: InstallationFacts, ctx: InstallationContext): Check[] {
  return [judgePackage(facts.package, ctx), judgePermissionSet(facts, ctx), judgeLayouts(facts, ctx)];
}
