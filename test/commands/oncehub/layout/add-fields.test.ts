import { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import LayoutAddFields from '../../../../src/commands/oncehub/layout/add-fields.js';
import { sfLogin } from '../../../lib/connection/fake-org.js';
import {
  eventLayouts,
  type FakeInstallationOrg,
  installationOrg,
  PACKAGE_FIELDS,
} from '../../../lib/installation/fake-installation-org.js';
import { asXml, faultAnswer, stubSoap } from '../../../fakes/soap.js';

const [STATUS, REASON] = PACKAGE_FIELDS;
type Item = { field?: string; behavior?: string };
type Section = { label: string; layoutColumns: Array<{ layoutItems: Item[] }> };
const sections = (metadata: Record<string, unknown>): Section[] => metadata.layoutSections as Section[];
const fieldsOf = (section: Section, column = 0): Array<string | undefined> => section.layoutColumns[column].layoutItems.map((i) => i.field);

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
  let fake: FakeInstallationOrg;
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    const login = sfLogin('admin@acme.example');
    await $$.stubAuths(login);
    $$.stubAliases({ acme: 'admin@acme.example' });
    fake = installationOrg();
    $$.fakeConnectionRequest = (request) => fake.handle(request) as never;
    stubSoap($$.SANDBOX, (call) => fake.soap(call));
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  it('adds the missing fields to both Event layouts in use (one partly done): query, describe, one read, one write', async () => {
    const { backupDir, ...result } = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result).to.deep.equal({
      layouts: [
        { layout: 'Event Layout', added: [STATUS, REASON], alreadyPresent: [] },
        { layout: 'Sales Event Layout', added: [REASON], alreadyPresent: [STATUS] },
      ],
    });
    // Backed up first, in the folder of the state file (TestContext's here).
    expect(backupDir).to.match(/oncehub[/\\]backups[/\\]/);
    const sent = fake.requests.map((r) => `${r.url.replace(/^.*\/(services\/Soap\/m\/|data\/)v?\d+\.0/, '').replace(/\?.*$/, '')} ${r.body === 'readMetadata' || r.body === 'updateMetadata' ? r.body : ''}`.trim());
    expect(sent.slice(0, 2).sort()).to.deep.equal(['/sobjects/Event/describe', '/tooling/query']);
    expect(sent.slice(2)).to.deep.equal(['readMetadata', 'updateMetadata']);
    const standard = sections(fake.layout('Event Layout').Metadata);
    expect(fieldsOf(standard[0])).to.deep.equal(['Subject', 'WhoId', 'WhatId', STATUS, REASON]);
    expect(standard[0].layoutColumns[0].layoutItems.slice(-2).map((i) => [i.behavior, i.field])).to.deep.equal([
      ['Edit', STATUS],
      ['Edit', REASON],
    ]);
    // The Sales layout starts with a Custom Links section; the field goes into the first field section.
    const sales = sections(fake.layout('Sales Event Layout').Metadata);
    expect(fieldsOf(sales[1])).to.deep.equal(['Subject', STATUS, REASON]);
    expect(process.exitCode ?? 0).to.equal(0);
  });

  it('leaves every other part of each layout exactly as it was', async () => {
    const before = eventLayouts();

    await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    for (const original of before) {
      const after = structuredClone(fake.layout(original.Name).Metadata);
      for (const section of sections(after)) {
        for (const column of section.layoutColumns) {
          column.layoutItems = column.layoutItems.filter((i) => !(i.field && PACKAGE_FIELDS.includes(i.field) && !fieldsIn(original.Metadata).includes(i.field)));
        }
      }
      // Compared as the Metadata API's XML carries it ("true", "2", unset properties left out).
      expect(asXml(after)).to.equal(asXml(original.Metadata));
    }
  });

  it('writes only the layouts that change', async () => {
    fake.layout('Event Layout').Metadata = eventLayouts()[0].Metadata;
    const done = sections(fake.layout('Sales Event Layout').Metadata);
    done[1].layoutColumns[1].layoutItems.push({ field: REASON, behavior: 'Readonly' });

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    const updates = fake.soapCalls.filter((c) => c.operation === 'updateMetadata');
    expect(updates.map((c) => c.components.map((m) => m.fullName))).to.deep.equal([['Event-Event Layout']]);
    expect(result.layouts[1]).to.deep.equal({ layout: 'Sales Event Layout', added: [], alreadyPresent: [STATUS, REASON] });
  });

  it('changes nothing on a second run: no write request at all', async () => {
    await LayoutAddFields.run(['--target-org', 'acme', '--json']);
    fake.requests.length = 0;
    ux.log.resetHistory();

    const again = await LayoutAddFields.run(['--target-org', 'acme']);

    expect(fake.writes).to.have.length(0);
    expect(fake.requests).to.have.length(3);
    expect(again.layouts.every((l) => l.added.length === 0 && l.alreadyPresent.length === 2)).to.equal(true);
    expect(ux.log.args.flat()).to.deep.equal(['Every Event page layout (2) already shows both OnceHub fields: nothing to do.']);
  });

  it('writes nothing with --dry-run and reports what would be added', async () => {
    const before = eventLayouts();

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--dry-run']);

    expect(fake.writes).to.have.length(0);
    expect(fake.data.layouts.map((l) => l.Metadata)).to.deep.equal(before.map((l) => l.Metadata));
    expect(result.dryRun).to.equal(true);
    expect(result.layouts.map((l) => l.added)).to.deep.equal([[STATUS, REASON], [REASON]]);
    const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>>; columns: Array<{ name: string }> };
    expect(table.columns.map((c) => c.name)).to.deep.equal(['Layout', 'Would add', 'Already present']);
    expect(table.data[1]).to.deep.equal({ layout: 'Sales Event Layout', added: REASON, alreadyPresent: STATUS });
    expect(ux.log.args.flat()).to.deep.equal(['Dry run: nothing was written. 2 of 2 Event page layouts would change.']);
  });

  it('restricts to --layout names, accepting the Event- full name', async () => {
    const result = await LayoutAddFields.run(['--target-org', 'acme', '--layout', 'Event-Sales Event Layout', '--json']);

    expect(result.layouts.map((l) => l.layout)).to.deep.equal(['Sales Event Layout']);
    expect(fake.layout('Event Layout').Metadata).to.deep.equal(eventLayouts()[0].Metadata);
  });

  it('refuses an unknown --layout name, listing the layouts in use, before reading any layout', async () => {
    const err = await failure(['--target-org', 'acme', '--layout', 'Event Layout', '--layout', 'Nope']);

    expect(err.name).to.equal('UnknownLayoutError');
    expect(err.message).to.equal('No Event page layout in use is named "Nope". The Event layouts in use are: "Event Layout", "Sales Event Layout".');
    expect(fake.requests).to.have.length(2);
    expect(fake.soapCalls).to.have.length(0);
  });

  it('says the package is not installed (step 1) when its fields do not exist on Event', async () => {
    fake.data.eventFields = [];

    const err = await failure(['--target-org', 'acme']);

    expect(err.name).to.equal('PackageFieldsMissingError');
    expect(err.message).to.include(`${STATUS}, ${REASON}`);
    expect(err.message).to.include('the OnceHub managed package is not installed, or is too old (Installation step 1)');
    expect(err.actions?.join('\n')).to.include('sf oncehub doctor --target-org acme');
    expect(fake.writes).to.have.length(0);
  });

  it('reports a refused write per layout, keeps the others, and exits 68', async () => {
    fake.readonlyLayouts.add('00h5g000000SlsAAA');

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result.layouts[0].added).to.deep.equal([STATUS, REASON]);
    expect(result.layouts[1]).to.deep.equal({
      layout: 'Sales Event Layout',
      added: [],
      alreadyPresent: [STATUS],
      notAdded: [REASON],
      error: { errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' },
    });
    expect(process.exitCode).to.equal(68);
    expect(ux.warn.args.flat()).to.deep.equal([
      'Could not update the layout "Sales Event Layout": insufficient access rights on object id (INSUFFICIENT_ACCESS)',
    ]);
  });

  it('reports a layout whose metadata comes back without content, never writes it, and exits 68', async () => {
    fake.contentlessLayouts.add('00h5g000000SlsAAA');
    const sales = structuredClone(fake.layout('Sales Event Layout').Metadata);

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result.layouts[1]).to.deep.equal({
      layout: 'Sales Event Layout',
      added: [],
      alreadyPresent: [],
      unreadable: true,
      error: { errorCode: 'NO_CONTENT', message: 'The Metadata API returned no content for the layout "Event-Sales Event Layout", so it cannot be changed safely' },
    });
    const updates = fake.soapCalls.filter((c) => c.operation === 'updateMetadata');
    expect(updates.flatMap((c) => c.components.map((m) => m.fullName))).to.deep.equal(['Event-Event Layout']);
    expect(fake.layout('Sales Event Layout').Metadata).to.deep.equal(sales);
    expect(process.exitCode).to.equal(68);
    expect(ux.warn.args.flat()[0]).to.match(/^Could not read the layout "Sales Event Layout": The Metadata API returned no content .* \(NO_CONTENT\)\. It was left unchanged/);
  });

  it('exits 1 and writes nothing when no layout can be read (Metadata API refused)', async () => {
    fake.soapFault = faultAnswer('INSUFFICIENT_ACCESS', 'use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions');

    const result = await LayoutAddFields.run(['--target-org', 'acme', '--json']);

    expect(result.layouts.map((l) => [l.layout, l.error?.errorCode, l.unreadable])).to.deep.equal([
      ['Event Layout', 'INSUFFICIENT_ACCESS', true],
      ['Sales Event Layout', 'INSUFFICIENT_ACCESS', true],
    ]);
    expect(fake.soapCalls.map((c) => c.operation)).to.deep.equal(['readMetadata']);
    expect(process.exitCode).to.equal(1);
  });

  it('prints a table and a success line', async () => {
    await LayoutAddFields.run(['--target-org', 'acme']);

    const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>> };
    expect(table.data).to.deep.equal([
      { layout: 'Event Layout', added: `${STATUS}, ${REASON}`, alreadyPresent: '-' },
      { layout: 'Sales Event Layout', added: REASON, alreadyPresent: STATUS },
    ]);
    expect(ux.logSuccess.args.flat()).to.deep.equal(['Added the OnceHub fields to 2 of 2 Event page layouts.']);
  });
});

function fieldsIn(metadata: Record<string, unknown>): string[] {
  return sections(metadata).flatMap((s) => s.layoutColumns.flatMap((c) => c.layoutItems.flatMap((i) => (i.field ? [i.field] : []))));
}
