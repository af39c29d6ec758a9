import { writeSync } from 'node:fs';
import { Messages } from '@salesforce/core';
import { writeInFlight } from '../org/requests.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'interrupt');

/** The exit code of a command stopped by a signal, as shells report SIGINT (128 + 2) and sf documents for Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'] as const;

let installed = false;

/** The one line printed when the command is stopped: it warns when a write to the org was in flight. */
export const interruptLine = (writing: boolean): string => messages.getMessage(writing ? 'interrupted.write' : 'interrupted');

/** What a stop signal does: one line (saying so when a write is in flight), then exit 130. */
export function interruptListener(
  // Synchronously: process.exit() right after an asynchronous stderr write (a pipe under sf) loses the line. It starts
  // on a line of its own, after whatever progress text was being shown.
  write: (line: string) => void = (line) => writeSync(2, `\n${line}\n`),
  exit: (code: number) => void = (code) => process.exit(code)
): () => void {
  return () => {
    write(interruptLine(writeInFlight()));
    exit(INTERRUPTED_EXIT_CODE);
  };
}

/**
 * Ctrl-C (and the other stop signals) end the command with exit code 130 and one line on stderr. Every command calls
 * this first in `run()`.
 *
 * Why here: sf-plugins-core's SfCommand listens for these signals itself and calls `this.exit(130)`, which throws
 * oclif's `EEXIT: 130` error from inside the signal listener: nothing catches it, so the process prints the error's
 * stack and exits 1. Our listener is put in front of it (`prependListener`) and ends the process itself, so that one
 * never runs. A write in flight (`writeInFlight()`, marked by `sendWrite`) may or may not reach the org: the line says so.
 */
export function handleInterrupts(): void {
  if (installed) return;
  installed = true;
  const listener = interruptListener();
  for (const signal of SIGNALS) process.prependListener(signal, listener);
}
