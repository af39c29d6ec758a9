/** Small helpers shared by the emulator modules. */

/** A record value as message text (records hold `unknown`; objects never reach messages). */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A copy of `obj` without `keys`. */
export function omit<T extends Record<string, unknown>>(obj: T, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}
