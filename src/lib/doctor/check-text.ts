import { Messages } from '@salesforce/core';
import { type Check, warn } from '../checks.js';
import type { FetchFailure } from './facts.js';

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
