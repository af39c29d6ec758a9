import { Messages, SfError } from '@salesforce/core';
import type { Environment } from '../org/identity.js';
import { escapeControl, quoteArg } from './command-line.js';

/** What every command does with its org and environment flags before it calls the library. */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'commands');

/** The alias or username typed for --target-org (or another org flag); undefined when the configured default is used. */
export const typedTargetOrg = (
  raw: ReadonlyArray<{ type: string; flag?: string; input: string }>,
  flag: 'target-org' | 'source-org' = 'target-org'
): string | undefined => raw.find((token) => token.type === 'flag' && token.flag === flag)?.input;

/**
 * sf-plugins-core's --target-org parsing fails with "No authorization information found for X" and no action when
 * the alias is unknown: add the login command that fixes it.
 */
export function explainOrgFlagError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const unknownOrg = /No authorization information found for (.+)\.$/m.exec(err.message);
  if (err.name === 'NamedOrgNotFoundError' && unknownOrg) {
    const explained = messages.createError('error.unknownOrg', [escapeControl(unknownOrg[1])], [quoteArg(unknownOrg[1])]);
    // Keep sf's own "Did you mean …?" suggestion first: a typo is the likeliest cause.
    const suggestions = err instanceof SfError ? err.actions ?? [] : [];
    explained.actions = [...suggestions, ...(explained.actions ?? [])];
    return explained;
  }
  if (err.name === 'NoDefaultEnvError') return messages.createError('error.noTargetOrg');
  return err;
}

/** --sandbox / --production (declared exclusive) as an environment. */
export function environmentFromFlags(flags: { sandbox?: boolean; production?: boolean }): Environment | undefined {
  if (flags.sandbox) return 'sandbox';
  if (flags.production) return 'production';
  return undefined;
}
