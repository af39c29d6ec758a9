import { open, readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Messages } from '@salesforce/core';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { ConnectMode } from '../connection/state.js';
import { packageFile } from '../files.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'setup-file');

/**
 * The setup file (`--config`): what lives on OnceHub's side of the connector (value sources, field mapping, creation
 * rules), kept by the user in version control. It is validated against the published JSON Schema
 * (schemas/oncehub-setup.schema.json) with ajv, so the rules live in one place that editors can use too.
 */

export const BOOKING_OBJECTS = ['Lead', 'Contact', 'Account', 'Event', 'Case'] as const;
export type BookingObject = (typeof BOOKING_OBJECTS)[number];

export type StaticValue = string | number | boolean;
export type ValueSource = { value: StaticValue } | { from: string };
export type FieldMappingEntry = { to: string } & ({ from: string } | { value: StaticValue });
export type DataRule = 'override' | 'fill-empty';
export type NewOwnerRule = 'booking-page-owner' | 'assignment-rules';
export type OwnerRule = 'keep' | NewOwnerRule;
export type PersonRules = { existing?: { data?: DataRule; owner?: OwnerRule }; new?: { owner?: NewOwnerRule } };
export type CaseRules = { create?: boolean; owner?: NewOwnerRule };

export type SetupFile = {
  mode?: ConnectMode;
  apiUser?: string;
  fieldValidation?: Record<string, ValueSource>;
  fieldMapping?: FieldMappingEntry[];
  creationRules?: { lead?: PersonRules; contact?: PersonRules; case?: CaseRules };
  bookingPageOwners?: string[];
};

/** The published schema's location, for the "$schema" hint; the file ships in the package under schemas/. */
export const SCHEMA_URL = pathToFileURL(packageFile('schemas', 'oncehub-setup.schema.json'));

/** `Lead.Region__c` → object + field (the schema guarantees the shape of every reference it accepted). */
export function parseFieldRef(ref: string): { object: BookingObject; field: string } {
  const dot = ref.indexOf('.');
  const typed = ref.slice(0, dot).toLowerCase();
  const object = BOOKING_OBJECTS.find((o) => o.toLowerCase() === typed) ?? (ref.slice(0, dot) as BookingObject);
  return { object, field: ref.slice(dot + 1) };
}

const MAX_LISTED_ERRORS = 8;

let validator: Promise<ValidateFunction> | undefined;

/** Compiles the published schema once; ajv is imported only when a setup file is actually used. */
async function compiledSchema(): Promise<ValidateFunction> {
  validator ??= (async (): Promise<ValidateFunction> => {
    const [{ Ajv2020 }, text] = await Promise.all([import('ajv/dist/2020.js'), readFile(SCHEMA_URL, 'utf8')]);
    const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
    return ajv.compile(JSON.parse(text) as object);
  })();
  return validator;
}

const quoted = (values: readonly unknown[]): string => values.map((v) => `"${String(v)}"`).join(' or ');
const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const article = (type: string): string =>
  ({ object: 'an object', array: 'a list', integer: 'an integer' })[type] ?? `a ${type}`;

/** What one ajv error means, in the words of the file's author: "<JSON path>: <what was expected>". */
function describeError(error: ErrorObject): string {
  const path = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as { properties?: Record<string, unknown>; pattern?: string };
  switch (error.keyword) {
    case 'enum':
      return `${path}: ${messages.getMessage('schema.enum', [(params.allowedValues as unknown[]).join(', ')])}`;
    case 'required':
      return `${path}: ${messages.getMessage('schema.required', [String(params.missingProperty)])}`;
    case 'oneOf': {
      const branches = (error.schema as Array<{ required?: string[] }>).flatMap((b) => b.required ?? []);
      return `${path}: ${messages.getMessage('schema.oneOf', [quoted(branches)])}`;
    }
    case 'additionalProperties':
      return `${path}: ${messages.getMessage('schema.additionalProperties', [
        String(params.additionalProperty),
        Object.keys(parent.properties ?? {}).join(', '),
      ])}`;
    case 'type':
      return `${path}: ${messages.getMessage('schema.type', [
        String(params.type).split(',').map(article).join(', ').replace(/, ([^,]*)$/, ' or $1'),
      ])}`;
    case 'propertyNames':
      return `${path}/${escapePointer(String(params.propertyName))}: ${messages.getMessage('schema.fieldRefKey', [
        String(params.propertyName),
      ])}`;
    case 'pattern':
      // "\S": a username that is only spaces is as empty as "" (and reported once with it).
      if (parent.pattern === '\\S') return `${path}: ${messages.getMessage('schema.minLength')}`;
      return `${path}: ${messages.getMessage('schema.fieldRef', [String(error.data)])}`;
    case 'maxLength':
      return `${path}: ${messages.getMessage('schema.maxLength', [String(params.limit)])}`;
    case 'uniqueItems': {
      const items = error.data as unknown[];
      return `${path}: ${messages.getMessage('schema.uniqueItems', [String(items[Number(params.i)])])}`;
    }
    case 'minLength':
      return `${path}: ${messages.getMessage('schema.minLength')}`;
    default:
      return `${path}: ${error.message ?? error.keyword}`;
  }
}

