/**
 * @salesforce/sf-plugins-core loads its Messages bundles (flag errors, prompts, the error formatting) from its own
 * package folder at run time: `Messages.importMessagesDirectoryFromMetaUrl(import.meta.url)` walks up from the module
 * to the nearest package.json and reads its messages/ folder. In the bundle, `import.meta.url` is a file of lib/, so
 * that would read the plugin's own package instead, and every sf-plugins-core message lookup would fail ("Missing
 * message …" on the first flag error, e.g. an unknown -o alias).
 *
 * The call is replaced by the messages themselves, read at build time by @salesforce/core's own loader and registered
 * with `Messages.setLoaderFunction`, the API core provides for messages that do not come from a folder.
 *
 * Breaks when: sf-plugins-core moves the call to another file (the bundle's guard against relative message loads then
 * fails the build, naming the file: add it to `file` below) or writes it differently (the `find` fails), or core's
 * Messages API changes.
 */
import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Messages } from '@salesforce/core';
import type { SourcePatch } from './source-patch.js';

const PKG = '@salesforce/sf-plugins-core';
const CALL = 'Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);';

let inlined: string | undefined;
/** `Messages.setLoaderFunction(…)` for every bundle of the package that holds `path`, computed once. */
function loaders(path: string): string {
  if (inlined) return inlined;
  const pkgDir = path.slice(0, path.lastIndexOf(`${sep}lib${sep}`));
  Messages.importMessagesDirectory(join(pkgDir, 'lib'), true, PKG);
  inlined = readdirSync(join(pkgDir, 'messages'))
    .map((file) => {
      const bundle = file.replace(/\.(md|json)$/, '');
      const entries = [...Messages.loadMessages(PKG, bundle).messages.entries()];
      return `Messages.setLoaderFunction(${JSON.stringify(PKG)}, ${JSON.stringify(bundle)}, (locale) => new Messages(${JSON.stringify(bundle)}, locale, new Map(${JSON.stringify(entries)})));`;
    })
    .join('\n');
  return inlined;
}

export const sfPluginsCoreMessages: SourcePatch = {
  name: 'sf-plugins-core-messages',
  why: "sf-plugins-core reads its messages/ folder relative to its module at run time; in the bundle they are inlined.",
  package: PKG,
  // The modules that load the folder (sf-plugins-core 13.0.7); a new one fails the bundle's guard.
  file: /[\\/]node_modules[\\/]@salesforce[\\/]sf-plugins-core[\\/]lib[\\/](util|errorFormatting|sfCommand|compatibility|flags[\\/](duration|salesforceId|orgFlags|orgApiVersion))\.js$/,
  edits: [{ find: CALL, replace: loaders }],
};
