import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { ADMIN_USERNAME, layoutFields, type LayoutMetadata, scenarios, storedLayout } from '../../../emulator/index.js';
import {
  addLayoutFields,
  type EventLayout,
  planLayoutFields,
  readLayoutFacts,
  readLayouts,
  writeLayouts,
} from '../../../src/lib/installation/layout.js';
import { isOrgLevelError, toSfError } from '../../../src/lib/org/errors.js';
import { emulatorContext, type EmulatorContext } from '../../support/emulator-context.js';

const STATUS = 'ScheduleOnce__Event_status__c';
const REASON = 'ScheduleOnce__Cancel_reschedule_reason__c';
const SOAP = '/services/Soap/m/';

type Rec = Record<string, unknown>;

const stored = (ctx: EmulatorContext, name: string): LayoutMetadata => storedLayout(ctx.emu.org, name);

/** Metadata API calls (SOAP) and all data requests, from the emulator's log. */
const soapCalls = (ctx: EmulatorContext): number => ctx.emu.log.filter({ api: 'metadata' }).length;
const dataRequests = (ctx: EmulatorContext): number => ctx.emu.log.dataRequests().length;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error
  );
}

describe('installation/layout against the emulator', () => {
  const $$ = new TestContext();

  describe('a layout whose name needs encoding', () => {
    let ctx: EmulatorContext;
    beforeEach(async () => {
      ctx = await emulatorContext($$, scenarios.base().withPackage().withEncodedNameEventLayout().build(), { username: ADMIN_USERNAME, alias: 'acme' });
    });

    it('reads Layout.NamespacePrefix beside the name and builds the full name the org spells', async () => {
      const { layouts } = await readLayoutFacts(ctx.conn);
      expect(layouts.map((l) => [l.name, l.fullName])).to.have.deep.members([
        ['Event Layout', 'Event-Event Layout'],
        ['Event Layout (Sales & Service)', 'Event-Event Layout %28Sales %26 Service%29'],
      ]);
    });

    it('adds both fields to both layouts within 2 + ⌈L/10⌉ + ⌈changed/10⌉ requests; the result names them as Setup does', async () => {
      ctx.emu.log.clear();
      const outcome = await addLayoutFields(ctx.conn, 'acme', { dryRun: false });
      expect(outcome.exitCode).to.equal(0);
      expect(outcome.result.layouts.map((r) => [r.layout, r.added])).to.have.deep.members([
        ['Event Layout', [STATUS, REASON]],
        ['Event Layout (Sales & Service)', [STATUS, REASON]],
      ]);
      expect(dataRequests(ctx)).to.equal(4);
      expect(ctx.emu.log.writes()).to.have.length(1);
      expect(layoutFields(stored(ctx, 'Event Layout (Sales & Service)'))).to.include.members([STATUS, REASON]);

      ctx.emu.log.clear();
      const again = await addLayoutFields(ctx.conn, 'acme', { dryRun: false, layouts: ['event layout (sales & service)'] });
      expect(again.result.layouts).to.deep.equal([{ layout: 'Event Layout (Sales & Service)', added: [], alreadyPresent: [STATUS, REASON] }]);
      expect(ctx.emu.log.writes()).to.have.length(0);
    });

    it('sends what it writes in the WSDL order, the fallback section included, and the org accepts it', async () => {
      const [layout] = (await readLayoutFacts(ctx.conn)).layouts.filter((l) => l.name.includes('&'));
      // A layout without sections: the plugin creates its own "OnceHub" section.
      const failures = await writeLayouts(ctx.conn, [{ layout, metadata: planLayoutFields({ relatedLists: [] }).metadata }]);
      expect([...failures]).to.deep.equal([]);
      const section = stored(ctx, 'Event Layout (Sales & Service)').layoutSections[0];
      expect(section).to.deep.include({ label: 'OnceHub', style: 'OneColumn' });
      expect(section.layoutColumns[0].layoutItems.map((i) => i.field)).to.deep.equal([STATUS, REASON]);
    });

    it('does not send a layout holding an element the WSDL does not know; the others are written', async () => {
      const { layouts } = await readLayoutFacts(ctx.conn);
      const reads = await readLayouts(ctx.conn, layouts);
      const [a, b] = reads.map((r) => ('metadata' in r ? planLayoutFields(r.metadata).metadata : {}));
      ctx.emu.log.clear();
      const failures = await writeLayouts(ctx.conn, [
        { layout: layouts[0], metadata: { ...a, colour: 'red' } },
        { layout: layouts[1], metadata: b },
      ]);
      expect([...failures.keys()]).to.deep.equal([layouts[0].id]);
      expect(failures.get(layouts[0].id)).to.deep.include({ errorCode: 'UNKNOWN_ELEMENT' });
      expect(failures.get(layouts[0].id)?.message).to.match(/colour is not an element of the Metadata API type Layout/);
      expect(ctx.emu.log.writes()).to.have.length(1);
    });

    it('reads a layout again one by one when a fault fails its whole batch, so only the faulty one is reported', async () => {
      const { layouts } = await readLayoutFacts(ctx.conn);
      ctx.emu.log.clear();
      // The batch call and the first single read fail with a fault that is not transient (a 500 UNKNOWN_EXCEPTION would
      // be retried); the second single read passes.
      ctx.emu.faults.soapFaults({ path: SOAP, times: 2, code: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id' });
      const reads = await readLayouts(ctx.conn, layouts);
      expect(reads.map((r) => ('metadata' in r ? 'read' : r.error.errorCode))).to.deep.equal(['INVALID_CROSS_REFERENCE_KEY', 'read']);
      expect(soapCalls(ctx)).to.equal(3);
    });

    it('treats a 200 HTML page on the SOAP endpoint as an org-level failure, not as unreadable layouts', async () => {
      const { layouts } = await readLayoutFacts(ctx.conn);
      ctx.emu.faults.maintenancePage({ path: SOAP });
      const err = await rejection(readLayouts(ctx.conn, layouts));
      expect(isOrgLevelError(err)).to.equal(true);
      const sfError = toSfError(err, { alias: 'acme', username: ADMIN_USERNAME, instanceUrl: ctx.conn.instanceUrl });
      expect(sfError.message).to.match(/web page instead of data/);
      const write = await rejection(writeLayouts(ctx.conn, [{ layout: layouts[0], metadata: planLayoutFields({}).metadata }]));
      expect(isOrgLevelError(write)).to.equal(true);
    });
  });

  describe('the package\'s managed Event layout in use', () => {
    let ctx: EmulatorContext;
    beforeEach(async () => {
      ctx = await emulatorContext($$, scenarios.base().withPackage().withManagedEventLayoutInUse().build(), { username: ADMIN_USERNAME, alias: 'acme' });
    });

    it('is alreadyPresent with exit 0, read under its namespaced full name, nothing written, 3 requests', async () => {
      ctx.emu.log.clear();
      const outcome = await addLayoutFields(ctx.conn, 'acme', { dryRun: false });
      expect(outcome).to.deep.equal({
        result: { layouts: [{ layout: 'OnceHub Event Layout', added: [], alreadyPresent: [STATUS, REASON] }] },
        changing: 0,
        exitCode: 0,
      });
      expect(dataRequests(ctx)).to.equal(3);
      expect(ctx.emu.log.writes()).to.have.length(0);
    });

    it('accepts --layout by its Setup name or its full name', async () => {
      for (const name of ['OnceHub Event Layout', 'Event-ScheduleOnce__OnceHub Event Layout']) {
        const outcome = await addLayoutFields(ctx.conn, 'acme', { dryRun: true, layouts: [name] });
        expect(outcome.result.layouts.map((r) => r.layout)).to.deep.equal(['OnceHub Event Layout']);
      }
    });
  });

  describe('a full name the org spells otherwise', () => {
    let ctx: EmulatorContext;
    let layout: EventLayout;
    beforeEach(async () => {
      const org = scenarios
        .base()
        .withPackage()
        .withTwoEventLayouts()
        // An org whose spelling the table does not predict: only listMetadata knows it.
        .tweak('respelled', (o) => {
          const sales = o.records('Layout').find((l) => l.Name === 'Sales Event Layout') as Rec;
          o.update('Layout', String(sales.Id), { FullName: 'Event-Sales Event Layout v2' });
        })
        .build();
      ctx = await emulatorContext($$, org, { username: ADMIN_USERNAME, alias: 'acme' });
      layout = (await readLayoutFacts(ctx.conn)).layouts.find((l) => l.name === 'Sales Event Layout') as EventLayout;
    });

    it('asks listMetadata, matches the layout id (15 or 18 characters) and reads it under the listed name', async () => {
      ctx.emu.log.clear();
      const short = { ...layout, id: layout.id.slice(0, 15) };
      const [read] = await readLayouts(ctx.conn, [short]);
      expect(read).to.have.nested.property('metadata.fullName', 'Event-Sales Event Layout v2');
      const bodies = ctx.emu.log.filter({ api: 'metadata' });
      expect(bodies).to.have.length(3);

      const outcome = await addLayoutFields(ctx.conn, 'acme', { dryRun: false });
      expect(outcome.exitCode).to.equal(0);
      expect(layoutFields(stored(ctx, 'Sales Event Layout'))).to.include.members([STATUS, REASON]);
    });

    it('reports the layout unreadable when the listing does not know its id either', async () => {
      const [read] = await readLayouts(ctx.conn, [{ ...layout, id: '00h000000000000AAA' }]);
      expect(read).to.have.nested.property('error.errorCode', 'NO_CONTENT');
    });
  });

  describe('the permission the Metadata API needs', () => {
    it('names Modify All Data and Modify Metadata when the API refuses a user with Customize Application only', async () => {
      const org = scenarios.base().withPackage().apiUserWithoutModifyMetadata('sam.sales@acme.example').build();
      const ctx = await emulatorContext($$, org, { username: 'sam.sales@acme.example', alias: 'sam' });
      const { layouts } = await readLayoutFacts(ctx.conn);
      const [read] = await readLayouts(ctx.conn, layouts);
      expect(read).to.have.nested.property('error.errorCode', 'INSUFFICIENT_ACCESS');
      const message = (read as { error: { message: string } }).error.message;
      expect(message).to.include('"Modify All Data" or "Modify Metadata Through Metadata API Functions"');
      expect(message).to.include('"Customize Application" alone is not enough');
    });
  });
});
