/**
 * Backups before layout writes and `sf oncehub layout restore` end to end: the real sf binary with the built plugin,
 * against the org emulator. The backup lands in sf's home (~/.sf/oncehub/backups/<org id>), the printed restore
 * command names it, and running it puts both layouts back. A layout changed since (exit 68, --force), --dry-run,
 * --backup-dir and another org's backup are test/commands/oncehub/layout/restore.test.ts. Needs `npm run build`
 * first (npm test does it).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ADMIN_USERNAME, type Emulator, type LayoutMetadata, scenarios, storedLayout } from '../../emulator/index.js';
import { sameMetadata } from '../../src/lib/installation/layout-xml.js';
import { type Session, startSession } from './harness.js';

const stored = (emu: Emulator, name: string): LayoutMetadata => storedLayout(emu.org, name);

describe('e2e: layout backups and sf oncehub layout restore', function () {
  this.timeout(600_000);
  let session: Session | undefined;

  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it('add-fields backs up both layouts in sf\'s home first and prints the restore command; running it puts them back as they were', async () => {
    const s = (session = await startSession({ org: scenarios.demo().withTwoEventLayouts().build() }));
    await s.login(ADMIN_USERNAME, 'acme');
    const before = { standard: stored(s.emulator, 'Event Layout'), sales: stored(s.emulator, 'Sales Event Layout') };

    const add = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme']);
    expect(add.exitCode, add.stderr).to.equal(0);
    const backupDir = /saved in (.+?)\. To put them back/.exec(add.stdout)?.[1] ?? '';
    expect(backupDir).to.include(join(s.home, '.sf', 'oncehub', 'backups', s.emulator.org.orgId));
    expect(add.stdout).to.include(`sf oncehub layout restore --target-org acme --backup-dir ${backupDir}`);
    expect(readdirSync(backupDir).sort()).to.deep.equal(['Event-Event Layout.layout-meta.xml', 'Event-Sales Event Layout.layout-meta.xml', 'backup.json', 'written']);
    expect(sameMetadata(stored(s.emulator, 'Event Layout'), before.standard)).to.equal(false);

    const restore = await s.sf(['oncehub', 'layout', 'restore', '-o', 'acme', '--backup-dir', backupDir, '--json']);

    expect(restore.exitCode, restore.stdout + restore.stderr).to.equal(0);
    expect(restore.json?.result.layouts).to.deep.equal([
      { layout: 'Event Layout', restored: true },
      { layout: 'Sales Event Layout', restored: true },
    ]);
    expect(sameMetadata(stored(s.emulator, 'Event Layout'), before.standard)).to.equal(true);
    expect(sameMetadata(stored(s.emulator, 'Sales Event Layout'), before.sales)).to.equal(true);
  });
});
