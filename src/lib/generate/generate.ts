import { extname, resolve } from 'node:path';
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { recordForOrg } from '../connection/state.js';
import { refuseUnsafeTarget, writeFileSafely } from '../files.js';
import { ASSIGNMENT_RULES_QUERY, parseAssignmentRules } from '../mapping/creation-rules.js';
import { BOOKING_OBJECTS, type BookingObject, type SetupFile, validateSetupFile } from '../mapping/setup-file.js';
import { type OrgContext, toSfError } from '../org/errors.js';
import { describeRef } from '../org/identity.js';
import { describeRequest, queryRequest, sendComposite, subBody, subQuery } from '../org/requests.js';
import { type ObjectFields, parseDescribe } from '../validation/fields.js';
import { buildSetupFile, type GenerateFacts } from './build.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.setup-file.generate');

/**
 * `sf oncehub setup-file generate`: read the org in one Composite request (the five describes and the active
 * assignment rules), build the file (build.ts), check it against the published schema, write it without clobbering.
 */

export type GenerateResult = { path: string; format: 'json' | 'yaml'; setupFile: SetupFile };

export const DEFAULT_SETUP_FILE = 'oncehub-setup.json';

const formatOf = (path: string): 'json' | 'yaml' => (['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? 'yaml' : 'json');

/** The org's facts for the file, in one request. */
export async function readGenerateFacts(conn: Connection, ctx: OrgContext & { orgId: string }): Promise<GenerateFacts> {
  try {
    const answers = await sendComposite(conn, [
      ...BOOKING_OBJECTS.map((object) => describeRequest(conn, describeRef(object), object)),
      queryRequest(conn, 'assignmentRules', ASSIGNMENT_RULES_QUERY),
    ]);
    const describes = Object.fromEntries(
      BOOKING_OBJECTS.map((object) => [object, parseDescribe(object, subBody<Record<string, unknown>>(answers, describeRef(object)))])
    ) as Record<BookingObject, ObjectFields>;
    const assignmentRules = parseAssignmentRules((await subQuery(conn, answers, 'assignmentRules')).records);
    return { describes, assignmentRules, recorded: await recordForOrg(ctx.orgId) };
  } catch (err) {
    throw toSfError(err, ctx);
  }
}

export async function serialize(setupFile: SetupFile, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return `${JSON.stringify(setupFile, null, 2)}\n`;
  const { stringify } = await import('yaml');
  return stringify(setupFile);
}

const fileExists = (err: unknown, outputFile: string): unknown =>
  err instanceof Error && err.name === 'FileExistsError' ? messages.createError('error.fileExists', [outputFile]) : err;

/**
 * Fails before any request when the file exists and --force was not given, or when the path is a symlink (without
 * --force), a directory, a FIFO or a device.
 */
export async function refuseOverwrite(outputFile: string, force: boolean): Promise<void> {
  try {
    await refuseUnsafeTarget(outputFile, { force });
  } catch (err) {
    throw fileExists(err, outputFile);
  }
}

export async function generateSetupFile(
  conn: Connection,
  ctx: OrgContext & { orgId: string },
  options: { outputFile: string; force: boolean }
): Promise<GenerateResult> {
  await refuseOverwrite(options.outputFile, options.force);
  const setupFile = buildSetupFile(await readGenerateFacts(conn, ctx));
  // The file must be one `doctor --config` accepts: check it with the same schema before writing.
  await validateSetupFile(JSON.parse(JSON.stringify(setupFile)), options.outputFile);
  const format = formatOf(options.outputFile);
  const path = resolve(options.outputFile);
  try {
    // force must be a boolean here: `undefined` once meant "overwrite" and the exclusive path was never taken.
    await writeFileSafely(path, await serialize(setupFile, format), { force: options.force === true });
  } catch (err) {
    // A file that appeared during the run (e.g. a concurrent generate) wins: this run fails cleanly.
    throw fileExists(err, options.outputFile);
  }
  return { path, format, setupFile };
}