/**
 * One line per real problem. ajv also reports why each alternative of a failed `oneOf` did not match, and a failed
 * property name twice (the pattern, then propertyNames): those repeats are dropped.
 */
function describeSchemaErrors(errors: readonly ErrorObject[]): string[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  const nameChecks = new Set(errors.filter((e) => e.keyword === 'propertyNames').map((e) => e.instancePath));
  const explainsOneOf = (e: ErrorObject): boolean =>
    oneOfs.some((o) => o !== e && o.instancePath === e.instancePath && e.schemaPath.startsWith(`${o.schemaPath}/`));
  const repeatsName = (e: ErrorObject): boolean => e.keyword === 'pattern' && nameChecks.has(e.instancePath);
  const lines = errors.filter((e) => !explainsOneOf(e) && !repeatsName(e)).map(describeError);
  const unique = [...new Set(lines)];
  return unique.length > MAX_LISTED_ERRORS
    ? [...unique.slice(0, MAX_LISTED_ERRORS), messages.getMessage('schema.more', [unique.length - MAX_LISTED_ERRORS])]
    : unique;
}

const isYaml = (path: string): boolean => ['.yaml', '.yml'].includes(extname(path).toLowerCase());

/** Parses the text as JSON, or as YAML for .yaml/.yml files. */
async function parseText(path: string, text: string): Promise<unknown> {
  try {
    if (isYaml(path)) {
      const { parse } = await import('yaml');
      return parse(text) as unknown;
    }
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw messages.createError('error.notParsable', [path, isYaml(path) ? 'YAML' : 'JSON', reason]);
  }
}

/** Checks a parsed document against the schema; throws an SfError naming every JSON path that is wrong. */
export async function validateSetupFile(document: unknown, path: string): Promise<SetupFile> {
  const validate = await compiledSchema();
  if (validate(document)) return document as SetupFile;
  const lines = describeSchemaErrors(validate.errors ?? []).map((line) => `  - ${line}`);
  throw messages.createError('error.invalid', [path, lines.join('\n')], [fileURLToPath(SCHEMA_URL)]);
}

/** A setup file is a few kilobytes; anything over 1 MB is refused before it is parsed or sent anywhere. */
export const MAX_SETUP_FILE_BYTES = 1024 * 1024;

/** The file's bytes, at most MAX_SETUP_FILE_BYTES (read in chunks, so a FIFO or a growing file is bounded too). */
async function readBounded(path: string): Promise<Buffer | 'too-large'> {
  const handle = await open(resolve(path), 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_SETUP_FILE_BYTES) return 'too-large';
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_SETUP_FILE_BYTES) return 'too-large';
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

/**
 * Reads, parses and validates a setup file (JSON, or YAML for .yaml/.yml). Errors are SfErrors with actions. A file
 * over 1 MB is refused unread; a UTF-8 byte-order mark (as some Windows editors write) is ignored.
 */
export async function loadSetupFile(path: string): Promise<SetupFile> {
  let bytes: Buffer | 'too-large';
  try {
    bytes = await readBounded(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw messages.createError('error.unreadable', [path, code === 'ENOENT' ? 'no such file' : code]);
  }
  if (bytes === 'too-large') throw messages.createError('error.tooLarge', [path, MAX_SETUP_FILE_BYTES / 1024 / 1024]);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return validateSetupFile(await parseText(path, text), path);
}
