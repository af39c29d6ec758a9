import type { Connection, Org } from '@salesforce/core';
import { connectTarget, type ConnectTarget } from '../org/target.js';
import { exitCodeOf, type Outcome } from './exit-codes.js';
import { explainOrgFlagError, typedTargetOrg } from './org-flags.js';

/**
 * What every `sf oncehub` command does between sf's flag parsing and the library, written once. Commands extend
 * SfCommand directly (sf-plugin/only-extend-SfCommand) and call these: `this.parse(Command).catch(orgFlagError)`, then
 * `targetOrg` or `loggedInTarget`, and `setExitCode` at the end.
 */

type Token = { type: string; flag?: string; input: string };
type OrgFlags = { 'api-version'?: string } & Partial<Record<'target-org' | 'source-org', Org>>;

/** The org of an org flag, its connection at --api-version, and the alias or username typed for it, if any. */
export type TargetOrg = { org: Org; conn: Connection; typedAlias: string | undefined };

/** For `this.parse(…).catch(orgFlagError)`: sf-plugins-core's org flag errors, with the actions that fix them. */
export const orgFlagError = (err: unknown): never => {
  throw explainOrgFlagError(err);
};

/** The org of --target-org (or the flag named), with its connection at --api-version. */
export function targetOrg(flags: OrgFlags, raw: readonly Token[], flag: 'target-org' | 'source-org' = 'target-org'): TargetOrg {
  const org = flags[flag];
  if (!org) throw new Error(`--${flag} was not parsed into an org`); // declared required: sf-plugins-core guarantees it
  return { org, conn: org.getConnection(flags['api-version']), typedAlias: typedTargetOrg(raw, flag) };
}

/** The org of --target-org and who sf is logged in as there: the alias, username and instance every error names. */
export async function loggedInTarget(flags: OrgFlags, raw: readonly Token[]): Promise<TargetOrg & { target: ConnectTarget }> {
  const target = targetOrg(flags, raw);
  return { ...target, target: await connectTarget(target.org, target.conn, target.typedAlias) };
}

/** Sets the process's exit code from the command's outcome, through the one rule of exit-codes.ts. */
export function setExitCode(outcome: Outcome): void {
  process.exitCode = exitCodeOf(outcome);
}
