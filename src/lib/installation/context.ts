import type { Connection, Org } from '@salesforce/core';
import { StateAggregator } from '@salesforce/core';
import type { OrgContext } from '../org/errors.js';

/** sf's alias resolver, for `-b` values: an unknown alias is taken as a username, as `sf org assign permset` does. */
export async function aliasResolver(): Promise<(aliasOrUsername: string) => string> {
  const { aliases } = await StateAggregator.getInstance();
  return (value) => aliases.resolveUsername(value);
}

/** Who we talk to, for error messages: the org's alias when it has one (so "try this" commands can be pasted). */
export async function orgContext(org: Org, conn: Connection): Promise<OrgContext> {
  const username = org.getUsername() ?? '';
  const { aliases } = await StateAggregator.getInstance();
  return { alias: aliases.resolveAlias(username) ?? username, username, instanceUrl: conn.instanceUrl };
}
