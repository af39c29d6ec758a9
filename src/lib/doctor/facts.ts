import type { ConnectionRecord, ConnectMode, Environment } from '../connection/state.js';
import type { ApiUserFacts, OrgFacts } from '../connection/api-user.js';
import type { PackageDetection } from '../installation/package.js';
import type { OncehubPermissionSet } from '../installation/permset.js';
import type { BookingObject, SetupFile } from '../mapping/setup-file.js';
import type { ObjectFields } from '../validation/fields.js';
import type { DuplicateRuleFact, ValidationRuleFact } from '../validation/rules.js';
import type { AssignmentRuleFact, OwnerFact } from '../mapping/creation-rules.js';
import type { Fetched } from '../fetched.js';
import type { ApiUsage } from './api-usage.js';
import type { SourceLayoutFacts } from '../installation/source-layouts.js';

/**
 * Everything the doctor's checks are judged on, gathered in a few batched requests (see gather.ts). Each concern is
 * `Fetched` (../fetched.ts): a failing subrequest becomes that concern's failure, which its check reports, instead of
 * aborting the whole report.
 */

/** The org and user sf is logged in as (from sf's auth data, no request), and what the user asked to check. */
export type DoctorTarget = {
  alias: string;
  username: string;
  orgId: string;
  instanceUrl: string;
  /** The environment sf noted at login, used only when the org cannot be read. */
  knownEnvironment?: Environment;
};

export type ApiUserChoice = {
  username: string;
  /** Where the username came from: --api-user, the setup file, the recorded connection, or sf's login. */
  source: 'flag' | 'setup-file' | 'recorded' | 'authenticated';
  /** The alias (or username) sf is logged in as this user under, when it is: `connect` needs that login. */
  localAlias?: string;
};

/** Installation step facts as read; judge.ts's InstallationFacts is derived from them (see report.ts). */
export type InstallationReads = {
  package: PackageDetection;
  permissionSet: Fetched<OncehubPermissionSet | undefined>;
  /** Whether the API user holds that permission set (directly or through a permission set group). */
  apiUserAssigned: Fetched<boolean>;
  /** The label of the group through which the API user holds it, when it holds it only that way. */
  apiUserAssignedVia?: string;
  /** The group through which the API user would hold it, not counted because its Status is not Updated. */
  apiUserPendingVia?: { group: string; status: string };
  /** The Event layouts in use with the package fields each lacks. */
  layouts: Fetched<Array<{ name: string; missing: string[] }>>;
};

/**
 * Why nothing past the org could be read: API_DISABLED_FOR_ORG (the edition has no API) or API_CURRENTLY_DISABLED
 * (the user sf is logged in as has no API Enabled). Every check is then reported, most of them skipped.
 */
export type ApiBlocked = 'org' | 'user';

export type DoctorFacts = {
  target: DoctorTarget;
  mode: ConnectMode;
  apiUser: ApiUserChoice;
  /** The recorded OnceHub connections (production and sandbox). */
  connections: Partial<Record<Environment, ConnectionRecord>>;
  apiBlocked?: ApiBlocked;
  org: Fetched<OrgFacts>;
  /** undefined value: no user has that username. */
  apiUserFacts: Fetched<ApiUserFacts | undefined>;
  installation: InstallationReads;
  describes: Record<BookingObject, Fetched<ObjectFields>>;
  validationRules: Fetched<ValidationRuleFact[]>;
  duplicateRules: Fetched<DuplicateRuleFact[]>;
  /** Fetched only when the setup file chooses assignment rules for Leads or Cases. */
  assignmentRules?: Fetched<AssignmentRuleFact[]>;
  /** Fetched only when the setup file lists booking page owners. */
  bookingOwners?: Fetched<OwnerFact[]>;
  setup?: { path: string; file: SetupFile };
  /** The org's daily API usage from the last answer's Sforce-Limit-Info header; undefined when none carried it. */
  apiUsage?: ApiUsage;
  /** The sf project doctor runs in and its files of the Event layouts in use (no request); undefined: not read. */
  sourceLayouts?: SourceLayoutFacts;
};
