import { existsSync } from 'node:fs';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the plugin writes for CI (reports, setup files) go through a temporary file in the same folder, so a reader
 * never sees half a file and a failed write leaves nothing behind.
 */
export async function writeFileAtomically(path: string, content: string, options: { overwrite?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(temporary, content, 'utf8');
    // link() refuses an existing target (EEXIST), so "never overwrite" holds even against a file created meanwhile.
    if (options.overwrite === false) await link(temporary, path);
    else await rename(temporary, path);
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
