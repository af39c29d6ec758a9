/**
 * Every command line the plugin prints (doctor's fixes, "Try this" actions, Markdown and JUnit reports) is built here,
 * so that pasting it into a POSIX shell runs exactly what is shown, whatever a setup file or an alias holds.
 *
 * - A plain word (`[A-Za-z0-9@._:/=+-]+`) is printed as it is: usernames, aliases, flag names, paths.
 * - Anything else is put in POSIX single quotes, where the shell expands nothing (`$(…)`, backticks, `;`, `*`, `~`,
 *   spaces); a `'` inside is written `'\''` (close, escaped quote, reopen), so `o'brien@acme.example` stays balanced.
 * - A value holding a control character (C0, DEL, C1) or an invisible character that reorders or splits lines (bidi
 *   overrides and isolates, U+2028/U+2029, U+200E/U+200F, U+FEFF) is printed in ANSI-C quotes `$'…'` instead, with
 *   those characters as escapes (`\n`, `\t`, `\x1b`, `\u202e`), so nothing raw reaches the terminal and what is shown is
 *   what is pasted. `$'…'` is understood by bash, zsh, ksh and busybox sh and is in POSIX.1-2024; it is only used for
 *   values that could not be shown faithfully otherwise. A NUL cannot be part of a command-line argument at all: it is
 *   shown as `\x00` (the shell would cut the value there, as any program receiving it would).
 */

const PLAIN_WORD = /^[A-Za-z0-9@._:/=+-]+$/;

// C0 controls, DEL, C1 controls, and format characters that reorder text or break lines invisibly.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

const NAMED: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
  '\u001b': '\\e',
};

/** The visible escape of one control character: `\n`, `\t`, `\x01`, `\u202e`. */
function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  // Below 0x80 a \xHH escape is one byte in every locale; above, \uHHHH is the character itself (bash, zsh).
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when the text holds a character that escapeControl would rewrite. */
export function hasControl(text: string): boolean {
  return HAS_CONTROL.test(text);
}

/**
 * A value for prose (tables, messages, warnings): control and invisible reordering characters replaced by visible
 * escapes (`\n`, `\x1b`, `\u202e`); everything else, backslashes included, unchanged.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** One argument as a POSIX shell reads it back exactly: bare when plain, else single-quoted, else `$'…'`. */
export function quoteArg(value: string): string {
  if (PLAIN_WORD.test(value)) return value;
  if (!HAS_CONTROL.test(value)) return `'${value.replaceAll("'", "'\\''")}'`;
  // ANSI-C quoting: backslash and single quote are the only other characters with a meaning inside $'…'.
  const body = value.replace(/[\\']/g, (c) => `\\${c}`).replace(CONTROL, escapeOne);
  return `$'${body}'`;
}

/** A command line from its words, each quoted by quoteArg (so `sf`, subcommands and flag names stay bare). */
export function commandLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/** `sf <words…>` with every word quoted. */
export function sfCommand(...words: string[]): string {
  return commandLine(['sf', ...words]);
}
