import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { commandLine } from '../cli/command-line.js';
import { writeFileSafely } from '../files.js';
import { OncehubState } from '../connection/state.js';
import { orderByWsdl } from '../org/metadata-order.js';
import { toSourceXml } from './layout-xml.js';
import type { LayoutMetadata, LayoutWriteHook } from './layout.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.restore');

/**
 * Backups of layouts before the plugin writes them (`layout add-fields`, `setup`), for `sf oncehub layout restore`.
 * A backup is a folder:
 *
 *   backup.json                                 the manifest: org id, username, API version, time, the layouts
 *   <full name>.layout-meta.xml                 each layout as read before the write (Metadata API source format,
 *                                               what `sf project retrieve start` writes, so it can also be deployed)
 *   written/<full name>.layout-meta.xml         the version the plugin wrote: restore compares the org's layout with
 *                                               it to tell whether someone changed the layout since
 *
 * It is written completely into a temporary folder beside the target and renamed into place before the first write,
 * so a backup folder is either whole or absent. Default location: `~/.sf/oncehub/backups/<org id>/<UTC time>/`, beside
 * the plugin's state file (~/.sf/oncehub.json).
 */

export const BACKUP_MANIFEST = 'backup.json';
export const WRITTEN_FOLDER = 'written';
export const BACKUP_SUFFIX = '.layout-meta.xml';

export type BackupLayout = {
  /** The Metadata API full name the layout was read and written under. */
  fullName: string;
  /** The layout's name as Setup shows it. */
  name: string;
  /** The layout before the write, relative to the backup folder. */
  file: string;
  /** The layout as written, relative to the backup folder. */
  writtenFile: string;
};

export type BackupManifest = {
  orgId: string;
  username: string;
  apiVersion: string;
  createdAt: string;
  layouts: BackupLayout[];
};

export type BackupTarget = { orgId: string; username: string; apiVersion: string };

/** The folder under which backups go by default: `oncehub/backups` in the folder of the plugin's state file (~/.sf). */
export const backupRoot = async (): Promise<string> => join(dirname((await OncehubState.load()).getPath()), 'oncehub', 'backups');

/** `2026-12-02T17-30-50-123Z`: the UTC time, sortable and valid as a folder name on every system. */
export const utcStamp = (at: Date): string => at.toISOString().replace(/:/g, '-').replace('.', '-');

/** The default backup folder of a write to this org at this time. */
export const defaultBackupDir = async (orgId: string, at: Date): Promise<string> => join(await backupRoot(), orgId, utcStamp(at));

/** File names may not hold `/` (it is encoded in full names as %2F, but a name typed by hand may hold one). */
const fileNameOf = (fullName: string): string => `${fullName.replace(/[/\\]/g, '_')}${BACKUP_SUFFIX}`;

/** Metadata without jsforce's attribute keys (`$`) and null values, at every level. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => !k.startsWith('$') && v !== null && v !== undefined)
      .map(([k, v]) => [k, plain(v)])
  );
}

/**
 * The source-format text of a layout's metadata, elements in the WSDL's order (orderByWsdl), so the file deploys as
 * it is. An element the schema does not know (a newer API version's) keeps the order the org sent.
 */
export function layoutSource(metadata: LayoutMetadata): string {
  const value = plain(metadata) as Record<string, unknown>;
  let ordered: Record<string, unknown>;
  try {
    ordered = orderByWsdl('Layout', value);
  } catch {
    ordered = value;
  }
  return toSourceXml('Layout', ordered);
}

/**
 * Writes a backup of these layouts into `dir` (which must not exist, or be an empty folder): everything into a
 * temporary sibling folder, then one rename. Returns the manifest written.
 */
