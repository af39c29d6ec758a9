/**
 * `npm run demo`: the plugin's main job on a bundled emulated org, through the real `sf` binary, in an isolated HOME.
 * No Salesforce account is needed and nothing leaves 127.0.0.1; the user's own ~/.sf is never touched.
 */
import { join } from 'node:path';
import { scenarios } from '../emulator/index.js';
import { REPO_ROOT, startSession } from '../test/e2e/harness.js';

const ALIAS = 'acme-demo';
const bold = (s: string): string => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);

const steps: Array<{ why: string; args: string[] }> = [
  { why: 'Nothing is recorded yet.', args: ['oncehub', 'status'] },
  { why: 'Phase 1: validate the signed-in user as the OnceHub API user and record the connection.', args: ['oncehub', 'connect', '-o', ALIAS, '--production'] },
  { why: 'Where does the setup stand? (the package is installed; the rest is not done yet)', args: ['oncehub', 'doctor', '-o', ALIAS] },
  { why: 'Installation step 2, as a dry run first: nothing is written.', args: ['oncehub', 'permset', 'assign', '-o', ALIAS, '--dry-run'] },
  { why: 'Installation step 2: assign the OnceHub permission set to the API user.', args: ['oncehub', 'permset', 'assign', '-o', ALIAS] },
  { why: 'Run it again: idempotent, nothing to do.', args: ['oncehub', 'permset', 'assign', '-o', ALIAS] },
  {
    why: 'Installation step 3: add the package fields to the Event layouts in use (through the Metadata API: "Event Layout" has Lightning actions, which Tooling PATCH would refuse).',
    args: ['oncehub', 'layout', 'add-fields', '-o', ALIAS],
  },
  {
    why: 'All five phases, with the setup file kept in version control (examples/oncehub-setup.json).',
    args: ['oncehub', 'doctor', '-o', ALIAS, '--config', join(REPO_ROOT, 'examples', 'oncehub-setup.json')],
  },
  { why: 'The same report for CI, as one JSON document (summary shown).', args: ['oncehub', 'doctor', '-o', ALIAS, '--json'] },
  { why: 'The one command for CI (connect, assign, add fields, then doctor); everything is done already, so it changes nothing.', args: ['oncehub', 'setup', '-o', ALIAS, '--no-prompt', '--config', join(REPO_ROOT, 'examples', 'oncehub-setup.json')] },
];

async function main(): Promise<void> {
  const session = await startSession({ org: scenarios.demo().withTwoEventLayouts().build() });
  const { emulator } = session;
  try {
    console.log(bold(`Emulated Salesforce org at ${emulator.url} (production, "Acme"), API user admin@acme.example.`));
    console.log(`sf runs in an isolated HOME: ${session.home}\n`);
    await session.login('admin@acme.example', ALIAS, { setDefault: true });
    console.log(`$ sf org login access-token --instance-url ${emulator.url} --alias ${ALIAS}   (done)\n`);
    for (const step of steps) {
      console.log(bold(`# ${step.why}`));
      console.log(bold(`$ sf ${step.args.join(' ')}`));
      const result = await session.sf(step.args);
      if (step.args.includes('--json') && result.stdout.trim().startsWith('{')) {
        const doc = JSON.parse(result.stdout) as { status: number; result?: { progress?: unknown; summary?: unknown } };
        console.log(JSON.stringify({ status: doc.status, progress: doc.result?.progress, summary: doc.result?.summary }, null, 2));
      } else {
        process.stdout.write(result.stdout);
      }
      if (result.stderr.trim()) process.stdout.write(result.stderr);
      console.log(`(exit code ${result.exitCode})\n`);
    }
    const writes = emulator.log.writes().length;
    console.log(bold(`The org saw ${emulator.log.dataRequests().length} data requests, ${writes} of them writes.`));
  } finally {
    await session.stop(); // also stops the emulator it started
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
