import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { ADMIN_USERNAME, CANCEL_REASON_FIELD, EVENT_STATUS_FIELD, scenarios } from '../../../emulator/index.js';
import {
  addLayoutFieldsToSource,
  fileMatches,
  fullNameOfFile,
  judgeSourceLayouts,
  readSourceLayouts,
} from '../../../src/lib/installation/source-layouts.js';
import { addFieldsToLayoutFile } from '../../../src/lib/installation/layout-file-edit.js';
import { REPO_ROOT } from '../../e2e/harness.js';
import { emulatorContext, type EmulatorContext } from '../../support/emulator-context.js';
import { createSfProject, type SfProject } from '../../support/sf-project.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'layouts');

describe('layouts in source control', () => {
  describe('file names', () => {
    it('a file is named by the full name, in source or Metadata API format', () => {
      expect(fullNameOfFile('/p/layouts/Event-Event Layout %28Sales%29.layout-meta.xml')).to.equal('Event-Event Layout %28Sales%29');
      expect(fullNameOfFile('/p/layouts/Event-Event Layout.layout')).to.equal('Event-Event Layout');
      expect(fullNameOfFile('/p/objects/Event.object-meta.xml')).to.equal(undefined);
    });

    it('matches the layout in use by full name, or by object and decoded name (namespace or spelling aside)', () => {
      const file = (fullName: string): { path: string; fullName: string } => ({ path: `${fullName}.layout-meta.xml`, fullName });
      expect(fileMatches(file('Event-Event Layout %28Sales%29'), { name: 'Event Layout (Sales)' })).to.equal(true);
      expect(fileMatches(file('Event-ScheduleOnce__Event Layout'), { name: 'Event Layout' })).to.equal(true);
      expect(fileMatches(file('Event-Event Layout'), { name: 'Sales Event Layout' })).to.equal(false);
      expect(fileMatches(file('Task-Event Layout'), { name: 'Event Layout' })).to.equal(false);
    });
  });

  describe('add-fields --source-dir against the emulated org', () => {
    const $$ = new TestContext();
    let ctx: EmulatorContext;
    let sf: SfProject;
    let project: string;
    let layouts: string;

    beforeEach(async () => {
      // The two Event layouts in use: "Event Layout" and "Event Layout (Sales)" (a name the Metadata API encodes).
      const org = scenarios
        .demo()
        .withTwoEventLayouts('Event Layout (Sales)')
        .build();
      ctx = await emulatorContext($$, org, { username: ADMIN_USERNAME, alias: 'acme' });
      sf = await createSfProject();
      ({ root: project, layouts } = sf);
    });

    afterEach(async () => {
      await sf.remove();
    });

    it('edits the files of the layouts in use, writes nothing to the org, and lists the layout without a file', async () => {
      await copyFile(join(FIXTURES, 'Event-Event Layout %28Sales%29.layout-meta.xml'), join(layouts, 'Event-Event Layout %28Sales%29.layout-meta.xml'));
      await copyFile(join(FIXTURES, 'Event-Support Event Layout.layout'), join(layouts, 'Event-Support Event Layout.layout'));
      const untouched = await readFile(join(layouts, 'Event-Support Event Layout.layout'), 'utf8');
      ctx.emu.log.clear();

      const { result, exitCode } = await addLayoutFieldsToSource(ctx.conn, 'acme', { sourceDirs: ['force-app'], dryRun: false, cwd: project });

      expect(exitCode).to.equal(0);
      expect(result).to.deep.equal({
        layouts: [
          {
            layout: 'Event Layout (Sales)',
            file: join('force-app', 'main', 'default', 'layouts', 'Event-Event Layout %28Sales%29.layout-meta.xml'),
            added: [CANCEL_REASON_FIELD],
            alreadyPresent: [EVENT_STATUS_FIELD],
          },
        ],
        notInProject: ['Event-Event Layout'],
      });
      expect(await readFile(join(layouts, 'Event-Event Layout %28Sales%29.layout-meta.xml'), 'utf8')).to.include(CANCEL_REASON_FIELD);
      // A layout not in use is not touched.
      expect(await readFile(join(layouts, 'Event-Support Event Layout.layout'), 'utf8')).to.equal(untouched);
      expect(ctx.emu.log.writes()).to.have.length(0);
      expect(ctx.emu.log.dataRequests()).to.have.length(2);
    });

    it('--dry-run writes no file; a symbolic link to a file outside the folder is not followed', async () => {
      const outside = await mkdtemp(join(tmpdir(), 'oncehub-outside-'));
      try {
        await copyFile(join(FIXTURES, 'Event-Event Layout.layout-meta.xml'), join(outside, 'Event-Event Layout.layout-meta.xml'));
        await symlink(join(outside, 'Event-Event Layout.layout-meta.xml'), join(layouts, 'Event-Event Layout.layout-meta.xml'));
        await copyFile(join(FIXTURES, 'Event-Event Layout %28Sales%29.layout-meta.xml'), join(layouts, 'Event-Event Layout %28Sales%29.layout-meta.xml'));
        const before = await readFile(join(layouts, 'Event-Event Layout %28Sales%29.layout-meta.xml'), 'utf8');

        const dry = await addLayoutFieldsToSource(ctx.conn, 'acme', { sourceDirs: [join(project, 'force-app')], dryRun: true, cwd: project });
        expect(dry.result.dryRun).to.equal(true);
        expect(dry.result.layouts.map((l) => l.added)).to.deep.equal([[CANCEL_REASON_FIELD]]);
        expect(await readFile(join(layouts, 'Event-Event Layout %28Sales%29.layout-meta.xml'), 'utf8')).to.equal(before);

        const run = await addLayoutFieldsToSource(ctx.conn, 'acme', { sourceDirs: ['force-app'], dryRun: false, cwd: project });
        expect(run.result.notInProject).to.deep.equal(['Event-Event Layout']);
        expect(await readFile(join(outside, 'Event-Event Layout.layout-meta.xml'), 'utf8')).to.not.include(EVENT_STATUS_FIELD);
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
    });

    it('a folder that does not exist is an error before any request', async () => {
      ctx.emu.log.clear();
      const error = await addLayoutFieldsToSource(ctx.conn, 'acme', { sourceDirs: ['nope'], dryRun: false, cwd: project }).then(
        () => undefined,
        (err: Error) => err
      );
      expect(error?.name).to.equal('SourceDirMissingError');
      expect(ctx.emu.log.dataRequests()).to.have.length(0);
    });
  });

  // No TestContext here: it stubs SfProject's project lookup, which is what this check relies on.
  describe("doctor's source-layouts (files only, no request)", () => {
    let sf: SfProject;
    let project: string;
    let layouts: string;

    beforeEach(async () => {
      sf = await createSfProject();
      ({ root: project, layouts } = sf);
    });

    afterEach(async () => {
      await sf.remove();
    });

    it("doctor's source-layouts: warns naming the file and the fix, passes once edited, skips outside a project or without files", async () => {
      await copyFile(join(FIXTURES, 'Event-Event Layout.layout-meta.xml'), join(layouts, 'Event-Event Layout.layout-meta.xml'));
      const inUse = [{ name: 'Event Layout' }, { name: 'Event Layout (Sales)' }];

      const facts = await readSourceLayouts(inUse, join(project, 'force-app'));
      const check = judgeSourceLayouts(facts, { alias: 'acme' });
      expect(check.status).to.equal('warn');
      expect(check.message).to.include(join('force-app', 'main', 'default', 'layouts', 'Event-Event Layout.layout-meta.xml'));
      expect(check.fix).to.equal('sf oncehub layout add-fields --target-org acme --source-dir force-app');

      const path = join(layouts, 'Event-Event Layout.layout-meta.xml');
      await writeFile(path, addFieldsToLayoutFile(await readFile(path, 'utf8'), [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD]).text);
      expect(judgeSourceLayouts(await readSourceLayouts(inUse, project), { alias: 'acme' }).status).to.equal('pass');

      const outside = await mkdtemp(join(tmpdir(), 'oncehub-no-project-'));
      try {
        expect(await readSourceLayouts(inUse, outside)).to.deep.equal({ inProject: false });
        expect(judgeSourceLayouts({ inProject: false }, { alias: 'acme' }).status).to.equal('skip');
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
      expect(judgeSourceLayouts(await readSourceLayouts([{ name: 'Other Layout' }], project), { alias: 'acme' }).status).to.equal('skip');
    });
  });
});
