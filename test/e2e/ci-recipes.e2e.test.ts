/**
 * The CI recipes users copy (examples/ci/), run as written: every `run:` step of the GitHub workflow and every
 * before_script / script / after_script line of the GitLab job, in order, with bash, against the emulated org, with
 * the packed plugin installed by the recipe's own step (PLUGIN points at the tarball; npm runs offline). Only the login
 * is replaced: `sf org login jwt` becomes the emulator's access-token login. So the recipes cannot rot.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { parse } from 'yaml';
import { ADMIN_USERNAME, PERMSET_NAME, scenarios } from '../../emulator/index.js';
import { installFootprint, REPO_ROOT, type Session, startSession } from './harness.js';

type GithubStep = { name?: string; run?: string; env?: Record<string, string> };
type GithubWorkflow = { env: Record<string, string>; jobs: Record<string, { steps: GithubStep[] }> };
type GitlabJob = { variables: Record<string, string>; before_script: string[]; script: string[]; after_script: string[] };

const VALID_CONFIG = join(REPO_ROOT, 'test', 'fixtures', 'setup', 'valid.json').split('\\').join('/');
const LOGIN = /sf org login jwt/;
const EMULATOR_LOGIN =
  'SF_ACCESS_TOKEN="$EMULATOR_TOKEN" sf org login access-token --instance-url "$EMULATOR_URL" --alias "$ORG_ALIAS" --set-default --no-prompt';

type Bash = { exitCode: number; output: string };

/** Runs a script the way GitHub runs a bash step: `bash --noprofile --norc -eo pipefail`. */
function bash(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Bash> {
  return new Promise((done) => {
    execFile('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { env, cwd, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` })
    );
  });
}

/** Values the recipe takes from secrets or repository variables (`${{ … }}`) are not set here. */
const withoutExpressions = (env: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => !String(v).includes('${{')));

describe('e2e: the CI recipes in examples/ci run as written', function () {
  this.timeout(900_000);
  let s: Session | undefined;
  let workdir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    s = await startSession({ org: scenarios.demo().withTwoEventLayouts().build(), linkPlugin: false });
    const { tarball } = await installFootprint();
    workdir = join(s.home, 'checkout');
    mkdirSync(workdir, { recursive: true });
    env = {
      ...s.env,
      EMULATOR_URL: s.emulator.url,
      EMULATOR_TOKEN: s.emulator.tokenFor(ADMIN_USERNAME),
      // The recipe installs the packed plugin; with no runtime dependencies npm needs no registry.
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      PLUGIN_UNDER_TEST: pathToFileURL(tarball).href,
    };
  });

  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  /** The recipe's own settings, with the plugin and setup file of this test. */
  const overrides = (): Record<string, string> => ({ PLUGIN: String(env.PLUGIN_UNDER_TEST), SETUP_FILE: VALID_CONFIG });

  function expectSetUp(reportDir: string): void {
    const setup = JSON.parse(readFileSync(join(reportDir, 'oncehub-setup.json'), 'utf8')) as { status: number; result: { doctor: { progress: unknown } } };
    expect(setup.status).to.equal(0);
    expect(setup.result.doctor.progress).to.deep.equal({ done: 5, total: 5 });
    const junit = readFileSync(join(reportDir, 'oncehub-doctor.xml'), 'utf8');
    expect(junit).to.match(/<testsuites[^>]*failures="0"/);
    expect((junit.match(/<testcase /g) ?? []).length).to.be.greaterThan(5);
    const org = s!.emulator.org;
    const permset = org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME);
    const admin = org.requireUser(ADMIN_USERNAME);
    expect(org.where('PermissionSetAssignment', (a) => a.PermissionSetId === permset?.Id && a.AssigneeId === admin.Id)).to.have.length(1);
  }

  it('examples/ci/github-actions.yml: every run step, with the report in the job summary', async () => {
    const workflow = parse(readFileSync(join(REPO_ROOT, 'examples', 'ci', 'github-actions.yml'), 'utf8')) as GithubWorkflow;
    const steps = Object.values(workflow.jobs)[0].steps.filter((step) => step.run);
    expect(steps.filter((step) => LOGIN.test(step.run!)), 'one JWT login step').to.have.length(1);
    const summary = join(s!.home, 'step-summary.md');
    const runnerTemp = join(s!.home, 'runner-temp');
    mkdirSync(runnerTemp);
    const jobEnv = { ...env, ...withoutExpressions(workflow.env), ...overrides(), GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: runnerTemp };

    for (const step of steps) {
      const script = LOGIN.test(step.run!) ? EMULATOR_LOGIN : step.run!;
      const run = await bash(script, { ...jobEnv, ...withoutExpressions(step.env) }, workdir);
      expect(run.exitCode, `step "${step.name ?? step.run}" failed:\n${run.output}`).to.equal(0);
      expect(run.output).not.to.include(String(env.EMULATOR_TOKEN));
    }

    expectSetUp(join(workdir, workflow.env.REPORT_DIR));
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).to.match(/\|.*Check.*\|/);
    expect(markdown).to.include('API user is active');
  });

  it('examples/ci/gitlab-ci.yml: before_script, script and after_script lines', async () => {
    const jobs = parse(readFileSync(join(REPO_ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as Record<string, GitlabJob>;
    const job = jobs.oncehub;
    const lines = [...job.before_script, ...job.script];
    expect(lines.filter((line) => LOGIN.test(line)), 'one JWT login line').to.have.length(1);
    const jobEnv = { ...env, ...job.variables, ...overrides() };

    // GitLab runs before_script and script in one shell, stopping at the first failing line; after_script apart.
    const main = await bash(lines.map((line) => (LOGIN.test(line) ? EMULATOR_LOGIN : line)).join('\n'), jobEnv, workdir);
    expect(main.exitCode, main.output).to.equal(0);
    const after = await bash(job.after_script.join('\n'), jobEnv, workdir);
    expect(after.exitCode, after.output).to.equal(0);
    expect(main.output + after.output).not.to.include(String(env.EMULATOR_TOKEN));

    const reportDir = join(workdir, job.variables.REPORT_DIR);
    expectSetUp(reportDir);
    expect(existsSync(join(reportDir, 'oncehub-doctor.md'))).to.equal(true);
  });
});
