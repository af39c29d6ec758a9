import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { errorCodeOf } from '../org/errors.js';
import { queryAll, type SalesforceRecord } from '../org/requests.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'installation');

/**
 * Installation step 1: is the OnceHub managed package installed? InstalledSubscriberPackage is a Tooling object that
 * only users with View Setup and Configuration can read; everyone else gets INVALID_TYPE "not supported", which we
 * report as "unreadable" (a warning naming the permission) rather than as a crash or a false "missing".
 */

export const ONCEHUB_NAMESPACE = 'ScheduleOnce';

/**
 * Every installed package: filtering on SubscriberPackage.NamespacePrefix in SOQL is not documented to work, and
 * an org rarely has more than a few dozen packages, so the namespace is matched client-side.
 */
export const INSTALLED_PACKAGE_QUERY =
  'SELECT Id, SubscriberPackageId, SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, ' +
  'SubscriberPackageVersion.Id, SubscriberPackageVersion.Name, SubscriberPackageVersion.MajorVersion, ' +
  'SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber ' +
  'FROM InstalledSubscriberPackage';

export type PackageDetection =
  | { status: 'installed'; name: string; version: string; versionId: string }
  | { status: 'missing' }
  | { status: 'unreadable'; reason: string };

type Rel = Record<string, unknown> | null | undefined;

/** Whether a NamespacePrefix is OnceHub's (Salesforce compares namespaces case-insensitively). */
export const sameNamespace = (value: unknown): boolean =>
  typeof value === 'string' && value.toLowerCase() === ONCEHUB_NAMESPACE.toLowerCase();

const versionNumber = (version: Rel): string =>
  ['MajorVersion', 'MinorVersion', 'PatchVersion', 'BuildNumber']
    .map((key) => (typeof version?.[key] === 'number' ? String(version[key]) : '0'))
    .join('.');

/** The OnceHub package among the installed packages (records of INSTALLED_PACKAGE_QUERY). */
export function parsePackageDetection(records: readonly SalesforceRecord[]): PackageDetection {
  const row = records.find((r) => sameNamespace((r.SubscriberPackage as Rel)?.NamespacePrefix));
  if (!row) return { status: 'missing' };
  const pkg = row.SubscriberPackage as Rel;
  const version = row.SubscriberPackageVersion as Rel;
  return {
    status: 'installed',
    name: typeof pkg?.Name === 'string' ? pkg.Name : ONCEHUB_NAMESPACE,
    version: versionNumber(version),
    versionId: typeof version?.Id === 'string' ? version.Id : '',
  };
}

/**
 * What a failed package query means. A user without View Setup and Configuration is told the object "is not
 * supported" (INVALID_TYPE) or is refused (INSUFFICIENT_ACCESS_*): that is "unreadable". Anything else (expired
 * session, rate limit, unreachable org) is not about the package, so it is rethrown for the caller's error handling.
 */
export function packageDetectionFromError(err: unknown): PackageDetection {
  const code = errorCodeOf(err) ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if ((code === 'INVALID_TYPE' && /not supported/i.test(message)) || code.startsWith('INSUFFICIENT_ACCESS')) {
    return { status: 'unreadable', reason: messages.getMessage('package.unreadable.reason') };
  }
  throw err;
}

/** Reads the installed packages (one Tooling query) and finds OnceHub's. */
export async function detectPackage(conn: Connection): Promise<PackageDetection> {
  try {
    return parsePackageDetection(await queryAll<SalesforceRecord>(conn, INSTALLED_PACKAGE_QUERY, true));
  } catch (err) {
    return packageDetectionFromError(err);
  }
}