export async function writeBackup(
  dir: string,
  target: BackupTarget,
  layouts: ReadonlyArray<{ fullName: string; name: string; before: LayoutMetadata; written: LayoutMetadata }>,
  now: Date = new Date()
): Promise<BackupManifest> {
  const final = resolve(dir);
  const existing = await lstat(final).catch(() => undefined);
  if (existing && (!existing.isDirectory() || existing.isSymbolicLink() || (await readdir(final)).length > 0)) {
    throw messages.createError('error.backupDirNotEmpty', [dir]);
  }
  await mkdir(dirname(final), { recursive: true });
  const temporary = join(dirname(final), `.${basename(final)}.${randomBytes(6).toString('hex')}.tmp`);
  await mkdir(join(temporary, WRITTEN_FOLDER), { recursive: true, mode: 0o700 });
  try {
    const manifest: BackupManifest = { orgId: target.orgId, username: target.username, apiVersion: target.apiVersion, createdAt: now.toISOString(), layouts: [] };
    for (const layout of layouts) {
      const file = fileNameOf(layout.fullName);
      const writtenFile = `${WRITTEN_FOLDER}/${file}`;
      await writeFileSafely(join(temporary, file), layoutSource(layout.before));
      await writeFileSafely(join(temporary, writtenFile), layoutSource(layout.written));
      manifest.layouts.push({ fullName: layout.fullName, name: layout.name, file, writtenFile });
    }
    await writeFileSafely(join(temporary, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // An empty folder given as --backup-dir is replaced by the complete backup (rmdir refuses a folder that filled meanwhile).
    if (existing) await rmdir(final);
    await rename(temporary, final);
    return manifest;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/**
 * The hook the layout write path calls before its first write (`writeLayouts`): it writes the backup, and remembers
 * the folder for the result. `dir` is --backup-dir; default a new folder under backupRoot().
 */
export function backupBeforeWrite(target: BackupTarget, options: { dir?: string; now?: () => Date } = {}): { hook: LayoutWriteHook; written: () => string | undefined } {
  let writtenTo: string | undefined;
  const hook: LayoutWriteHook = async (writes) => {
    if (writes.length === 0) return;
    const at = (options.now ?? ((): Date => new Date()))();
    const dir = options.dir ?? (await defaultBackupDir(target.orgId, at));
    await writeBackup(
      dir,
      target,
      writes.map((w) => ({ fullName: w.fullName, name: w.layout.name, before: w.before, written: w.written })),
      at
    );
    writtenTo = resolve(dir);
  };
  return { hook, written: () => writtenTo };
}

/** A backup folder's manifest and files, checked; a clear error when it is not a backup of this plugin. */
export async function readBackup(dir: string): Promise<{ manifest: BackupManifest; before: Map<string, string>; written: Map<string, string> }> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, BACKUP_MANIFEST), 'utf8')) as BackupManifest;
  } catch (err) {
    throw messages.createError('error.notABackup', [dir, err instanceof Error ? err.message : String(err)]);
  }
  const valid =
    typeof manifest === 'object' &&
    manifest !== null &&
    typeof manifest.orgId === 'string' &&
    Array.isArray(manifest.layouts) &&
    manifest.layouts.every((l) => typeof l?.fullName === 'string' && typeof l.file === 'string' && typeof l.writtenFile === 'string');
  if (!valid) throw messages.createError('error.notABackup', [dir, `${BACKUP_MANIFEST} does not have the expected shape`]);
  const before = new Map<string, string>();
  const written = new Map<string, string>();
  for (const layout of manifest.layouts) {
    const inside = (rel: string): string => {
      const path = resolve(dir, rel);
      if (!path.startsWith(resolve(dir) + '/') && !path.startsWith(resolve(dir) + '\\')) {
        throw messages.createError('error.notABackup', [dir, `${rel} is outside the backup folder`]);
      }
      return path;
    };
    before.set(layout.fullName, await readFile(inside(layout.file), 'utf8'));
    written.set(layout.fullName, await readFile(inside(layout.writtenFile), 'utf8'));
  }
  return { manifest, before, written };
}

/** The command that restores a backup (the values quoted for a POSIX shell when they are not plain words). */
export const restoreCommand = (alias: string, dir: string): string =>
  commandLine(['sf', 'oncehub', 'layout', 'restore', '--target-org', alias, '--backup-dir', dir]);
