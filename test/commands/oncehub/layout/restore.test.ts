/**
 * `sf oncehub layout restore` on the emulated org, after `layout add-fields` backed the layouts up: the command's exit
 * codes, its --force advice, --dry-run, and a backup of another org refused. The restore itself (what is compared,
 * what is written) is test/lib/installation/backup-restore.test.ts.
 */
import { mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import LayoutAddFields from '../../../../src/commands/oncehub/layout/add-fields.js';
import LayoutRestore from '../../../../src/commands/oncehub/layout/restore.js';
import { sameMetadata } from '../../../../src/lib/installation/layout-xml.js';
import { ADMIN_USERNAME, type LayoutMetadata, SANDBOX_ADMIN_USERNAME, scenarios, storedLayout } from '../../../../emulator/index.js';
import { emulatorContext, type EmulatorContext } from '../../../support/emulator-context.js';

describe('oncehub layout restore', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;

  const stored = (name: string): LayoutMetadata => storedLayout(ctx.emu.org, name);

  /** add-fields as a user runs it first; returns the backup folder it names. */
  async function addFields(...more: string[]): Promise<string> {
    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json', ...more]);
    expect(process.exitCode ?? 0).to.equal(0);
    ctx.emu.log.clear();
    return result.backupDir ?? '';
  }

  beforeEach(async () => {
    ctx = await emulatorContext($$, scenarios.demo().withTwoEventLayouts().build(), {
      username: ADMIN_USERNAME,
      alias: 'acme',
      also: [{ username: SANDBOX_ADMIN_USERNAME, alias: 'uat', org: scenarios.sandboxReady().build() }],
    });
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  it('leaves a layout changed since alone (exit 68, the --force command as a warning); --force restores both as they were', async () => {
    const before = { standard: stored('Event Layout'), sales: stored('Sales Event Layout') };
    const backupDir = await addFields();
    // Someone edits the Sales layout in Setup after the plugin wrote it.
    const edited = stored('Sales Event Layout');
    edited.layoutSections[0].label = 'Edited in Setup';
    const [sales] = ctx.emu.org.where('Layout', (l) => l.Name === 'Sales Event Layout');
    ctx.emu.org.update('Layout', String(sales.Id), { Metadata: edited });

    const restore = await LayoutRestore.run(['--target-org', 'acme', '--backup-dir', backupDir]);

    expect(process.exitCode).to.equal(68);
    expect(restore.layouts[0]).to.deep.equal({ layout: 'Event Layout', restored: true });
    expect(restore.layouts[1]).to.include({ layout: 'Sales Event Layout', restored: false });
    expect(sameMetadata(stored('Event Layout'), before.standard)).to.equal(true);
    expect(stored('Sales Event Layout').layoutSections[0].label).to.equal('Edited in Setup');
    expect(ux.warn.firstCall.args[0]).to.equal(
      `Layouts changed since the plugin wrote them are left alone. To restore them anyway (their later changes are lost): sf oncehub layout restore --target-org acme --backup-dir ${backupDir} --force`
    );

    process.exitCode = undefined;
    const forced = await LayoutRestore.run(['--target-org', 'acme', '--backup-dir', backupDir, '--force', '--json']);

    expect(process.exitCode ?? 0).to.equal(0);
    expect(forced.layouts.map((l) => l.restored)).to.deep.equal([true, true]);
    expect(sameMetadata(stored('Sales Event Layout'), before.sales)).to.equal(true);
    expect(sameMetadata(stored('Event Layout'), before.standard)).to.equal(true);
  });

  it('--dry-run says what would be restored and writes nothing', async () => {
    const backupDir = await addFields();

    const dry = await LayoutRestore.run(['--target-org', 'acme', '--backup-dir', backupDir, '--dry-run', '--json']);

    expect(dry.dryRun).to.equal(true);
    expect(dry.layouts.map((l) => l.restored)).to.deep.equal([true, true]);
    expect(ctx.emu.log.writes()).to.have.length(0);
  });

  it('add-fields --backup-dir puts the backup where asked; restore refuses it in another org, before any write', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'layout-restore-')), 'layout-backup');
    expect(await addFields('--backup-dir', dir)).to.equal(dir);
    expect(existsSync(join(dir, 'backup.json'))).to.equal(true);

    let err: SfError | undefined;
    try {
      await LayoutRestore.run(['--target-org', 'uat', '--backup-dir', dir, '--json']);
    } catch (e) {
      err = e as SfError;
    }

    expect(err?.name).to.equal('OtherOrgError');
    expect(err?.message).to.include(ctx.emu.org.orgId);
    expect(err?.exitCode).to.equal(1);
    expect(ctx.emulators.get(SANDBOX_ADMIN_USERNAME)?.log.writes()).to.have.length(0);
  });
});
