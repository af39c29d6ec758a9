import { ConfigAggregator, type Messages, OrgConfigProperties, StateAggregator } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { CONNECT_MODES } from './connection/state.js';

/**
 * The flags several commands share (--api-user, --mode, --sandbox/--production), declared once. Each command passes
 * its own messages bundle, so every flag's help text still comes from that command's Markdown.
 */

/** --api-user: the username the API user must have (or the one to check). */
export const apiUserFlag = (messages: Messages<string>) =>
  Flags.string({
    summary: messages.getMessage('flags.api-user.summary'),
    description: messages.getMessage('flags.api-user.description'),
  });

const modeSpec = (messages: Messages<string>) => ({
  summary: messages.getMessage('flags.mode.summary'),
  description: messages.getMessage('flags.mode.description'),
  options: CONNECT_MODES,
});

/** --mode standard|advanced-secure, without a default: doctor and setup fall back to the setup file or the record. */
export const modeFlag = (messages: Messages<string>) => Flags.option(modeSpec(messages))();

/** --mode for connect, where an unsaid mode is standard (shown as the default in help). */
export const modeFlagDefaultStandard = (messages: Messages<string>) =>
  Flags.option({ ...modeSpec(messages), default: 'standard' as const })();

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
