/**
 * `sf oncehub layout add-fields` end to end: the real sf binary with the built plugin, against the org emulator.
 * Needs `npm run build` first (npm test does it).
 */
import { expect } from 'chai';
import {
  ADMIN_USERNAME,
  CANCEL_REASON_FIELD,
  EVENT_STATUS_FIELD,
  type Emulator,
  layoutFields,
  type LayoutMetadata,
  type OrgBuilder,
  scenarios,
} from '../../emulator/index.js';
import { type Session, startSession } from './harness.js';

const eventLayout = (emu: Emulator, name: string): LayoutMetadata =>
  structuredClone(emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event' && l.Name === name)[0].Metadata) as LayoutMetadata;

/** The layout without the given fields, wherever they are: what must equal the layout as it was before. */
function without(metadata: LayoutMetadata, fields: string[]): LayoutMetadata {
  const copy = structuredClone(metadata);
  for (const section of copy.layoutSections) {
    for (const column of section.layoutColumns) column.layoutItems = column.layoutItems.filter((i) => !fields.includes(String(i.field)));
  }
  return copy;
}

describe('e2e: sf oncehub layout add-fields', function () {
  this.timeout(180_000);
  let session: Session | undefined;

  async function open(org: OrgBuilder): Promise<Session> {
    session = await startSession({ org: org.build() });
    await session.login(ADMIN_USERNAME, 'acme');
    session.emulator.log.clear();
    return session;
  }

  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it('completes two Event layouts (one partly done), leaves the rest of each layout untouched, then does nothing', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts().withEventLayoutPartlyDone('Event Layout'));
    const before = { standard: eventLayout(s.emulator, 'Event Layout'), sales: eventLayout(s.emulator, 'Sales Event Layout') };

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result).to.deep.equal({
      layouts: [
        { layout: 'Event Layout', added: [CANCEL_REASON_FIELD], alreadyPresent: [EVENT_STATUS_FIELD] },
        { layout: 'Sales Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] },
      ],
    });
    const after = { standard: eventLayout(s.emulator, 'Event Layout'), sales: eventLayout(s.emulator, 'Sales Event Layout') };
    for (const metadata of [after.standard, after.sales]) {
      expect(layoutFields(metadata).filter((f) => f.startsWith('ScheduleOnce__')).sort()).to.deep.equal([CANCEL_REASON_FIELD, EVENT_STATUS_FIELD]);
    }
    expect(without(after.standard, [CANCEL_REASON_FIELD])).to.deep.equal(before.standard);
    expect(without(after.sales, [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD])).to.deep.equal(before.sales);
    const firstColumn = after.sales.layoutSections[0].layoutColumns[0].layoutItems;
    expect(firstColumn.slice(-2).map((i) => [i.field, i.behavior])).to.deep.equal([
      [EVENT_STATUS_FIELD, 'Edit'],
      [CANCEL_REASON_FIELD, 'Edit'],
    ]);
    expect(s.emulator.log.dataRequests()).to.have.length(3);
    expect(s.emulator.log.writes()).to.have.length(1);

    s.emulator.log.clear();
    const again = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(again.exitCode).to.equal(0);
    expect(again.json?.result.layouts.every((l: { added: string[] }) => l.added.length === 0)).to.equal(true);
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(eventLayout(s.emulator, 'Event Layout')).to.deep.equal(after.standard);
  });

  it('writes nothing with --dry-run and shows what would change', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts());
    const before = eventLayout(s.emulator, 'Event Layout');

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--dry-run']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Would add');
    expect(run.stdout).to.include('Dry run: nothing was written. 2 of 2 Event page layouts would change.');
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(eventLayout(s.emulator, 'Event Layout')).to.deep.equal(before);
  });

  it('updates only the layouts named with --layout and refuses unknown names', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts());
    const sales = eventLayout(s.emulator, 'Sales Event Layout');

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--layout', 'Event Layout', '--json']);
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.layouts.map((l: { layout: string }) => l.layout)).to.deep.equal(['Event Layout']);
    expect(eventLayout(s.emulator, 'Sales Event Layout')).to.deep.equal(sales);

    const unknown = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--layout', 'Nope', '--json']);
    expect(unknown.exitCode).to.equal(1);
    expect(unknown.json?.name).to.equal('UnknownLayoutError');
    expect(unknown.json?.message).to.include('"Event Layout", "Sales Event Layout"');
  });

  it('points to Installation step 1 when the package fields do not exist', async () => {
    const s = await open(scenarios.base());

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme']);

    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.include('Installation step 1');
    expect(run.stderr).not.to.match(/\n\s+at /);
    expect(s.emulator.log.writes()).to.have.length(0);
  });
});
