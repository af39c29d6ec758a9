/**
 * `sf oncehub layout add-fields --source-dir` and doctor's `source-layouts` end to end: the real sf binary with the
 * built plugin, in an sf project folder, against the org emulator. Needs `npm run build` first (npm test does it).
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ADMIN_USERNAME, CANCEL_REASON_FIELD, EVENT_STATUS_FIELD, scenarios } from '../../emulator/index.js';
import { createSfProject, LAYOUTS_FOLDER, type SfProject } from '../support/sf-project.js';
import { REPO_ROOT, type Session, type SfResult, startSession } from './harness.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'layouts');
const SALES = 'Event-Event Layout %28Sales%29.layout-meta.xml';
const STANDARD = 'Event-Event Layout.layout-meta.xml';
const SUPPORT = 'Event-Support Event Layout.layout';

/** The lines `after` adds to `before`; fails when a line of `before` is changed or removed (git diff: added lines only). */
function addedLines(before: string, after: string): string[] {
  const old = before.split('\n');
  const added: string[] = [];
  let i = 0;
  for (const line of after.split('\n')) {
    if (i < old.length && line === old[i]) i++;
    else added.push(line);
  }
  expect(i, 'every original line kept, in order').to.equal(old.length);
  return added;
}

type CheckJson = { id: string; status: string; message: string; fix?: string };
const check = (run: SfResult, id: string): CheckJson => {
  const phases = (run.json?.result as { phases?: Array<{ checks: CheckJson[] }> } | undefined)?.phases ?? [];
  const found = phases.flatMap((p) => p.checks).find((c) => c.id === id);
  expect(found, `${id} in ${run.stdout}`).to.not.equal(undefined);
  return found!;
};

describe('e2e: layouts in source control (--source-dir, doctor source-layouts)', function () {
  this.timeout(600_000);
  let session: Session | undefined;
  let sf: SfProject;
  let project: string;

  const read = (name: string): string => readFileSync(join(project, LAYOUTS_FOLDER, name), 'utf8');

  beforeEach(async () => {
    // Two Event layouts in use: "Event Layout" and "Event Layout (Sales)", whose full name the Metadata API encodes.
    const org = scenarios
      .demo()
      .withTwoEventLayouts('Event Layout (Sales)')
      .build();
    session = await startSession({ org });
    await session.login(ADMIN_USERNAME, 'acme');
    sf = await createSfProject('oncehub-e2e-project-');
    project = sf.root;
    copyFileSync(join(FIXTURES, SALES), join(project, LAYOUTS_FOLDER, SALES));
    copyFileSync(join(FIXTURES, SUPPORT), join(project, LAYOUTS_FOLDER, SUPPORT));
  });

  afterEach(async () => {
    await session?.stop();
    session = undefined;
    await sf.remove();
  });

  it('doctor warns in the project, add-fields edits only the files of layouts in use (added lines only, zero org writes), then doctor passes and a rerun changes nothing', async () => {
    const s = session!;
    copyFileSync(join(FIXTURES, STANDARD), join(project, LAYOUTS_FOLDER, STANDARD));
    const before = { sales: read(SALES), standard: read(STANDARD), support: read(SUPPORT) };

    const inProject = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--json'], { cwd: project });
    expect(check(inProject, 'source-layouts').status, inProject.stdout).to.equal('warn');
    expect(check(inProject, 'source-layouts').message).to.include(join(LAYOUTS_FOLDER, STANDARD)).and.include(join(LAYOUTS_FOLDER, SALES));
    expect(check(inProject, 'source-layouts').fix).to.equal('sf oncehub layout add-fields --target-org acme --source-dir force-app');
    // Outside a project it is skipped: test/e2e/doctor.e2e.test.ts (its summary) and test/lib/installation/source-layouts.test.ts.

    s.emulator.log.clear();
    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--source-dir', 'force-app', '--json'], { cwd: project });

    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(run.json?.result).to.deep.equal({
      layouts: [
        { layout: 'Event Layout', file: join(LAYOUTS_FOLDER, STANDARD), added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] },
        { layout: 'Event Layout (Sales)', file: join(LAYOUTS_FOLDER, SALES), added: [CANCEL_REASON_FIELD], alreadyPresent: [EVENT_STATUS_FIELD] },
      ],
      notInProject: [],
    });
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(s.emulator.log.dataRequests()).to.have.length(2);
    expect(addedLines(before.standard, read(STANDARD))).to.have.length(8);
    const salesAdded = addedLines(before.sales, read(SALES));
    expect(salesAdded).to.deep.equal([
      '            <layoutItems>\r',
      '                <behavior>Edit</behavior>\r',
      `                <field>${CANCEL_REASON_FIELD}</field>\r`,
      '            </layoutItems>\r',
    ]);
    expect(read(SUPPORT)).to.equal(before.support);

    const passing = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--json'], { cwd: project });
    expect(check(passing, 'source-layouts').status).to.equal('pass');

    const edited = { sales: read(SALES), standard: read(STANDARD) };
    const again = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '-d', 'force-app', '--json'], { cwd: project });
    expect(again.exitCode).to.equal(0);
    expect(again.json?.result.layouts.map((l: { added: string[] }) => l.added)).to.deep.equal([[], []]);
    expect({ sales: read(SALES), standard: read(STANDARD) }).to.deep.equal(edited);
  });

  // The same as JSON (notInProject) and --dry-run are test/lib/installation/source-layouts.test.ts.
  it('names a layout in use without a file on stderr, with the command that retrieves it, and edits the others', async () => {
    const s = session!;

    const human = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '-d', 'force-app'], { cwd: project });
    expect(human.exitCode).to.equal(0);
    expect(human.stderr).to.include('sf project retrieve start -m \'Layout:Event-Event Layout\'');
    expect(human.stdout).to.include(SALES);
    expect(read(SALES)).to.include(CANCEL_REASON_FIELD);
    expect(s.emulator.log.writes()).to.have.length(0);
  });
});
