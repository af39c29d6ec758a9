/**
 * Salesforce record ids: 15-char case-sensitive ids and their 18-char case-safe form.
 * The emulator always stores and returns 18-char ids and accepts either length on input.
 */

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-character suffix that makes a 15-char id case-insensitively unique. */
export function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits);
  }
  return suffix;
}

export function isWellFormedId(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value)) return false;
  return value.length === 15 || checksum(value.slice(0, 15)).toLowerCase() === value.slice(15).toLowerCase();
}

/** 18-char form of a well-formed id (15 or 18 chars); undefined for anything else. */
export function to18(value: unknown): string | undefined {
  if (typeof value !== 'string' || !isWellFormedId(value)) return undefined;
  const id15 = value.slice(0, 15);
  return id15 + checksum(id15);
}

export function to15(value: string): string {
  return value.slice(0, 15);
}

export function sameId(a: unknown, b: unknown): boolean {
  const x = to18(a);
  return x !== undefined && x === to18(b);
}

/**
 * Deterministic id factory: ids look like real pod ids (`005` + `Dn` + `0` + 9 base-62 digits),
 * so two builds of the same scenario produce the same ids (stable test output).
 */
export class IdFactory {
  private counter: number;

  public constructor(private readonly pod = 'Dn', start = 1) {
    this.counter = start;
  }

  public next(prefix: string): string {
    let n = this.counter++;
    let digits = '';
    for (let i = 0; i < 9; i++) {
      digits = BASE62.charAt(n % 62) + digits;
      n = Math.floor(n / 62);
    }
    const id15 = `${prefix}${this.pod}0${digits}`.slice(0, 15);
    return id15 + checksum(id15);
  }
}

export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62.charAt(Math.floor(Math.random() * 62));
  return out;
}
