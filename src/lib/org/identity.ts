/**
 * How the plugin tells orgs, users and environments apart, and names a describe inside a Composite: one definition
 * each, used by every phase, the doctor and the commands.
 */

/** Production or sandbox: an org's environment (Organization.IsSandbox), and the slot a connection is recorded in. */
export type Environment = 'production' | 'sandbox';

/** Salesforce ids compared the way Salesforce does: the 15-character and 18-character forms of an id are the same. */
export const sameId = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);

/** Salesforce usernames are case-insensitive (they are stored lower-case); nothing else is ignored. */
export const sameUsername = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The environment of an org from Organization.IsSandbox (scratch orgs answer true as well). */
export const environmentOf = (org: { isSandbox: boolean }): Environment => (org.isSandbox ? 'sandbox' : 'production');

/** The Composite reference of an object's describe, the same wherever describes are batched. */
export const describeRef = (object: string): string => `describe${object}`;
