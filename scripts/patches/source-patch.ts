/**
 * The shape of a correction the bundle (scripts/bundle.ts) applies to a dependency's source, and the rules that make a
 * dependency update that moves the patched code fail the build instead of shipping an unpatched bundle:
 *
 * - every `find` of a patch must occur exactly `count` times (default 1) in each file the patch's `file` matches;
 * - a `transform` (for edits that are computed, not literal) throws itself when what it expects is not there;
 * - every patch must have been applied to at least one file of the build (a renamed or no longer bundled file fails);
 * - the patched package must be pinned to an exact version in package.json devDependencies, and the copy that was
 *   bundled must be that version (a patch is written against one version's text).
 *
 * Each file in scripts/patches/ exports its patches (a SourcePatch, or an array of them); the bundle loads every export
 * of that shape, so a new patch needs no change to scripts/bundle.ts.
 */
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

export type SourceEdit = {
  find: string;
  /** The text that replaces each occurrence; a function when it is computed at build time (called once per file). */
  replace: string | ((path: string) => string);
  /** How many times `find` must occur in each patched file (default 1). */
  count?: number;
};

export type SourcePatch = {
  name: string;
  /** Why the bundle needs it: the failure or cost without it. */
  why: string;
  /** The npm package whose files it patches (pinned exactly in package.json devDependencies). */
  package: string;
  /** The patched files, matched on their absolute path. */
  file: RegExp;
  edits?: SourceEdit[];
  /** A computed rewrite; must throw when the source is not what it expects. Runs after `edits`. */
  transform?: (source: string, path: string) => string;
};

export function isSourcePatch(value: unknown): value is SourcePatch {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<SourcePatch>;
  return (
    typeof p.name === 'string' &&
    typeof p.package === 'string' &&
    p.file instanceof RegExp &&
    (Array.isArray(p.edits) || typeof p.transform === 'function')
  );
}

/** The patches a module exports: SourcePatch values and arrays of them, each once. */
export function patchesOf(exports: Record<string, unknown>): SourcePatch[] {
  const found = new Set<SourcePatch>();
  for (const value of Object.values(exports)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) if (isSourcePatch(item)) found.add(item);
  }
  return [...found];
}

export class PatchError extends Error {
  public constructor(patch: SourcePatch, version: string, path: string, problem: string, hint = "the dependency's code moved: look at the patch again in scripts/patches/") {
    super(`patch "${patch.name}" (${patch.package}@${version}, ${path}): ${problem}; ${hint}.`);
  }
}

/** The folder and version of the installed package that holds `path` (the nearest node_modules/<name>). */
export function owningPackage(path: string, name: string): { dir: string; version: string } | undefined {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = path.lastIndexOf(marker);
  if (at < 0) return undefined;
  const dir = path.slice(0, at + marker.length - 1);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return { dir, version };
}

const occurrences = (source: string, find: string): number => source.split(find).length - 1;

/**
 * Applies one patch to a file it matches (the caller tested `patch.file`). Throws a PatchError when an edit's text is
 * missing or occurs a different number of times than declared.
 */
export function applyPatch(patch: SourcePatch, source: string, path: string, version: string): string {
  let out = source;
  for (const edit of patch.edits ?? []) {
    const expected = edit.count ?? 1;
    const found = occurrences(out, edit.find);
    if (found !== expected) {
      throw new PatchError(patch, version, path, `${JSON.stringify(edit.find.slice(0, 80))} occurs ${found} time(s), expected ${expected}`);
    }
    const replacement = typeof edit.replace === 'string' ? edit.replace : edit.replace(path);
    out = out.split(edit.find).join(replacement);
  }
  if (patch.transform) {
    try {
      out = patch.transform(out, path);
    } catch (error) {
      throw new PatchError(patch, version, path, error instanceof Error ? error.message : String(error));
    }
  }
  return out;
}

/** The exact version package.json pins `name` to, or a reason it is not pinned. */
export function pinnedVersion(root: string, name: string): { version?: string; problem?: string } {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const range = pjson.devDependencies?.[name];
  if (range === undefined) return { problem: `${name} is not in package.json devDependencies (patched packages are pinned there)` };
  if (!/^\d+\.\d+\.\d+$/.test(range)) return { problem: `${name} is "${range}" in package.json devDependencies, not an exact version` };
  return { version: range };
}
