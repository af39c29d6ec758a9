/**
 * Backups before layout writes and `sf oncehub layout restore` end to end: the real sf binary with the built plugin,
 * against the org emulator. Needs `npm run build` first (npm test does it).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ADMIN_USERNAME, type Emulator, type LayoutMetadata, SANDBOX_ADMIN_USERNAME, scenarios, startEmulator } from '../../emulator/index.js';
import { sameMetadata } from '../../src/lib/installation/layout-xml.js';
import { type Session, startSession } from './harness.js';

const stored = (emu: Emulator, name: string): LayoutMetadata =>
  structuredClone(emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event' && l.Name === name)[0].Metadata) as LayoutMetadata;

describe('e2e: layout backups and sf oncehub layout restore', function () {
  this.timeout(600_000);
  let session: Session | undefined;
  let sandbox: Emulator | undefined;

  afterEach(async () => {
    await session?.stop();
    await sandbox?.stop();
    session = undefined;
    sandbox = undefined;
  });

  it('add-fields backs up both layouts first; restore puts them back as they were; a changed layout needs --force', async () => {
    const s = (session = await startSession({ org: scenarios.demo().withTwoEventLayouts().build() }));
    await s.login(ADMIN_USERNAME, 'acme');
    const before = { standard: stored(s.emulator, 'Event Layout'), sales: stored(s.emulator, 'Sales Event Layout') };

    const add = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme']);
    expect(add.exitCode, add.stderr).to.equal(0);
    const backupDir = /saved in (.+?)\. To put them back/.exec(add.stdout)?.[1] ?? '';
    expect(backupDir).to.include(join(s.home, '.sf', 'oncehub', 'backups', s.emulator.org.orgId));
    expect(add.stdout).to.include(`sf oncehub layout restore --target-org acme --backup-dir ${backupDir}`);
    expect(readdirSync(backupDir).sort()).to.deep.equal(['Event-Event Layout.layout-meta.xml', 'Event-Sales Event Layout.layout-meta.xml', 'backup.json', 'written']);

    // Someone edits the Sales layout in Setup after the plugin wrote it.
    const edited = stored(s.emulator, 'Sales Event Layout');
    edited.layoutSections[0].label = 'Edited in Setup';
    const [sales] = s.emulator.org.where('Layout', (l) => l.Name === 'Sales Event Layout');
    s.emulator.org.update('Layout', String(sales.Id), { Metadata: edited });
    s.emulator.log.clear();

    const dry = await s.sf(['oncehub', 'layout', 'restore', '-o', 'acme', '--backup-dir', backupDir, '--dry-run', '--json']);
    expect(dry.json?.result.dryRun).to.equal(true);
    expect(s.emulator.log.writes()).to.have.length(0);

    const restore = await s.sf(['oncehub', 'layout', 'restore', '-o', 'acme', '--backup-dir', backupDir, '--json']);
    expect(restore.exitCode, restore.stdout).to.equal(68);
    expect(restore.json?.result.layouts[0]).to.deep.equal({ layout: 'Event Layout', restored: true });
    expect(restore.json?.result.layouts[1]).to.include({ layout: 'Sales Event Layout', restored: false });
    expect(sameMetadata(stored(s.emulator, 'Event Layout'), before.standard)).to.equal(true);
    expect(stored(s.emulator, 'Sales Event Layout').layoutSections[0].label).to.equal('Edited in Setup');

    // Again, human output: "Event Layout" is already back, "Sales Event Layout" still changed: 68, and how to force it.
    const human = await s.sf(['oncehub', 'layout', 'restore', '-o', 'acme', '--backup-dir', backupDir]);
    expect(human.exitCode).to.equal(68);
    expect(human.stderr).to.include('--force');

    const forced = await s.sf(['oncehub', 'layout', 'restore', '-o', 'acme', '--backup-dir', backupDir, '--force', '--json']);
    expect(forced.exitCode, forced.stdout).to.equal(0);
    expect(sameMetadata(stored(s.emulator, 'Sales Event Layout'), before.sales)).to.equal(true);
    expect(sameMetadata(stored(s.emulator, 'Event Layout'), before.standard)).to.equal(true);
  });

  it('--backup-dir puts the backup where asked (result backupDir); restore refuses a backup of another org', async () => {
    const s = (session = await startSession({ org: scenarios.demo().build() }));
    await s.login(ADMIN_USERNAME, 'acme');
    sandbox = await startEmulator({ org: scenarios.sandboxReady().build() });
    await s.login(SANDBOX_ADMIN_USERNAME, 'uat', { emulator: sandbox });
    const dir = join(s.home, 'layout-backup');

    const add = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--backup-dir', dir, '--json']);
    expect(add.exitCode, add.stdout).to.equal(0);
    expect(add.json?.result.backupDir).to.equal(dir);
    expect(existsSync(join(dir, 'backup.json'))).to.equal(true);

    sandbox.log.clear();
    const other = await s.sf(['oncehub', 'layout', 'restore', '-o', 'uat', '--backup-dir', dir, '--json']);
    expect(other.exitCode).to.equal(1);
    expect(other.json?.name).to.equal('OtherOrgError');
    expect(other.json?.message).to.include(s.emulator.org.orgId);
    expect(sandbox.log.writes()).to.have.length(0);
  });
});
