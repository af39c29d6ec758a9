/**
 * A throw-away sf project on disk, as `sf project generate` lays it out: `sfdx-project.json` with one default package
 * directory `force-app`, and its layouts folder (`force-app/main/default/layouts`), empty.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAYOUTS_FOLDER = join('force-app', 'main', 'default', 'layouts');

export type SfProject = { root: string; layouts: string; remove: () => Promise<void> };

export async function createSfProject(prefix = 'oncehub-project-'): Promise<SfProject> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const layouts = join(root, LAYOUTS_FOLDER);
  await mkdir(layouts, { recursive: true });
  await writeFile(join(root, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }, null, 2));
  return { root, layouts, remove: () => rm(root, { recursive: true, force: true }) };
}
