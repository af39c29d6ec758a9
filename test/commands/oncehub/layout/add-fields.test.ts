import { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import LayoutAddFields from '../../../../src/commands/oncehub/layout/add-fields.js';
import { ADMIN_USERNAME, layoutItem, type LayoutMetadata, type OrgBuilder, PACKAGE_EVENT_FIELDS, scenarios, storedLayout } from '../../../../emulator/index.js';
import { emulatorContext, type EmulatorContext } from '../../../support/emulator-context.js';

const [STATUS, REASON] = PACKAGE_EVENT_FIELDS;
type Item = { field?: string | null; behavior?: string | null };
type Section = { label: string; style?: string; layoutColumns: Array<{ layoutItems: Item[] }> };
const fieldsOf = (section: Section, column = 0): Array<string | null | undefined> => section.layoutColumns[column].layoutItems.map((i) => i.field);

/**
 * "Event Layout" (System Administrator and the others) without the package fields; "Sales Event Layout" (Standard
 * User) with a Custom Links section first, then "Meeting", which already shows the status field.
 */
const acme = (): OrgBuilder =>
  scenarios
    .base()
    .withPackage()
    .withTwoEventLayouts()
    .withEventLayoutPartlyDone('Sales Event Layout')
    .tweak('a Custom Links section first on Sales Event Layout', (org) => {
      const sales = org.records('Layout').find((l) => l.Name === 'Sales Event Layout')!;
      const metadata = structuredClone(sales.Metadata) as LayoutMetadata;
      metadata.layoutSections.unshift({
        customLabel: false,
        detailHeading: false,
        editHeading: true,
        label: 'Custom Links',
        layoutColumns: [{ layoutItems: [], reserved: null }],
        style: 'CustomLinks',
      });
      org.update('Layout', sales.Id, { Metadata: metadata });
    });

async function failure(argv: string[]): Promise<SfError> {
  try {
    await LayoutAddFields.run(argv);
  } catch (err) {
    return err as SfError;
  }
  throw new Error('layout add-fields was expected to fail');
}

describe('oncehub layout add-fields', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;

  const serve = async (builder: OrgBuilder = acme()): Promise<EmulatorContext> => {
    ctx = await emulatorContext($$, builder.build(), { username: ADMIN_USERNAME, alias: 'acme' });
    ctx.emu.log.clear();
    return ctx;
  };
  /** A layout's Metadata as the org keeps it (a copy). */
  const stored = (name: string): LayoutMetadata => storedLayout(ctx.emu.org, name);
  const sections = (name: string): Section[] => stored(name).layoutSections;
  /** Data requests: REST/Tooling paths, SOAP calls as `readMetadata` / `updateMetadata` / `listMetadata`. */
  const sent = (): string[] =>
    ctx.emu.log
      .dataRequests()
      .map((e) => (e.api === 'metadata' ? String(e.operation) : e.path.replace(/^\/services\/data\/v\d+\.\d+/, '')));
  /** The full names each updateMetadata call carried. */
  const updates = (): string[][] => ctx.emu.log.filter({ api: 'metadata', kind: 'write' }).map((e) => e.components ?? []);

  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  it('adds the missing fields to both Event layouts in use (one partly done): query, describe, one read, one write', async () => {
    await serve();
    const { backupDir, ...result } = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result).to.deep.equal({
      layouts: [
        { layout: 'Event Layout', added: [STATUS, REASON], alreadyPresent: [] },
        { layout: 'Sales Event Layout', added: [REASON], alreadyPresent: [STATUS] },
      ],
    });
    // Backed up first, in the folder of the state file (TestContext's here).
    expect(backupDir).to.match(/oncehub[/\\]backups[/\\]/);
    expect(sent().slice(0, 2).sort()).to.deep.equal(['/sobjects/Event/describe', '/tooling/query']);
    expect(sent().slice(2)).to.deep.equal(['readMetadata', 'updateMetadata']);
    expect(updates()).to.deep.equal([['Event-Event Layout', 'Event-Sales Event Layout']]);
    const standard = sections('Event Layout');
    expect(fieldsOf(standard[0])).to.deep.equal(['OwnerId', 'Subject', 'WhoId', 'WhatId', 'Location', STATUS, REASON]);
    expect(standard[0].layoutColumns[0].layoutItems.slice(-2).map((i) => [i.behavior, i.field])).to.deep.equal([
      ['Edit', STATUS],
      ['Edit', REASON],
    ]);
    // The Sales layout starts with a Custom Links section; the field goes into the first field section.
    const sales = sections('Sales Event Layout');
    expect(sales[0].style).to.equal('CustomLinks');
    expect(fieldsOf(sales[1])).to.deep.equal(['Subject', 'WhoId', 'WhatId', REASON]);
    expect(fieldsOf(sales[1], 1)).to.deep.equal(['StartDateTime', 'EndDateTime', 'OwnerId', STATUS]);
    expect(process.exitCode ?? 0).to.equal(0);
  });

  it('leaves every other part of each layout exactly as it was', async () => {
    await serve();
    const before = { 'Event Layout': stored('Event Layout'), 'Sales Event Layout': stored('Sales Event Layout') };

    await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    for (const [name, original] of Object.entries(before)) {
      const had = fieldsIn(original);
      const after = stored(name);
      for (const section of after.layoutSections) {
        for (const column of section.layoutColumns) {
          column.layoutItems = column.layoutItems.filter((i) => !(i.field && (PACKAGE_EVENT_FIELDS as readonly string[]).includes(i.field) && !had.includes(i.field)));
        }
      }
      // Through readMetadata and updateMetadata (XML both ways) and back into the org: nothing else moved.
      expect(after).to.deep.equal(original);
    }
  });

  it('writes only the layouts that change', async () => {
    await serve(
      acme().tweak('the reason field on Sales Event Layout, read-only', (org) => {
        const sales = org.records('Layout').find((l) => l.Name === 'Sales Event Layout')!;
        const metadata = structuredClone(sales.Metadata) as LayoutMetadata;
        metadata.layoutSections[1].layoutColumns[1].layoutItems.push(layoutItem(REASON, 'Readonly'));
        org.update('Layout', sales.Id, { Metadata: metadata });
      })
    );

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(updates()).to.deep.equal([['Event-Event Layout']]);
    expect(result.layouts[1]).to.deep.equal({ layout: 'Sales Event Layout', added: [], alreadyPresent: [STATUS, REASON] });
  });

  it('changes nothing on a second run: no write request at all', async () => {
    await serve();
    await LayoutAddFields.run(['--target-org', 'acme', '--json']);
    ctx.emu.log.clear();
    ux.log.resetHistory();

    const again = await LayoutAddFields.run(['--target-org', 'acme']);

    expect(ctx.emu.log.writes()).to.have.length(0);
    expect(sent()).to.have.length(3);
    expect(again.layouts.every((l) => l.added.length === 0 && l.alreadyPresent.length === 2)).to.equal(true);
    expect(ux.log.args.flat()).to.deep.equal(['Every Event page layout (2) already shows both OnceHub fields: nothing to do.']);
  });

  it('writes nothing with --dry-run and reports what would be added', async () => {
    await serve();
    const before = [stored('Event Layout'), stored('Sales Event Layout')];

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--dry-run']);

    expect(ctx.emu.log.writes()).to.have.length(0);
    expect([stored('Event Layout'), stored('Sales Event Layout')]).to.deep.equal(before);
    expect(result.dryRun).to.equal(true);
    expect(result.layouts.map((l) => l.added)).to.deep.equal([[STATUS, REASON], [REASON]]);
    const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>>; columns: Array<{ name: string }> };
    expect(table.columns.map((c) => c.name)).to.deep.equal(['Layout', 'Would add', 'Already present']);
    expect(table.data[1]).to.deep.equal({ layout: 'Sales Event Layout', added: REASON, alreadyPresent: STATUS });
    expect(ux.log.args.flat()).to.deep.equal(['Dry run: nothing was written. 2 of 2 Event page layouts would change.']);
  });

  it('restricts to --layout names, accepting the Event- full name', async () => {
    await serve();
    const standard = stored('Event Layout');

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--layout', 'Event-Sales Event Layout', '--json']);

    expect(result.layouts.map((l) => l.layout)).to.deep.equal(['Sales Event Layout']);
    expect(updates()).to.deep.equal([['Event-Sales Event Layout']]);
    expect(stored('Event Layout')).to.deep.equal(standard);
  });

  it('refuses an unknown --layout name, listing the layouts in use, before reading any layout', async () => {
    await serve();
    const err = await failure(['--target-org', 'acme', '--layout', 'Event Layout', '--layout', 'Nope']);

    expect(err.name).to.equal('UnknownLayoutError');
    expect(err.message).to.equal('No Event page layout in use is named "Nope". The Event layouts in use are: "Event Layout", "Sales Event Layout".');
    expect(sent()).to.have.length(2);
    expect(ctx.emu.log.filter({ api: 'metadata' })).to.have.length(0);
  });

  it('says the package is not installed (step 1) when its fields do not exist on Event', async () => {
    await serve(scenarios.base().withTwoEventLayouts());

    const err = await failure(['--target-org', 'acme']);

    expect(err.name).to.equal('PackageFieldsMissingError');
    expect(err.message).to.include(`${STATUS}, ${REASON}`);
    expect(err.message).to.include('the OnceHub managed package is not installed, or is too old (Installation step 1)');
    expect(err.actions?.join('\n')).to.include('sf oncehub doctor --target-org acme');
    expect(ctx.emu.log.writes()).to.have.length(0);
  });

  it('reports a refused write per layout, keeps the others, and exits 68', async () => {
    await serve();
    const sales = stored('Sales Event Layout');
    ctx.emu.faults.metadataSaveErrors({ fullName: 'Event-Sales Event Layout', statusCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' });

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result.layouts[0].added).to.deep.equal([STATUS, REASON]);
    expect(result.layouts[1]).to.deep.equal({
      layout: 'Sales Event Layout',
      added: [],
      alreadyPresent: [STATUS],
      notAdded: [REASON],
      error: { errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' },
    });
    expect(fieldsIn(stored('Event Layout'))).to.include.members([STATUS, REASON]);
    expect(stored('Sales Event Layout')).to.deep.equal(sales);
    expect(process.exitCode).to.equal(68);
    expect(ux.warn.args.flat()).to.deep.equal([
      'Could not update the layout "Sales Event Layout": insufficient access rights on object id (INSUFFICIENT_ACCESS)',
    ]);
  });

  it('reports a layout whose metadata comes back without content, never writes it, and exits 68', async () => {
    await serve();
    const sales = stored('Sales Event Layout');
    ctx.emu.faults.emptyReads({ fullName: 'Event-Sales Event Layout' });

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result.layouts[1]).to.deep.equal({
      layout: 'Sales Event Layout',
      added: [],
      alreadyPresent: [],
      unreadable: true,
      error: { errorCode: 'NO_CONTENT', message: 'The Metadata API returned no content for the layout "Event-Sales Event Layout", so it cannot be changed safely' },
    });
    expect(updates()).to.deep.equal([['Event-Event Layout']]);
    expect(stored('Sales Event Layout')).to.deep.equal(sales);
    expect(process.exitCode).to.equal(68);
    expect(ux.warn.args.flat()[0]).to.match(/^Could not read the layout "Sales Event Layout": The Metadata API returned no content .* \(NO_CONTENT\)\. It was left unchanged/);
  });

  it('exits 1 and writes nothing when no layout can be read (Metadata API refused)', async () => {
    // Customize Application without Modify All Data or Modify Metadata: the org refuses every Metadata API call.
    await serve(acme().apiUserWithoutModifyMetadata(ADMIN_USERNAME));

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result.layouts.map((l) => [l.layout, l.error?.errorCode, l.unreadable])).to.deep.equal([
      ['Event Layout', 'INSUFFICIENT_ACCESS', true],
      ['Sales Event Layout', 'INSUFFICIENT_ACCESS', true],
    ]);
    expect(sent().filter((s) => /Metadata$/.test(s))).to.deep.equal(['readMetadata']);
    expect(ctx.emu.log.writes()).to.have.length(0);
    expect(process.exitCode).to.equal(1);
  });

  it('12 layouts in use, all lacking the fields: reads and writes in batches of 10, 6 requests (2 + ⌈12/10⌉ + ⌈12/10⌉)', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `Event Layout ${i + 1}`);
    await serve(
      scenarios
        .base()
        .withPackage()
        .tweak('11 more Event layouts in use', (org) => {
          const template = org.where('Layout', (l) => l.TableEnumOrId === 'Event')[0];
          const profileId = org.records('Profile')[0].Id;
          for (const name of names) {
            const layout = org.insert('Layout', { ...template, Id: undefined, Name: name, FullName: `Event-${name}`, Metadata: structuredClone(template.Metadata) });
            org.insert('ProfileLayout', { LayoutId: layout.Id, ProfileId: profileId, RecordTypeId: null, TableEnumOrId: 'Event' });
          }
        })
    );

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result.layouts).to.have.length(12);
    expect(result.layouts.every((l) => l.added.length === 2)).to.equal(true);
    expect(sent()).to.have.length(6);
    expect(sent().filter((s) => s === 'readMetadata')).to.have.length(2);
    expect(updates().map((u) => u.length)).to.deep.equal([10, 2]);
    for (const name of names) expect(fieldsIn(stored(name))).to.include.members([STATUS, REASON]);
  });

  it('prints a table and a success line', async () => {
    await serve();
    await LayoutAddFields.run(['--target-org', 'acme']);

    const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>> };
    expect(table.data).to.deep.equal([
      { layout: 'Event Layout', added: `${STATUS}, ${REASON}`, alreadyPresent: '-' },
      { layout: 'Sales Event Layout', added: REASON, alreadyPresent: STATUS },
    ]);
    expect(ux.logSuccess.args.flat()).to.deep.equal(['Added the OnceHub fields to 2 of 2 Event page layouts.']);
  });
});

function fieldsIn(metadata: LayoutMetadata): string[] {
  return metadata.layoutSections.flatMap((s) => s.layoutColumns.flatMap((c) => c.layoutItems.flatMap((i) => (i.field ? [i.field] : []))));
}
