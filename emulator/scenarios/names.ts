/**
 * The names and options the scenarios share: the OnceHub package as installed, the users and profiles the
 * builders create, and the options of `scenarios.base()`.
 */

export const NAMESPACE = 'ScheduleOnce';
export const PERMSET_NAME = 'ScheduleOnce_connector_for_Salesforce';
export const PERMSET_LABEL = 'OnceHub connector for Salesforce';
export const LEGACY_PERMSET_LABEL = 'ScheduleOnce connector for Salesforce';
export const PACKAGE_NAME = 'OnceHub connector for Salesforce';
export const EVENT_STATUS_FIELD = 'ScheduleOnce__Event_status__c';
export const CANCEL_REASON_FIELD = 'ScheduleOnce__Cancel_reschedule_reason__c';
export const PACKAGE_EVENT_FIELDS = [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD] as const;

export const ADMIN_USERNAME = 'admin@acme.example';
export const OPS_ADMIN_USERNAME = 'ops.admin@acme.example';
/** apiUserAdvancedSecureViaPermissionSet(): the minimal profile and the permission set that grants the rest. */
export const MINIMAL_PROFILE = 'OnceHub Minimal Access';
export const API_ACCESS_PERMSET_LABEL = 'OnceHub API Access';
/** withPermsetViaGroup(): the group's default label. */
export const ONCEHUB_GROUP_LABEL = 'OnceHub Users';
export const RECALCULATING_GROUP_LABEL = 'OnceHub Integration';
export const SESSION_PERMSET_LABEL = 'OnceHub API Access (session)';
export const MINIMAL_API_PROFILE = 'OnceHub Minimal API Access';
export const AUDITOR_USERNAME = 'auditor@acme.example';
export const AUDITOR_PROFILE = 'Setup Auditor';
/** A past `ExpirationDate` for the expired-assignment scenarios. */
export const EXPIRED_ON = '2025-01-01T00:00:00.000+0000';
export type GroupStatus = 'Updated' | 'Outdated' | 'Updating' | 'Failed';

/** The sandbox's username of the admin: sandbox usernames carry a suffix (and sf keys its logins by username). */
export const SANDBOX_ADMIN_USERNAME = 'admin@acme.example.uat';

export interface BaseOptions {
  /** Sandbox: IsSandbox=true, TrialExpirationDate=null, instance CS-style. */
  sandbox?: boolean;
  /** Scratch org: IsSandbox=true with a TrialExpirationDate. */
  scratch?: boolean;
  /** OrganizationType (default `Enterprise Edition`). */
  edition?: string;
  orgName?: string;
  /** The two characters after the key prefix of every id (default `Dn`): two orgs in one test need different ids. */
  pod?: string;
}

export interface PackageOptions {
  /** `major.minor.patch.build` (default `2.14.0.1`). */
  version?: string;
  /** SubscriberPackage.Name (default `OnceHub connector for Salesforce`). */
  name?: string;
  /** Permission set label (default `OnceHub connector for Salesforce`). */
  permsetLabel?: string;
}

export interface UserOptions {
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** Profile name (default `Standard User`); null for system users like Automated Process. */
  profile?: string | null;
  active?: boolean;
}
