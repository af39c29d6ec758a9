/**
 * `npm run demo`: the plugin's main job on a bundled emulated org, through the real `sf` binary, in an isolated HOME.
 * No Salesforce account is needed and nothing leaves 127.0.0.1; the user's own ~/.sf is never touched.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_ADMIN_USERNAME, scenarios, startEmulator } from '../emulator/index.js';
import { REPO_ROOT, type Session, startSession } from '../test/e2e/harness.js';

type Step = { why: string; args: string[]; cwd?: string };

const ALIAS = 'acme-demo';
const bold = (s: string): string => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);

const steps: Step[] = [
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

/** Prints each step's command and what sf answered (a JSON document as its summary only). */
async function runSteps(session: Session, list: readonly Step[]): Promise<void> {
  for (const step of list) {
    console.log(bold(`# ${step.why}`));
    console.log(bold(`$ ${step.cwd ? `(cd ${step.cwd}) ` : ''}sf ${step.args.join(' ')}`));
    const result = await session.sf(step.args, step.cwd ? { cwd: step.cwd } : {});
    if (step.args.includes('--json') && result.stdout.trim().startsWith('{')) {
      const doc = JSON.parse(result.stdout) as { status: number; result?: { progress?: unknown; summary?: unknown } };
      console.log(JSON.stringify({ status: doc.status, progress: doc.result?.progress, summary: doc.result?.summary }, null, 2));
    } else {
      process.stdout.write(result.stdout);
    }
    if (result.stderr.trim()) process.stdout.write(result.stderr);
    console.log(`(exit code ${result.exitCode})\n`);
  }
}

const COMPARE_FILE = join(REPO_ROOT, 'examples', 'oncehub-compare.json');

/** Sandbox → production: a sandbox that is ready, a production org missing a picklist value and the layout fields. */
async function sandboxToProduction(): Promise<void> {
  const sandbox = await startEmulator({ org: scenarios.sandboxReady().build() });
  const session = await startSession({ org: scenarios.productionForDemo().build() });
  try {
    console.log(bold(`Sandbox → production: a sandbox at ${sandbox.url} where OnceHub is set up and tested, production at ${session.emulator.url}.`));
    await session.login(SANDBOX_ADMIN_USERNAME, 'acme-uat', { emulator: sandbox });
    await session.login('admin@acme.example', 'acme');
    console.log('$ sf org login access-token … --alias acme-uat   and   --alias acme   (done)\n');
    await runSteps(session, [
      {
        why: 'Is production ready for what works in the sandbox? Every check and the setup file\'s fields, side by side.',
        args: ['oncehub', 'compare', '--source-org', 'acme-uat', '--target-org', 'acme', '--config', COMPARE_FILE],
      },
    ]);
  } finally {
    await session.stop();
    await sandbox.stop();
  }
}

/** A fresh org: write its setup file, then the doctor's Markdown report with it, as a CI job summary shows it. */
async function freshOrgSetupFile(): Promise<void> {
  const session = await startSession({ org: scenarios.requiredFieldTypes().build() });
  try {
    console.log(bold(`A fresh org at ${session.emulator.url}, with required picklist, number, date and email fields.`));
    await session.login('admin@acme.example', 'acme-new');
    await runSteps(session, [
      { why: 'Record the API user, so the setup file names it.', args: ['oncehub', 'connect', '-o', 'acme-new'] },
      { why: 'Write a starting setup file from the org.', args: ['oncehub', 'setup-file', 'generate', '-o', 'acme-new'] },
    ]);
    console.log(bold('# The file it wrote (oncehub-setup.json):'));
    process.stdout.write(`${readFileSync(join(session.home, 'oncehub-setup.json'), 'utf8')}\n`);
    await runSteps(session, [
      {
        why: 'The doctor with that file, as Markdown for a CI job summary (>> "$GITHUB_STEP_SUMMARY"): nothing fails in phases 3–5.',
        args: ['oncehub', 'doctor', '-o', 'acme-new', '--config', 'oncehub-setup.json', '--result-format', 'markdown'],
      },
    ]);
  } finally {
    await session.stop();
  }
}

