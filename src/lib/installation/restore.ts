import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { exitCodeOf, type ExitCode } from '../cli/exit-codes.js';
import { errorCodeOf, isOrgLevelError } from '../org/errors.js';
import { sameId } from '../org/identity.js';
import { batches, type MetadataComponent, readMetadata, updateMetadata } from '../org/metadata.js';
import { type BackupManifest, readBackup } from './backup.js';
import { fromSourceXml, sameMetadata } from './layout-xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.restore');

/**
 * `sf oncehub layout restore`: puts layouts back as a backup (backup.ts) holds them, through `updateMetadata` (≤ 10
 * per call), but only a layout the org still holds as the plugin wrote it. A layout changed since (someone edited it
 * in Setup, a deployment replaced it) is left alone with the reason, unless `force`. The comparison is by meaning
 * (layout-xml.ts's canonicalMetadata): the org's answer and the backup's file differ in form, never in content, when
 * nothing changed. A backup of another org is refused before anything is read.
 * Requests: ⌈L/10⌉ reads, then ⌈restored/10⌉ writes.
 */

export type RestoreRow = { layout: string; restored: boolean; reason?: string };
export type RestoreResult = { backupDir: string; layouts: RestoreRow[]; dryRun?: true };

type Current = { metadata: MetadataComponent } | { error: string };

const messageOf = (err: unknown): string => `${err instanceof Error ? err.message : String(err)}${errorCodeOf(err) ? ` (${errorCodeOf(err)})` : ''}`;

/** The org's current metadata of each layout of the backup, ≤ 10 names per call, the calls side by side. */
async function readCurrent(conn: Connection, fullNames: readonly string[]): Promise<Current[]> {
  const reads = await Promise.all(
    batches(fullNames).map(async (names): Promise<Current[]> => {
      try {
        const records = await readMetadata(conn, 'Layout', names);
        return records.map((r) => (r ? { metadata: r } : { error: messages.getMessage('reason.notInOrg') }));
      } catch (err) {
        if (isOrgLevelError(err)) throw err;
        return names.map(() => ({ error: messages.getMessage('reason.unreadable', [messageOf(err)]) }));
      }
    })
  );
  return reads.flat();
}

/** Pure: which layouts to write back, and why the others are left alone. */
export function planRestore(
  manifest: BackupManifest,
  files: { before: ReadonlyMap<string, string>; written: ReadonlyMap<string, string> },
  current: readonly Current[],
  force: boolean
): Array<{ fullName: string; name: string; write?: MetadataComponent; row: RestoreRow }> {
  return manifest.layouts.map((layout, i) => {
    const name = layout.name || layout.fullName;
    const now = current[i];
    if ('error' in now) return { fullName: layout.fullName, name, row: { layout: name, restored: false, reason: now.error } };
    const before = fromSourceXml(files.before.get(layout.fullName) ?? '');
    const written = fromSourceXml(files.written.get(layout.fullName) ?? '');
    if (sameMetadata(now.metadata, before)) {
      return { fullName: layout.fullName, name, row: { layout: name, restored: true, reason: messages.getMessage('reason.alreadyRestored') } };
    }
    if (!force && !sameMetadata(now.metadata, written)) {
      return { fullName: layout.fullName, name, row: { layout: name, restored: false, reason: messages.getMessage('reason.changedSince') } };
    }
    return { fullName: layout.fullName, name, write: { fullName: layout.fullName, ...before }, row: { layout: name, restored: true } };
  });
}

/** 0 when every layout is back as in the backup, 1 when none is, 68 in between. */
export function restoreExitCode(rows: readonly RestoreRow[]): ExitCode {
  const restored = rows.filter((r) => r.restored).length;
  return exitCodeOf({ failed: rows.length - restored, succeeded: restored });
}

export async function restoreLayouts(
  conn: Connection,
  target: { orgId: string; alias: string },
  options: { dir: string; dryRun: boolean; force: boolean }
): Promise<{ result: RestoreResult; exitCode: ExitCode }> {
  const { manifest, before, written } = await readBackup(options.dir);
  if (!sameId(manifest.orgId, target.orgId)) {
    throw messages.createError('error.otherOrg', [options.dir, manifest.orgId, manifest.username, target.alias, target.orgId], [manifest.username]);
  }
  const current = await readCurrent(conn, manifest.layouts.map((l) => l.fullName));
  const plan = planRestore(manifest, { before, written }, current, options.force);
  const writes = plan.filter((p) => p.write);
  if (!options.dryRun) {
    for (const batch of batches(writes)) {
      try {
        const results = await updateMetadata(conn, 'Layout', batch.map((p) => p.write as MetadataComponent));
        results.forEach((r, i) => {
          if (!r.success) batch[i].row = { layout: batch[i].name, restored: false, reason: messages.getMessage('reason.refused', [`${r.error?.message ?? ''} (${r.error?.errorCode ?? 'UNKNOWN_EXCEPTION'})`]) };
        });
      } catch (err) {
        if (isOrgLevelError(err)) throw err;
        for (const p of batch) p.row = { layout: p.name, restored: false, reason: messages.getMessage('reason.refused', [messageOf(err)]) };
      }
    }
  }
  const layouts = plan.map((p) => p.row);
  const result: RestoreResult = { backupDir: options.dir, layouts, ...(options.dryRun ? { dryRun: true as const } : {}) };
  return { result, exitCode: restoreExitCode(layouts) };
}
