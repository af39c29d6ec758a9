/**
 * `sf oncehub layout add-fields` end to end: the real sf binary with the built plugin, against the org emulator.
 * Needs `npm run build` first (npm test does it). Only what the sf process shows is tested here (exit codes, the JSON
 * document, the backup under ~/.sf, warnings on stderr, an HTML page over HTTP); the rest of the command's behaviour is
 * in test/commands/oncehub/layout/add-fields.test.ts and test/lib/installation/layout-org.test.ts.
 */
import { expect } from 'chai';
import { ADMIN_USERNAME, CANCEL_REASON_FIELD, EVENT_STATUS_FIELD, type Emulator, layoutFields, type LayoutMetadata, type OrgBuilder, scenarios, storedLayout } from '../../emulator/index.js';
import { type Session, startSession } from './harness.js';

const eventLayout = (emu: Emulator, name: string): LayoutMetadata => storedLayout(emu.org, name);

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

  it('stops with a clear error when the SOAP endpoint answers an HTML maintenance page', async () => {
    const s = await open(scenarios.demo());
    s.emulator.faults.maintenancePage({ path: '/services/Soap/' });

    const run = await s.sf(['oncehub', 'layout', 'add-fields', '-o', 'acme', '--json']);

    expect(run.exitCode).to.equal(1);
    expect(run.json?.message).to.match(/web page instead of data/);
    expect(run.stderr).not.to.match(/\n\s+at /);
    expect(s.emulator.log.writes()).to.have.length(0);
  });

});
