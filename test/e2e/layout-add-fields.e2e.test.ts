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
    // A write is preceded by a backup, in a new folder under the plugin's state folder.
    expect(run.json?.result.backupDir).to.match(/[\\/]\.sf[\\/]oncehub[\\/]backups[\\/]00D/);
    expect({ ...run.json?.result, backupDir: undefined }).to.deep.equal({
      backupDir: undefined,
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
    // Layouts in use 2, changed 2: ≤ 2 + ⌈2/10⌉ + ⌈2/10⌉ = 4 (layouts query, Event describe, one read, one write).
    const requests = s.emulator.log.dataRequests().map((e) => `${e.method} ${e.path.replace(/\?.*$/, '')} ${e.kind}`);
    expect(requests.slice(0, 2).sort()).to.deep.equal(['GET /services/data/v66.0/sobjects/Event/describe read', 'GET /services/data/v66.0/tooling/query read']);
    expect(requests.slice(2)).to.deep.equal(['POST /services/Soap/m/66.0 read', 'POST /services/Soap/m/66.0 write']);
    expect(s.emulator.log.writes()).to.have.length(1);
    expect(s.emulator.log.queries().some((q) => q.includes('FieldDefinition'))).to.equal(false);

    s.emulator.log.clear();
    const again = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(again.exitCode).to.equal(0);
    expect(again.json?.result.layouts.every((l: { added: string[] }) => l.added.length === 0)).to.equal(true);
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(s.emulator.log.dataRequests()).to.have.length(3);
    expect(eventLayout(s.emulator, 'Event Layout')).to.deep.equal(after.standard);
  });

  it('adds both fields to the action-list layout through updateMetadata: it keeps its actions, Tooling PATCH is never used', async () => {
    const s = await open(scenarios.demo());
    const before = eventLayout(s.emulator, 'Event Layout');
    expect(before.platformActionList).to.have.property('actionListContext', 'Record');

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.layouts).to.deep.equal([{ layout: 'Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] }]);
    expect(run.json?.result.backupDir).to.be.a('string');
    const after = eventLayout(s.emulator, 'Event Layout');
    expect(after.platformActionList).to.deep.equal(before.platformActionList);
    expect(without(after, [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD])).to.deep.equal(before);
    expect(s.emulator.log.writes().map((e) => `${e.method} ${e.path} ${e.api}`)).to.deep.equal(['POST /services/Soap/m/66.0 metadata']);
    expect(s.emulator.log.count({ method: 'PATCH' })).to.equal(0);
    expect(s.emulator.log.dataRequests()).to.have.length(4);
  });

  it('finds a layout the org spells otherwise through listMetadata (by id) and completes it', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts());
    // The Metadata API knows the layout under another full name: readMetadata of "Event-Sales Event Layout" has no content.
    const sales = s.emulator.org.where('Layout', (l) => l.Name === 'Sales Event Layout')[0];
    s.emulator.org.update('Layout', sales.Id, { FullName: 'Event-Renamed Sales Layout' });
    const before = eventLayout(s.emulator, 'Sales Event Layout');

    const json = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(json.exitCode, json.stderr).to.equal(0);
    expect(json.json?.result.layouts[1]).to.deep.equal({ layout: 'Sales Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] });
    expect(without(eventLayout(s.emulator, 'Sales Event Layout'), [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD])).to.deep.equal(before);
    // 2 + 1 read + 1 listMetadata + 1 read again + 1 write.
    expect(s.emulator.log.dataRequests()).to.have.length(6);
    expect(s.emulator.log.writes()).to.have.length(1);
  });

  it('reads a batch that failed one layout at a time: only the layout that fails again is reported, exit 68', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts());
    const before = eventLayout(s.emulator, 'Event Layout');
    // The batch read and the first single read get a SOAP fault that is not transient (a 500 UNKNOWN_EXCEPTION would be
    // retried); the second single read passes.
    const fault = { path: '/services/Soap/', times: 2, code: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id' };
    s.emulator.faults.soapFaults(fault);

    const json = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(json.exitCode, json.stderr).to.equal(68);
    expect(json.json?.result.layouts[0]).to.deep.include({ layout: 'Event Layout', added: [], alreadyPresent: [], unreadable: true });
    expect(json.json?.result.layouts[0].error.errorCode).to.equal('INVALID_CROSS_REFERENCE_KEY');
    expect(json.json?.result.layouts[1]).to.deep.equal({ layout: 'Sales Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] });
    expect(eventLayout(s.emulator, 'Event Layout')).to.deep.equal(before);
    expect(s.emulator.log.filter({ api: 'metadata' }).map((e) => e.kind)).to.deep.equal(['read', 'read', 'read', 'write']);

    s.emulator.log.clear();
    s.emulator.faults.soapFaults(fault);
    const human = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme']);
    expect(human.exitCode).to.equal(68);
    expect(human.stderr).to.include('Could not read the layout "Event Layout"');
    expect(human.stderr).to.include('It was left unchanged');
    expect(human.stderr).not.to.match(/\n\s+at /);
    expect(s.emulator.log.writes()).to.have.length(0);
  });

  it('completes a layout whose full name is encoded ("Event Layout (Sales & Service)"), named as in Setup', async () => {
    const s = await open(scenarios.demo().withEncodedNameEventLayout());

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.layouts).to.have.deep.members([
      { layout: 'Event Layout', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] },
      { layout: 'Event Layout (Sales & Service)', added: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD], alreadyPresent: [] },
    ]);
    expect(layoutFields(eventLayout(s.emulator, 'Event Layout (Sales & Service)'))).to.include.members([EVENT_STATUS_FIELD, CANCEL_REASON_FIELD]);
    expect(s.emulator.log.dataRequests()).to.have.length(4);

    s.emulator.log.clear();
    const again = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--layout', 'Event-Event Layout %28Sales %26 Service%29', '--json']);
    expect(again.exitCode, again.stderr).to.equal(0);
    expect(again.json?.result.layouts).to.deep.equal([{ layout: 'Event Layout (Sales & Service)', added: [], alreadyPresent: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD] }]);
    expect(s.emulator.log.writes()).to.have.length(0);
  });

  it('reports the package\'s managed layout, which shows both fields, as alreadyPresent and exits 0', async () => {
    const s = await open(scenarios.demo().withManagedEventLayoutInUse());

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result).to.deep.equal({ layouts: [{ layout: 'OnceHub Event Layout', added: [], alreadyPresent: [EVENT_STATUS_FIELD, CANCEL_REASON_FIELD] }] });
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(s.emulator.log.dataRequests()).to.have.length(3);
  });

  it('stops with a clear error when the SOAP endpoint answers an HTML maintenance page', async () => {
    const s = await open(scenarios.demo());
    s.emulator.faults.maintenancePage({ path: '/services/Soap/' });

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(run.exitCode).to.equal(1);
    expect(run.json?.message).to.match(/web page instead of data/);
    expect(run.stderr).not.to.match(/\n\s+at /);
    expect(s.emulator.log.writes()).to.have.length(0);
  });

  it('12 layouts in use, all lacking the fields: reads and writes in batches of 10, 6 requests (2 + ⌈12/10⌉ + ⌈12/10⌉)', async () => {
    const s = await open(scenarios.demo());
    const emu = s.emulator;
    const template = emu.org.where('Layout', (l) => l.TableEnumOrId === 'Event')[0];
    const profileId = emu.org.records('Profile')[0].Id;
    for (let i = 1; i <= 11; i++) {
      const name = `Event Layout ${i}`;
      const layout = emu.org.insert('Layout', { ...template, Id: undefined, Name: name, FullName: `Event-${name}`, Metadata: structuredClone(template.Metadata) });
      emu.org.insert('ProfileLayout', { LayoutId: layout.Id, ProfileId: profileId, RecordTypeId: null, TableEnumOrId: 'Event' });
    }

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.layouts).to.have.length(12);
    expect(run.json?.result.layouts.every((l: { added: string[] }) => l.added.length === 2)).to.equal(true);
    expect(emu.log.dataRequests()).to.have.length(6);
    expect(emu.log.writes()).to.have.length(2);
    for (let i = 1; i <= 11; i++) expect(layoutFields(eventLayout(emu, `Event Layout ${i}`))).to.include.members([EVENT_STATUS_FIELD, CANCEL_REASON_FIELD]);
  });

  it('writes nothing with --dry-run and shows what would change', async () => {
    const s = await open(scenarios.demo().withTwoEventLayouts());
    const before = eventLayout(s.emulator, 'Event Layout');

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--dry-run']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Would add');
    expect(run.stdout).to.include('Dry run: nothing was written. 2 of 2 Event page layouts would change.');
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(s.emulator.log.dataRequests()).to.have.length(3);
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

  it('names Modify All Data and Modify Metadata when the Metadata API refuses a user with Customize Application only', async () => {
    session = await startSession({ org: scenarios.demo().apiUserWithoutModifyMetadata('sam.sales@acme.example').build() });
    await session.login('sam.sales@acme.example', 'sam');
    session.emulator.log.clear();

    const run = await session.sf(['oncehub', 'layout', 'add-fields', '-o', 'sam']);

    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.include('"Modify All Data" or "Modify Metadata Through Metadata API Functions"');
    expect(run.stderr).to.include('"Customize Application" alone is not enough');
    expect(run.stderr).not.to.match(/\n\s+at /);
    expect(session.emulator.log.filter({ api: 'metadata' })).to.have.length(1);
    expect(session.emulator.log.writes()).to.have.length(0);
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
