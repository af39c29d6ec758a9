import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Connection } from '@salesforce/core';
import { Messages, SfProject } from '@salesforce/core';
import { type Check, pass, skip, warn } from '../checks.js';
import { commandLine } from '../cli/command-line.js';
import { writeFileSafely } from '../files.js';
import { exitCodeOf, type ExitCode } from '../cli/exit-codes.js';
import { parseLayoutFullName } from '../org/layout-names.js';
import { addFieldsToLayoutFile, fieldsInLayout } from './layout-file-edit.js';
import { type EventLayout, fullNameOf, PACKAGE_EVENT_FIELDS, readLayoutFacts, selectLayouts } from './layout.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.layout.add-fields');
const checkMessages = Messages.loadMessages('plugin-oncehub', 'installation');

/**
 * Layouts in source control: the project's layout files of the Event layouts in use, for `layout add-fields
 * --source-dir` (which edits them instead of the org) and for doctor's `source-layouts` check (which reads them).
 * A layout file is named by the layout's Metadata API full name: `Event-Event Layout %28Sales%29.layout-meta.xml` in
 * source format, `Event-Event Layout %28Sales%29.layout` in the Metadata API format (forcedotcom/cli#2869;
 * SFDO-Tooling/CumulusCI#1547, `Contact-Contact %28Marketing%29 Layout.layout`; source-deploy-retrieve's registry: type
 * Layout, suffix `layout`, folder `layouts`). Files are found and named here
 * rather than through source-deploy-retrieve, which would add about 3.4 MB to the bundle for this one rule; the tests
 * check that every edited file still resolves as the same Layout component with source-deploy-retrieve.
 */

export const SOURCE_SUFFIX = '.layout-meta.xml';
export const MDAPI_SUFFIX = '.layout';

/** Folders never searched: dependencies, VCS and sf's own state. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.sf', '.sfdx', '.hg', '.svn']);

export type LayoutFile = { path: string; fullName: string };

/** The full name a layout file stands for, or undefined when it is not a layout file. */
export function fullNameOfFile(path: string): string | undefined {
  const name = basename(path);
  if (name.endsWith(SOURCE_SUFFIX)) return name.slice(0, -SOURCE_SUFFIX.length) || undefined;
  if (name.endsWith(MDAPI_SUFFIX)) return name.slice(0, -MDAPI_SUFFIX.length) || undefined;
  return undefined;
}

/**
 * Every layout file under `dir`, in a stable order. Symbolic links are not followed (a link could lead outside the
 * folder, and nothing outside it may be written); folders of dependencies and VCS are skipped.
 */
export async function findLayoutFiles(dir: string): Promise<LayoutFile[]> {
  const found: LayoutFile[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) await walk(path);
      } else if (entry.isFile()) {
        const fullName = fullNameOfFile(path);
        if (fullName) found.push({ path, fullName });
      }
    }
  };
  const stats = await lstat(dir);
  if (stats.isFile()) {
    const fullName = fullNameOfFile(dir);
    return fullName ? [{ path: dir, fullName }] : [];
  }
  await walk(dir);
  return found;
}

/**
 * Whether a file stands for this Event layout: by full name, else by object and decoded name (a file retrieved before
 * the package was namespaced, or named by hand with another spelling of the same name, still matches).
 */
export function fileMatches(file: LayoutFile, layout: Pick<EventLayout, 'name' | 'fullName' | 'namespacePrefix'>): boolean {
  if (file.fullName === fullNameOf(layout)) return true;
  const parsed = parseLayoutFullName(file.fullName);
  return parsed.object.toLowerCase() === 'event' && parsed.name.toLowerCase() === layout.name.toLowerCase();
}

export type SourceLayoutRow = { layout: string; file: string; added: string[]; alreadyPresent: string[]; error?: { errorCode: string; message: string } };
export type SourceLayoutsResult = { layouts: SourceLayoutRow[]; notInProject: string[]; dryRun?: true };

