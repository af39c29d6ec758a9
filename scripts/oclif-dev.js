// Runs the oclif dev plugins (package.json oclif.devPlugins: command snapshots and JSON schemas of results) on the
// commands in src/ (loaded through tsx), ignoring a built oclif.manifest.json: the schema generator finds each command
// by its class name, which the esbuild bundle in lib/ renames. Usage: node --import tsx scripts/oclif-dev.js <command>
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await execute({ development: true, dir: join(root, 'bin', 'dev.js'), loadOptions: { root, ignoreManifest: true } });
