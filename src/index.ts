/**
 * The library behind `sf oncehub …`, for other plugins: the same checks and flows the commands run, and the result
 * types their --json output has.
 */
export type { Check, CheckStatus } from './lib/checks.js';
export { worstStatus } from './lib/checks.js';
export { quote, quoteList } from './lib/soql.js';
export { type OrgContext, toSfError } from './lib/org/errors.js';
export {
  type ConnectOutcome,
  type ConnectRequest,
  type ConnectResult,
  type ConnectTarget,
  checkConnection,
  connect,
  connectTarget,
} from './lib/connection/connect.js';
export { type ApiUserFacts, type OrgFacts, judgeApiUser } from './lib/connection/api-user.js';
export {
  type ConnectionRecord,
  type ConnectMode,
  type Environment,
  readConnections,
  recordForOrg,
} from './lib/connection/state.js';
export { type DoctorOptions, runDoctor } from './lib/doctor/run.js';
export type { DoctorReport } from './lib/doctor/report.js';
export type { SetupResult } from './lib/setup/run.js';
export { type PackageDetection, detectPackage } from './lib/installation/package.js';
export { type PermsetAssignResult, assignPermissionSet } from './lib/installation/assign.js';
export { type LayoutAddFieldsResult, addLayoutFields } from './lib/installation/layout.js';
