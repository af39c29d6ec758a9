import { ConfigAggregator, Messages, OrgConfigProperties, StateAggregator } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { escapeControl } from './cli/command-line.js';
import { CONNECT_MODES } from './connection/state.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const flagMessages = Messages.loadMessages('plugin-oncehub', 'flags');

/** Salesforce's limit on a username (User.Username is 80 characters). */
export const MAX_USERNAME_LENGTH = 80;

/**
 * An empty or blank value is an error, never "not given": `-b "$UNSET"` in a script must not fall back to a default
 * user in production. Exit code 1, like every other usage error of the plugin.
 */
export function requireNonBlank(flag: string, value: string): string {
  if (value.trim() === '') throw usageError(flagMessages.createError('error.blank', [flag], [], 1));
  return value;
}

/**
 * oclif stamps an error thrown by a flag's parse with sf's exit code for failed flag parsing (`error.oclif = { exit:
 * 2 }`, @oclif/core parser/parse.js), which sf-plugins-core then prefers to the error's own exitCode. The plugin's
 * contract is exit 1 for these errors, so the stamp is fixed to 1.
 */
function usageError<T extends Error>(err: T): T {
  Object.defineProperty(err, 'oclif', { get: () => ({ exit: 1 }), set: () => {}, enumerable: false, configurable: false });
  return err;
}

/** A username (or alias) typed for a flag: not blank, at most 80 characters; checked before any request. */
export function requireUsername(flag: string, value: string): string {
  requireNonBlank(flag, value);
  if (value.length > MAX_USERNAME_LENGTH) {
    const shown = `${escapeControl(value.slice(0, 40))}…`;
    throw usageError(flagMessages.createError('error.tooLong', [flag, shown, value.length, MAX_USERNAME_LENGTH], [], 1));
  }
  return value;
}

/** -b/--on-behalf-of values: comma- or space-separated usernames or aliases; blank or only separators is an error. */
export function requireUsernameList(flag: string, value: string): string {
  const names = value.split(/[\s,]+/).filter((v) => v.length > 0);
  if (names.length === 0) throw usageError(flagMessages.createError('error.blank', [flag], [], 1));
  names.forEach((name) => requireUsername(flag, name));
  return value;
}

/**
 * The flags several commands share (--api-user, --mode, --sandbox/--production), declared once. --api-user and the
 * environment flags mean something different per command, so each passes its own bundle for their texts; --mode means
 * the same everywhere and its text is messages/commands.md's.
 */

/** --api-user: the username the API user must have (or the one to check). */
export const apiUserFlag = (messages: Messages<string>) =>
  Flags.string({
    summary: messages.getMessage('flags.api-user.summary'),
    description: messages.getMessage('flags.api-user.description'),
    parse: (input) => Promise.resolve(input).then((value) => requireUsername('--api-user', value)),
  });

/** --config: the setup file (JSON or YAML); a blank value is an error. */
export const configFlag = (messages: Messages<string>) =>
  Flags.string({
    summary: messages.getMessage('flags.config.summary'),
    description: messages.getMessage('flags.config.description'),
    parse: (input) => Promise.resolve(input).then((value) => requireNonBlank('--config', value)),
  });

/** -b/--on-behalf-of (repeatable, comma- or space-separated): blank values are an error, usernames ≤ 80 characters. */
export const onBehalfOfFlag = (messages: Messages<string>) =>
  Flags.string({
    char: 'b',
    multiple: true,
    summary: messages.getMessage('flags.on-behalf-of.summary'),
    description: messages.getMessage('flags.on-behalf-of.description'),
    parse: (input) => Promise.resolve(input).then((value) => requireUsernameList('--on-behalf-of', value)),
  });

/** --layout (repeatable): a blank value is an error. */
export const layoutFlag = (messages: Messages<string>) =>
  Flags.string({
    multiple: true,
    summary: messages.getMessage('flags.layout.summary'),
    parse: (input) => Promise.resolve(input).then((value) => requireNonBlank('--layout', value)),
  });

/** --mode's text is the same for every command: one summary and description in messages/commands.md. */
const modeSpec = () => {
  const messages = Messages.loadMessages('plugin-oncehub', 'commands');
  return {
    summary: messages.getMessage('flags.mode.summary'),
    description: messages.getMessage('flags.mode.description'),
    options: CONNECT_MODES,
  };
};

/** --mode standard|advanced-secure, without a default: doctor and setup fall back to the setup file or the record. */
export const modeFlag = () => Flags.option(modeSpec())();

/** --mode for connect, where an unsaid mode is standard (shown as the default in help). */
export const modeFlagDefaultStandard = () => Flags.option({ ...modeSpec(), default: 'standard' as const })();

/** --sandbox / --production, mutually exclusive; `described` when the bundle has a description for each. */
export const environmentFlags = (messages: Messages<string>, described = false) => {
  const flag = (name: 'sandbox' | 'production', other: string) =>
    Flags.boolean({
      summary: messages.getMessage(`flags.${name}.summary`),
      ...(described ? { description: messages.getMessage(`flags.${name}.description`) } : {}),
      exclusive: [other],
    });
  return { sandbox: flag('sandbox', 'production'), production: flag('production', 'sandbox') };
};

/**
 * The "[default: <username>]" of an org flag's help, read from sf's config and aliases only. sf-plugins-core's own
 * defaultHelp builds an Org for it, which loads the plugin's copy of jsforce on every `--help`; core commands don't pay
 * for that because the CLI has already loaded its own copy.
 */
export async function orgFlagDefaultHelp(): Promise<string | undefined> {
  try {
    const value = (await ConfigAggregator.create()).getPropertyValue<string>(OrgConfigProperties.TARGET_ORG);
    return value ? (await StateAggregator.getInstance()).aliases.resolveUsername(value) : undefined;
  } catch {
    return undefined; // help must never fail over an unreadable config
  }
}

/** -o/--target-org, with the light help default above. */
export const targetOrgFlag = () => Flags.requiredOrg({ defaultHelp: orgFlagDefaultHelp });