export type SourceEdit = { layout: EventLayout; file: LayoutFile; before: string; after?: string; row: SourceLayoutRow };

/** The edits of the files of these layouts (pure apart from reading the files), and the layouts without a file. */
export async function planSourceEdits(
  layouts: readonly EventLayout[],
  files: readonly LayoutFile[],
  shownFrom: string
): Promise<{ edits: SourceEdit[]; notInProject: EventLayout[] }> {
  const edits: SourceEdit[] = [];
  const notInProject: EventLayout[] = [];
  for (const layout of layouts) {
    const matching = files.filter((f) => fileMatches(f, layout));
    if (matching.length === 0) notInProject.push(layout);
    for (const file of matching) {
      const shown = relative(shownFrom, file.path) || file.path;
      const before = await readFile(file.path, 'utf8');
      try {
        const edit = addFieldsToLayoutFile(before, PACKAGE_EVENT_FIELDS);
        edits.push({
          layout,
          file,
          before,
          ...(edit.added.length > 0 ? { after: edit.text } : {}),
          row: { layout: layout.name, file: shown, added: edit.added, alreadyPresent: edit.alreadyPresent },
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        edits.push({ layout, file, before, row: { layout: layout.name, file: shown, added: [], alreadyPresent: [], error: { errorCode: 'INVALID_XML', message } } });
      }
    }
  }
  return { edits, notInProject };
}

/** The command that retrieves a layout into the project. */
export const retrieveCommand = (fullName: string): string => commandLine(['sf', 'project', 'retrieve', 'start', '-m', `Layout:${fullName}`]);

const inside = (dir: string, path: string): boolean => {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..';
};

/**
 * `sf oncehub layout add-fields --source-dir`: the Event layouts in use and the package's fields from the org (two
 * reads, no write), then each matching file under the folders gets the missing fields (none on a dry run). Throws when
 * the package's fields do not exist or a --layout name matches no layout in use.
 */
export async function addLayoutFieldsToSource(
  conn: Connection,
  alias: string,
  options: { sourceDirs: readonly string[]; layouts?: readonly string[]; dryRun: boolean; cwd?: string }
): Promise<{ result: SourceLayoutsResult; exitCode: ExitCode }> {
  const cwd = options.cwd ?? process.cwd();
  const dirs = options.sourceDirs.map((d) => resolve(cwd, d));
  for (const [i, dir] of dirs.entries()) {
    // The folder typed may itself be a link (followed: it is what the user named); links inside it are not.
    const stats = await stat(dir).catch(() => undefined);
    if (!stats?.isDirectory()) throw messages.createError('error.sourceDirMissing', [options.sourceDirs[i]]);
  }
  const facts = await readLayoutFacts(conn);
  const absent = PACKAGE_EVENT_FIELDS.filter((f) => !facts.fieldsInOrg.includes(f));
  if (absent.length > 0) throw messages.createError('error.packageFieldsMissing', [absent.join(', '), alias], [alias]);
  const { selected, unknown } = selectLayouts(facts.layouts, options.layouts);
  if (unknown.length > 0) {
    const names = (list: string[]): string => list.map((n) => `"${n}"`).join(', ');
    throw messages.createError('error.unknownLayout', [names(unknown), names(facts.layouts.map((l) => l.name))]);
  }
  const files = (await Promise.all(dirs.map(findLayoutFiles))).flat();
  const unique = files.filter((f, i) => files.findIndex((g) => resolve(g.path) === resolve(f.path)) === i);
  const { edits, notInProject } = await planSourceEdits(selected, unique, cwd);
  for (const edit of edits) {
    if (!edit.after || options.dryRun) continue;
    if (!dirs.some((d) => inside(d, edit.file.path))) continue;
    try {
      // The file exists and is a regular file (symlinks are never followed): replaced atomically, never through a link.
      await writeFileSafely(edit.file.path, edit.after, { overwrite: true });
    } catch (err) {
      edit.row = { ...edit.row, added: [], error: { errorCode: 'WRITE_FAILED', message: err instanceof Error ? err.message : String(err) } };
    }
  }
  const rows = edits.map((e) => e.row);
  const result: SourceLayoutsResult = {
    layouts: rows,
    notInProject: notInProject.map(fullNameOf),
    ...(options.dryRun ? { dryRun: true as const } : {}),
  };
  const failed = rows.filter((r) => r.error).length;
  return { result, exitCode: exitCodeOf({ failed, succeeded: rows.length - failed }) };
}

// ---- doctor's source-layouts check -------------------------------------------------------------------------------

/** What the doctor knows about the project it runs in: nothing outside one. */
export type SourceLayoutFacts =
  | { inProject: false }
  | {
      inProject: true;
      /** The package directories, as written in sfdx-project.json. */
      packageDirs: string[];
      /** The files of the Event layouts in use, each with the package fields it lacks; undefined: the layouts in use are unknown. */
      files?: Array<{ layout: string; file: string; missing: string[] }>;
    };

/**
 * Reads the project around `cwd` (sfdx-project.json there or above, through SfProject) and the files of these Event
 * layouts in its package directories. No request to the org.
 */
export async function readSourceLayouts(
  layouts: ReadonlyArray<{ name: string; fullName?: string }> | undefined,
  cwd = process.cwd()
): Promise<SourceLayoutFacts> {
  let dirs: Array<{ path: string; fullPath: string }>;
  let root: string;
  try {
    const project = await SfProject.resolve(cwd);
    dirs = project.getUniquePackageDirectories();
    root = project.getPath();
  } catch {
    // No sfdx-project.json here or above, or one sf itself cannot use (no package directory): not a project to check.
    return { inProject: false };
  }
  if (!layouts) return { inProject: true, packageDirs: dirs.map((d) => d.path) };
  const files: Array<{ layout: string; file: string; missing: string[] }> = [];
  for (const dir of dirs) {
    const found = await findLayoutFiles(dir.fullPath).catch(() => []);
    for (const layout of layouts) {
      for (const file of found.filter((f) => fileMatches(f, layout))) {
        const text = await readFile(file.path, 'utf8');
        let present: Set<string>;
        try {
          present = fieldsInLayout(text);
        } catch {
          present = new Set();
        }
        files.push({ layout: layout.name, file: relative(root, file.path), missing: PACKAGE_EVENT_FIELDS.filter((f) => !present.has(f.toLowerCase())) });
      }
    }
  }
  return { inProject: true, packageDirs: dirs.map((d) => d.path), files };
}

/** Doctor's `source-layouts` check. Pure. */
export function judgeSourceLayouts(facts: SourceLayoutFacts | undefined, ctx: { alias: string }): Check {
  const id = 'source-layouts';
  const title = checkMessages.getMessage(`${id}.title`);
  if (!facts || !facts.inProject) return skip(id, title, checkMessages.getMessage(`${id}.noProject`));
  if (!facts.files) return skip(id, title, checkMessages.getMessage(`${id}.unread`));
  if (facts.files.length === 0) return skip(id, title, checkMessages.getMessage(`${id}.none`));
  const gaps = facts.files.filter((f) => f.missing.length > 0);
  if (gaps.length === 0) return pass(id, title, checkMessages.getMessage(`${id}.pass`, [facts.files.length]));
  const list = gaps.map((f) => `${f.file} (${f.missing.join(', ')})`).join('; ');
  const fix = commandLine(['sf', 'oncehub', 'layout', 'add-fields', '--target-org', ctx.alias, ...facts.packageDirs.flatMap((d) => ['--source-dir', d])]);
  return warn(id, title, checkMessages.getMessage(`${id}.warn`, [gaps.length, facts.files.length, list]), fix);
}
