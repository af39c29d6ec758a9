import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { ADMIN_USERNAME, CANCEL_REASON_FIELD, EVENT_STATUS_FIELD, type LayoutMetadata, scenarios, storedLayout } from '../../../emulator/index.js';
import { BACKUP_MANIFEST, backupBeforeWrite, type BackupManifest, readBackup } from '../../../src/lib/installation/backup.js';
import { addLayoutFields } from '../../../src/lib/installation/layout.js';
import { fromSourceXml, sameMetadata } from '../../../src/lib/installation/layout-xml.js';
import { restoreLayouts } from '../../../src/lib/installation/restore.js';
import { emulatorContext, type EmulatorContext } from '../../support/emulator-context.js';

/** Backups before layout writes and `layout restore`, against the emulated org (TestContext bridge, no HTTP). */
describe('layout backups and restore', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let folder: string;

  const stored = (name: string): LayoutMetadata => storedLayout(ctx.emu.org, name);
  const setStored = (name: string, metadata: LayoutMetadata): void => {
    const [row] = ctx.emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event' && l.Name === name);
    ctx.emu.org.update('Layout', String(row.Id), { Metadata: metadata });
  };
  const target = (): { orgId: string; username: string; apiVersion: string } => ({
    orgId: ctx.emu.org.orgId,
    username: ADMIN_USERNAME,
    apiVersion: ctx.conn.getApiVersion(),
  });

  /** add-fields with its backup in `dir`; returns the backup folder. */
  async function addFieldsWithBackup(dir: string): Promise<string> {
    const backup = backupBeforeWrite(target(), { dir });
    const { exitCode } = await addLayoutFields(ctx.conn, 'acme', { dryRun: false, beforeWrite: backup.hook });
    expect(exitCode).to.equal(0);
    return backup.written() ?? '';
  }

  beforeEach(async () => {
    ctx = await emulatorContext($$, scenarios.demo().withTwoEventLayouts().build(), { username: ADMIN_USERNAME, alias: 'acme' });
    folder = await mkdtemp(join(tmpdir(), 'oncehub-backup-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes the backup before the first write: each layout as read and as written, in source format, with the org id', async () => {
    const before = { standard: structuredClone(stored('Event Layout')), sales: structuredClone(stored('Sales Event Layout')) };
    const dir = join(folder, 'backup');
    const backup = backupBeforeWrite(target(), { dir, now: () => new Date('2026-12-02T17:30:00Z') });
    let seenAtWrite: string[] = [];
    // The write path calls the hook before updateMetadata: the folder is complete when the first write goes out.
    const hook = backup.hook;
    const { result } = await addLayoutFields(ctx.conn, 'acme', {
      dryRun: false,
      beforeWrite: async (writes) => {
        await hook(writes);
        seenAtWrite = await readdir(dir);
        expect(ctx.emu.log.writes()).to.have.length(0);
      },
    });

    expect(result.layouts.map((l) => l.added.length)).to.deep.equal([2, 2]);
    expect(seenAtWrite.sort()).to.deep.equal(['Event-Event Layout.layout-meta.xml', 'Event-Sales Event Layout.layout-meta.xml', BACKUP_MANIFEST, 'written']);
    const manifest = JSON.parse(await readFile(join(dir, BACKUP_MANIFEST), 'utf8')) as BackupManifest;
    expect(manifest).to.deep.equal({
      orgId: ctx.emu.org.orgId,
      username: ADMIN_USERNAME,
      apiVersion: ctx.conn.getApiVersion(),
      createdAt: '2026-12-02T17:30:00.000Z',
      layouts: [
        { fullName: 'Event-Event Layout', name: 'Event Layout', file: 'Event-Event Layout.layout-meta.xml', writtenFile: 'written/Event-Event Layout.layout-meta.xml' },
        {
          fullName: 'Event-Sales Event Layout',
          name: 'Sales Event Layout',
          file: 'Event-Sales Event Layout.layout-meta.xml',
          writtenFile: 'written/Event-Sales Event Layout.layout-meta.xml',
        },
      ],
    });
    const text = await readFile(join(dir, 'Event-Event Layout.layout-meta.xml'), 'utf8');
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Layout xmlns="http://soap.sforce.com/2006/04/metadata">\n')).to.equal(true);
    expect(sameMetadata(fromSourceXml(text), before.standard)).to.equal(true);
    expect(sameMetadata(fromSourceXml(await readFile(join(dir, 'written', 'Event-Event Layout.layout-meta.xml'), 'utf8')), stored('Event Layout'))).to.equal(true);
    // Salesforce's element order: layoutSections before platformActionList, behavior before field.
    expect(text.indexOf('<layoutSections>')).to.be.lessThan(text.indexOf('<platformActionList>'));
    expect(text.indexOf('<behavior>')).to.be.lessThan(text.indexOf('<field>'));
  });

  it('backs up nothing on a dry run or when nothing changes, and refuses a backup folder that is not empty (nothing written)', async () => {
    const dir = join(folder, 'dry');
    const dry = backupBeforeWrite(target(), { dir });
    await addLayoutFields(ctx.conn, 'acme', { dryRun: true, beforeWrite: dry.hook });
    expect(dry.written()).to.equal(undefined);

    await writeFile(join(folder, 'keep.txt'), 'mine');
    const full = backupBeforeWrite(target(), { dir: folder });
    const error = await addLayoutFields(ctx.conn, 'acme', { dryRun: false, beforeWrite: full.hook }).then(
      () => undefined,
      (err: Error) => err
    );
    expect(error?.name).to.equal('BackupDirNotEmptyError');
    expect(ctx.emu.log.writes()).to.have.length(0);
    expect(await readdir(folder)).to.deep.equal(['keep.txt']);
  });

  it('restores every layout the plugin wrote, back to what it was (compared by meaning), in one write', async () => {
    const before = { standard: structuredClone(stored('Event Layout')), sales: structuredClone(stored('Sales Event Layout')) };
    const dir = await addFieldsWithBackup(join(folder, 'b'));
    ctx.emu.log.clear();

    const { result, exitCode } = await restoreLayouts(ctx.conn, { orgId: ctx.emu.org.orgId, alias: 'acme' }, { dir, dryRun: false, force: false });

    expect(exitCode).to.equal(0);
    expect(result.layouts).to.deep.equal([
      { layout: 'Event Layout', restored: true },
      { layout: 'Sales Event Layout', restored: true },
    ]);
    expect(sameMetadata(stored('Event Layout'), before.standard)).to.equal(true);
    expect(sameMetadata(stored('Sales Event Layout'), before.sales)).to.equal(true);
    expect(ctx.emu.log.dataRequests().map((e) => `${e.api} ${e.kind}`)).to.deep.equal(['metadata read', 'metadata write']);

    // Again: already as in the backup, nothing written.
    ctx.emu.log.clear();
    const again = await restoreLayouts(ctx.conn, { orgId: ctx.emu.org.orgId, alias: 'acme' }, { dir, dryRun: false, force: false });
    expect(again.exitCode).to.equal(0);
    expect(again.result.layouts.every((l) => l.restored && l.reason)).to.equal(true);
    expect(ctx.emu.log.writes()).to.have.length(0);
  });

  it('leaves a layout changed since alone (68), restores it with force; a dry run writes nothing', async () => {
    const original = structuredClone(stored('Sales Event Layout'));
    const dir = await addFieldsWithBackup(join(folder, 'b'));
    const changed = structuredClone(stored('Sales Event Layout'));
    changed.layoutSections[0].label = 'Edited in Setup';
    setStored('Sales Event Layout', changed);
    ctx.emu.log.clear();

    const dry = await restoreLayouts(ctx.conn, { orgId: ctx.emu.org.orgId, alias: 'acme' }, { dir, dryRun: true, force: false });
    expect(dry.result.dryRun).to.equal(true);
    expect(ctx.emu.log.writes()).to.have.length(0);

    const run = await restoreLayouts(ctx.conn, { orgId: ctx.emu.org.orgId, alias: 'acme' }, { dir, dryRun: false, force: false });
    expect(run.exitCode).to.equal(68);
    expect(run.result.layouts[0]).to.deep.equal({ layout: 'Event Layout', restored: true });
    expect(run.result.layouts[1]).to.include({ layout: 'Sales Event Layout', restored: false });
    expect(run.result.layouts[1].reason).to.match(/changed in the org since/);
    expect(stored('Sales Event Layout').layoutSections[0].label).to.equal('Edited in Setup');

    const forced = await restoreLayouts(ctx.conn, { orgId: ctx.emu.org.orgId, alias: 'acme' }, { dir, dryRun: false, force: true });
    expect(forced.exitCode).to.equal(0);
    expect(forced.result.layouts[1]).to.deep.equal({ layout: 'Sales Event Layout', restored: true });
    expect(sameMetadata(stored('Sales Event Layout'), original)).to.equal(true);
    const fields = stored('Sales Event Layout').layoutSections.flatMap((s) => s.layoutColumns.flatMap((c) => c.layoutItems.map((i) => i.field)));
    expect(fields).to.not.include(EVENT_STATUS_FIELD).and.not.include(CANCEL_REASON_FIELD);
  });

  it("refuses another org's backup before any request, and a folder that is not a backup", async () => {
    const dir = await addFieldsWithBackup(join(folder, 'b'));
    ctx.emu.log.clear();
    const other = await restoreLayouts(ctx.conn, { orgId: '00D5g000000OtherAAA', alias: 'other' }, { dir, dryRun: false, force: true }).then(
      () => undefined,
      (err: Error) => err
    );
    expect(other?.name).to.equal('OtherOrgError');
    expect(other?.message).to.include(ctx.emu.org.orgId);
    expect(ctx.emu.log.dataRequests()).to.have.length(0);

    const notABackup = await restoreLayouts(ctx.conn, { orgId: ctx.emu.org.orgId, alias: 'acme' }, { dir: folder, dryRun: false, force: false }).then(
      () => undefined,
      (err: Error) => err
    );
    expect(notABackup?.name).to.equal('NotABackupError');
  });

  it('reads its own backup back: the manifest and both files of each layout', async () => {
    const dir = await addFieldsWithBackup(join(folder, 'b'));
    const { manifest, before, written } = await readBackup(dir);
    expect(manifest.layouts.map((l) => l.fullName)).to.deep.equal(['Event-Event Layout', 'Event-Sales Event Layout']);
    expect([...before.keys()]).to.deep.equal([...written.keys()]);
    expect(written.get('Event-Event Layout')).to.include(EVENT_STATUS_FIELD);
    expect(before.get('Event-Event Layout')).to.not.include(EVENT_STATUS_FIELD);
  });
});
