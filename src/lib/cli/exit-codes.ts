import { Messages } from '@salesforce/core';
import { toHelpSection } from '@salesforce/sf-plugins-core';

/**
 * Every exit code the plugin's commands end with, and the one rule from a result to its code, as
 * plugin-deploy-retrieve keeps its `errorCodes` (src/errorCodes.ts with messages/errorCodes.md in
 * github.com/salesforcecli/plugin-deploy-retrieve). The numbers are the Salesforce CLI's published exit codes
 * (https://developer.salesforce.com/docs/atlas.en-us.sfdx_cli_reference.meta/sfdx_cli_reference/cli_reference_exit_codes.htm):
 * 2 comes from oclif's flag parsing, 10 and 20 from SfCommand's error handling (sf-plugins-core's errorHandling.ts:
 * a TypeError is 10, a Salesforce gack, UNKNOWN_EXCEPTION, is 20) and 130 from the plugin's interrupt handling
 * (interrupt.ts), never from exitCodeOf. README.md's exit-code table lists the same codes.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'exit-codes');

export const EXIT_CODES = {
  success: 0,
  failure: 1,
  flagError: 2,
  internalError: 10,
  salesforceError: 20,
  partialSuccess: 68,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** What a command reports about its result: how many items failed, and how many others succeeded. */
export type Outcome = {
  failed: number;
  /** Items done (or already done) beside the failures; leave out for a result that is all or nothing. */
  succeeded?: number;
};

/**
 * The one rule for every command: nothing failed → 0; something failed and nothing else succeeded → 1; some of each
 * → 68 (partial success, the result says which). Errors thrown by a command end with 1 through SfCommand.
 */
export function exitCodeOf({ failed, succeeded = 0 }: Outcome): ExitCode {
  if (failed === 0) return EXIT_CODES.success;
  return succeeded === 0 ? EXIT_CODES.failure : EXIT_CODES.partialSuccess;
}

/** What an exit code means for every command, from messages/exit-codes.md. */
export const exitCodeMeaning = (code: ExitCode): string => messages.getMessage(`exitCode.${code}`);

/**
 * A command's ERROR CODES help section for the codes it can end with (listed in ascending order): the command's own
 * text for a code (`errorCodes.<code>` in its bundle) when it has one, else the shared meaning.
 */
export function errorCodesHelp(commandMessages: Messages<string>, codes: readonly ExitCode[]): ReturnType<typeof toHelpSection> {
  const text = (code: ExitCode): string =>
    commandMessages.messages.has(`errorCodes.${code}`) ? commandMessages.getMessage(`errorCodes.${code}`) : exitCodeMeaning(code);
  return toHelpSection('ERROR CODES', Object.fromEntries(codes.map((code) => [String(code), text(code)])));
}
