import type { Connection, Org } from '@salesforce/core';
import { ConfigAggregator, OrgConfigProperties, StateAggregator } from '@salesforce/core';
import type { OrgContext } from './errors.js';
import type { Environment } from './identity.js';

/**
 * The org and user sf is logged in as, from sf's own auth data (no request to the org): what every command and flow
 * names in its messages and errors (alias, username, instance) and records (org and user ids).
 */
export type ConnectTarget = OrgContext & {
  orgId: string;
  userId: string;
  /** The environment sf noted at login, if it did; used only when the org cannot be asked. */
  knownEnvironment?: Environment;
};

/**
 * The alias to record: the one the user typed (or configured as target-org) when it names this user, else the user's
 * first alias, else the username.
 */
export async function aliasFor(username: string, typed: string | undefined): Promise<string> {
  const aliases = (await StateAggregator.getInstance()).aliases.getAll(username);
  const chosen = typed ?? (await ConfigAggregator.create()).getPropertyValue<string>(OrgConfigProperties.TARGET_ORG);
  if (chosen && aliases.includes(chosen)) return chosen;
  return aliases[0] ?? username;
}

/** Who sf is logged in as for this org, from its auth data. */
export async function connectTarget(org: Org, conn: Connection, typedAlias: string | undefined): Promise<ConnectTarget> {
  const username = org.getUsername() ?? conn.getUsername() ?? '';
  const fields = conn.getAuthInfoFields();
  const knownSandbox = fields.isSandbox === true || fields.isScratch === true;
  const knownProduction = fields.isSandbox === false && fields.isScratch !== true;
  return {
    alias: await aliasFor(username, typedAlias),
    username,
    instanceUrl: conn.instanceUrl,
    orgId: org.getOrgId(),
    userId: fields.userId ?? '',
    knownEnvironment: knownSandbox ? 'sandbox' : knownProduction ? 'production' : undefined,
  };
}
