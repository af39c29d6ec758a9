import { Messages } from '@salesforce/core';
import { type Check, skip, warn } from './checks.js';
import type { FetchFailure } from './fetched.js';

/** Texts of the checks (messages/doctor-checks.md), shared by every phase's judge, connect and the doctor. */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
export const checkMessages = Messages.loadMessages('plugin-oncehub', 'doctor-checks');

/** The stable title of a check, from messages/doctor-checks.md. */
export const checkTitle = (id: string): string => checkMessages.getMessage(`${id}.title`);

/** A check whose facts could not be read (one failed subrequest): a warning that names what and why. */
export function unreadableCheck(id: string, what: string, failure: FetchFailure, title = checkTitle(id)): Check {
  return warn(
    id,
    title,
    checkMessages.getMessage('unreadable', [what, failure.errorCode, failure.message]),
    checkMessages.getMessage('unreadable.fix')
  );
}

/** The same checks, each marked not checked with the message. */
export const skipAll = (checks: readonly Check[], message: string): Check[] => checks.map((c) => skip(c.id, c.title, message));