/** Runs git in the demo project (quietly, without the user's git config). */
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@acme.example', '-c', 'core.autocrlf=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });

/**
 * Layouts in source control: an sf project under git with the retrieved "Event Layout". doctor warns that the next
 * deployment of that file would remove the fields; add-fields --source-dir edits the file (git diff: added lines only)
 * instead of the org. Then a direct write to the org, its backup, and the restore that undoes it.
 */
async function projectWorkflow(): Promise<void> {
  const session = await startSession({ org: scenarios.demo().withTwoEventLayouts().build() });
  try {
    console.log(bold(`Layouts in source control: an sf project under git, against a fresh emulated org at ${session.emulator.url}.`));
    await session.login('admin@acme.example', ALIAS, { setDefault: true });
    const project = join(session.home, 'acme-project');
    const layouts = join(project, 'force-app', 'main', 'default', 'layouts');
    mkdirSync(layouts, { recursive: true });
    writeFileSync(join(project, 'sfdx-project.json'), `${JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }, null, 2)}\n`);
    const file = 'Event-Event Layout.layout-meta.xml';
    copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'layouts', file), join(layouts, file));
    git(project, 'init', '-q');
    git(project, 'add', '.');
    git(project, 'commit', '-q', '-m', 'Layouts as retrieved (sf project retrieve start -m Layout:"Event-Event Layout")');
    console.log(`An sf project in ${project} with the retrieved force-app/main/default/layouts/${file}, committed.\n`);
    await runSteps(session, [
      { why: 'doctor inside the project also checks its layout files (source-layouts warns: a deploy would remove the fields).', args: ['oncehub', 'doctor', '-o', ALIAS], cwd: project },
      {
        why: 'Edit the project instead of the org (zero writes to the org); "Sales Event Layout" has no file here, so the command says how to retrieve it.',
        args: ['oncehub', 'layout', 'add-fields', '-o', ALIAS, '--source-dir', 'force-app'],
        cwd: project,
      },
    ]);
    console.log(bold('$ git diff --stat && git diff'));
    process.stdout.write(git(project, 'diff', '--stat'));
    process.stdout.write(`${git(project, 'diff')}\n`);
    const backupDir = join(session.home, 'layout-backup');
    await runSteps(session, [
      {
        why: 'Writing to the org directly instead: every layout is backed up first (here into --backup-dir), and the restore command is printed.',
        args: ['oncehub', 'layout', 'add-fields', '-o', ALIAS, '--backup-dir', backupDir],
      },
    ]);
    console.log(bold(`$ ls ${backupDir} ${join(backupDir, 'written')}`));
    console.log(`${execFileSync('ls', [backupDir, join(backupDir, 'written')], { encoding: 'utf8' })}`);
    await runSteps(session, [
      { why: 'Undo it: each layout goes back as it was, because nobody changed it since the plugin wrote it.', args: ['oncehub', 'layout', 'restore', '-o', ALIAS, '--backup-dir', backupDir] },
    ]);
  } finally {
    await session.stop();
  }
}

async function main(): Promise<void> {
  const session = await startSession({ org: scenarios.demo().withTwoEventLayouts().build() });
  const { emulator } = session;
  try {
    console.log(bold(`Emulated Salesforce org at ${emulator.url} (production, "Acme"), API user admin@acme.example.`));
    console.log(`sf runs in an isolated HOME: ${session.home}\n`);
    await session.login('admin@acme.example', ALIAS, { setDefault: true });
    console.log(`$ sf org login access-token --instance-url ${emulator.url} --alias ${ALIAS}   (done)\n`);
    await runSteps(session, steps);
    const writes = emulator.log.writes().length;
    console.log(bold(`The org saw ${emulator.log.dataRequests().length} data requests, ${writes} of them writes.\n`));
  } finally {
    await session.stop(); // also stops the emulator it started
  }
  await projectWorkflow();
  await sandboxToProduction();
  await freshOrgSetupFile();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
