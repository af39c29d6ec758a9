import type { Messages } from '@salesforce/core';
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
