import { randomBytes } from 'node:crypto';
import { constants, existsSync, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'files');

/**
 * The one way the plugin writes a file (reports, setup files, the state file), safe in shared folders where another
 * local user may plant links, and in CI where the plugin runs as root:
 *
 * 1. The target must be absent or a regular file. A directory, FIFO, device or socket is refused, `force` included (as
 *    root, renaming over `/dev/null` would replace the device). A symlink is refused without `force`; with `force` the
 *    link itself is replaced (rename never follows it), the file it points to is never written.
 * 2. The content goes to a temporary file in the target's folder with a random name, created exclusively
 *    (`O_CREAT|O_EXCL`, plus `O_NOFOLLOW` where the platform has it): a link planted under a guessed name makes the
 *    open fail instead of redirecting the write. A reader never sees half a file; a failed write leaves nothing.
 * 3. Without `force` (or `overwrite`) the last step is exclusive too: `link(temp, target)` fails with EEXIST when anything appeared at
 *    the target during the run (a file, a link, a dangling link), so of two concurrent runs one writes and the other
 *    fails cleanly. With `force` or `overwrite`, `rename(temp, target)` replaces the file atomically.
 *
 * Errors are SfErrors: FileExistsError, NotRegularFileError, SymlinkTargetError, FileNotWrittenError.
 */
export type WriteOptions = {
  /** Replace an existing regular file or symlink (never a directory, FIFO or device). Only `true` replaces. */
  force?: boolean;
  /**
   * Replace an existing regular file, but refuse a symlink (files regenerated on every run, like reports and the state
   * file, that have no --force). Implied by `force`.
   */
  overwrite?: boolean;
  /** Permission bits of a newly written file, before the umask (default 0o666, like fs.writeFile). */
  mode?: number;
};

/** Test seam: called after the temporary file is written and before the final link/rename. */
export const writeHooks: { beforeCommit?: (target: string) => Promise<void> | void } = {};

const NO_FOLLOW = (constants as { O_NOFOLLOW?: number }).O_NOFOLLOW ?? 0;

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Refuses a target that must not be written: anything but a regular file or (with force) a symlink; any file without force. */
async function checkTarget(path: string, force: boolean, overwrite: boolean): Promise<void> {
  const stats = await lstatOrUndefined(path);
  if (!stats) return;
  if (stats.isSymbolicLink()) {
    if (!force) throw messages.createError('error.symlinkTarget', [path]);
    return;
  }
  if (!stats.isFile()) throw messages.createError('error.notRegularFile', [path, kindOf(stats)]);
  if (!overwrite) throw messages.createError('error.fileExists', [path]);
}

/**
 * The target check of writeFileSafely on its own, for commands that refuse a bad path before any request (it is
 * checked again when writing).
 */
export async function refuseUnsafeTarget(path: string, options: WriteOptions = {}): Promise<void> {
  const force = options.force === true;
  await checkTarget(resolve(path), force, force || options.overwrite === true);
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function writeFileSafely(path: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
  const target = resolve(path);
  const force = options.force === true;
  const overwrite = force || options.overwrite === true;
  const dir = dirname(target);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw messages.createError('error.notWritten', [target, errorText(err)]);
  }
  await checkTarget(target, force, overwrite);

  const temporary = join(dir, `.${basename(target)}.${randomBytes(12).toString('hex')}.tmp`);
  try {
    try {
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
      const handle = await open(temporary, flags, options.mode ?? 0o666);
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      await writeHooks.beforeCommit?.(target);
    } catch (err) {
      throw messages.createError('error.notWritten', [target, errorText(err)]);
    }
    if (overwrite) {
      // Checked again right before the rename, which would replace a FIFO or a device that appeared meanwhile.
      await checkTarget(target, force, true);
      try {
        await rename(temporary, target);
      } catch (err) {
        throw messages.createError('error.notWritten', [target, errorText(err)]);
      }
    } else {
      try {
        await link(temporary, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw messages.createError('error.fileExists', [target]);
        throw messages.createError('error.notWritten', [target, errorText(err)]);
      }
    }
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * A file shipped in the package (e.g. schemas/…), found from the package root: the nearest folder holding a
 * package.json above this module. The module sits in src/lib/ when run from sources and in a bundle chunk in lib/ when
 * installed, so a fixed relative path would only be right in one of them.
 */
export function packageFile(...segments: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return join(dir, ...segments);
}
