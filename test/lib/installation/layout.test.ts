import type { Connection } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  EVENT_LAYOUT_ASSIGNMENTS_QUERY,
  eventLayoutsInUse,
  type LayoutItem,
  type LayoutMetadata,
  layoutsExitCode,
  missingFields,
  PACKAGE_EVENT_FIELDS,
  packageFieldsIn,
  planLayoutFields,
  readLayoutFacts,
  readLayouts,
  selectLayouts,
  writeLayouts,
} from '../../../src/lib/installation/layout.js';
import { isOrgLevelError } from '../../../src/lib/org/errors.js';
import { asXml, faultAnswer, stubSoap } from '../../fakes/soap.js';
import { sfLogin } from '../connection/fake-org.js';
import { type FakeInstallationOrg, installationOrg, layoutMetadata } from './fake-installation-org.js';

const STATUS = 'ScheduleOnce__Event_status__c';
const REASON = 'ScheduleOnce__Cancel_reschedule_reason__c';

const items = (metadata: LayoutMetadata, section: number, column: number): LayoutItem[] =>
  metadata.layoutSections?.[section].layoutColumns?.[column].layoutItems ?? [];

describe('installation/layout', () => {
  it('names the package fields and reads the layouts in use for Event from ProfileLayout', () => {
    expect(PACKAGE_EVENT_FIELDS).to.deep.equal([STATUS, REASON]);
    expect(EVENT_LAYOUT_ASSIGNMENTS_QUERY).to.equal(
      "SELECT Id, LayoutId, Layout.Name, ProfileId, Profile.Name, RecordTypeId FROM ProfileLayout WHERE TableEnumOrId = 'Event'"
    );
  });

  it('finds the package fields in the Event describe, case-insensitively', () => {
    expect(packageFieldsIn({ fields: [{ name: 'Subject' }, { name: 'scheduleonce__event_status__c' }] })).to.deep.equal([STATUS]);
    expect(packageFieldsIn({ fields: [{ name: STATUS }, { name: REASON }] })).to.deep.equal([STATUS, REASON]);
    expect(packageFieldsIn({})).to.deep.equal([]);
  });

  it('exits 0 when every layout ends up complete, 1 when none does, 68 in between', () => {
    const ok = { layout: 'A', added: [STATUS], alreadyPresent: [] };
    const bad = { layout: 'B', added: [], alreadyPresent: [], error: { errorCode: 'NO_CONTENT', message: 'x' } };
    expect([layoutsExitCode([ok]), layoutsExitCode([ok, bad]), layoutsExitCode([bad]), layoutsExitCode([])]).to.deep.equal([0, 68, 1, 0]);
  });

  describe('eventLayoutsInUse', () => {
    it('keeps each layout once, with the distinct profiles using it, in first-seen order', () => {
      const row = (LayoutId: string, name: string, profile: string, RecordTypeId: string | null = null) => ({
        LayoutId,
        Layout: { Name: name },
        Profile: { Name: profile },
        RecordTypeId,
      });
      const layouts = eventLayoutsInUse([
        row('00h1', 'Event Layout', 'System Administrator'),
        row('00h2', 'Sales Event Layout', 'Sales Rep'),
        row('00h1', 'Event Layout', 'Standard User'),
        row('00h1', 'Event Layout', 'Standard User', '012000000000001AAA'),
        { LayoutId: null, Layout: null, Profile: { Name: 'x' } },
      ]);
      expect(layouts).to.deep.equal([
        { id: '00h1', name: 'Event Layout', profiles: ['System Administrator', 'Standard User'] },
        { id: '00h2', name: 'Sales Event Layout', profiles: ['Sales Rep'] },
      ]);
    });
  });

  describe('missingFields', () => {
    it('looks in every section and column, case-insensitively', () => {
      const metadata = layoutMetadata([
        { label: 'A', columns: [['Subject'], []] },
        { label: 'B', columns: [[], ['scheduleonce__event_status__c']] },
      ]);
      expect(missingFields(metadata)).to.deep.equal([REASON]);
      expect(missingFields(layoutMetadata([{ label: 'A', columns: [['Subject']] }]))).to.deep.equal([STATUS, REASON]);
    });

    it('copes with a layout without sections', () => {
      expect(missingFields({ layoutSections: null })).to.deep.equal([STATUS, REASON]);
    });
  });

  describe('planLayoutFields', () => {
    it('adds each missing field once, as Edit, at the end of the first column of the first section', () => {
      const before = layoutMetadata([
        { label: 'Calendar Details', columns: [['Subject', 'WhoId'], ['StartDateTime']] },
        { label: 'Other', columns: [['Description']] },
      ]);
      const plan = planLayoutFields(before);

      expect(plan.added).to.deep.equal([STATUS, REASON]);
      expect(plan.alreadyPresent).to.deep.equal([]);
      expect(items(plan.metadata, 0, 0).map((i) => i.field)).to.deep.equal(['Subject', 'WhoId', STATUS, REASON]);
      expect(items(plan.metadata, 0, 0).slice(2)).to.deep.equal([
        { behavior: 'Edit', field: STATUS },
        { behavior: 'Edit', field: REASON },
      ]);
    });

    it('leaves every other part of the layout exactly as it was, and does not touch the input', () => {
      const before = layoutMetadata([
        { label: 'Calendar Details', columns: [['Subject', 'WhoId'], ['StartDateTime']] },
        { label: 'Other', style: 'OneColumn', columns: [['Description']] },
      ]);
      const snapshot = structuredClone(before);
      const plan = planLayoutFields(before);

      expect(before).to.deep.equal(snapshot);
      // Remove the added items: what remains must be identical to the original, key for key.
      const stripped = structuredClone(plan.metadata);
      const column = stripped.layoutSections?.[0].layoutColumns?.[0];
      if (column) column.layoutItems = (column.layoutItems ?? []).filter((i) => !PACKAGE_EVENT_FIELDS.some((f) => f === i.field));
      expect(stripped).to.deep.equal(snapshot);
    });

    it('adds only what is missing and reports what was there', () => {
      const plan = planLayoutFields(layoutMetadata([{ label: 'A', columns: [['Subject'], [STATUS]] }]));
      expect(plan.added).to.deep.equal([REASON]);
      expect(plan.alreadyPresent).to.deep.equal([STATUS]);
      expect(items(plan.metadata, 0, 0).map((i) => i.field)).to.deep.equal(['Subject', REASON]);
      expect(items(plan.metadata, 0, 1).map((i) => i.field)).to.deep.equal([STATUS]);
    });

    it('returns the very same metadata when nothing is missing (nothing to write)', () => {
      const done = layoutMetadata([{ label: 'A', columns: [['Subject', STATUS, REASON]] }]);
      const plan = planLayoutFields(done);
      expect(plan.added).to.deep.equal([]);
      expect(plan.alreadyPresent).to.deep.equal([STATUS, REASON]);
      expect(plan.metadata).to.equal(done);
    });

    it('passes over a Custom Links section, which cannot hold fields', () => {
      const plan = planLayoutFields(
        layoutMetadata([
          { label: 'Links', style: 'CustomLinks', columns: [[]] },
          { label: 'Meeting', columns: [['Subject']] },
        ])
      );
      expect(items(plan.metadata, 0, 0)).to.deep.equal([]);
      expect(items(plan.metadata, 1, 0).map((i) => i.field)).to.deep.equal(['Subject', STATUS, REASON]);
    });

    it('creates a column, or a section, when the layout has none', () => {
      const noColumns = planLayoutFields({ layoutSections: [{ label: 'Empty', style: 'OneColumn', layoutColumns: null }] });
      expect(items(noColumns.metadata, 0, 0).map((i) => i.field)).to.deep.equal([STATUS, REASON]);
      const noSections = planLayoutFields({ relatedLists: [] });
      expect(noSections.metadata.layoutSections).to.have.length(1);
      expect(items(noSections.metadata, 0, 0).map((i) => i.field)).to.deep.equal([STATUS, REASON]);
      expect(noSections.metadata.relatedLists).to.deep.equal([]);
    });
  });

  describe('selectLayouts', () => {
    const layouts = [
      { id: '1', name: 'Event Layout', profiles: [] },
      { id: '2', name: 'Sales Event Layout', profiles: [] },
    ];

    it('selects every layout without names', () => {
      expect(selectLayouts(layouts, undefined)).to.deep.equal({ selected: layouts, unknown: [] });
    });

    it('matches names case-insensitively and accepts the metadata full name (Event-…)', () => {
      expect(selectLayouts(layouts, ['event-sales event layout']).selected.map((l) => l.id)).to.deep.equal(['2']);
      expect(selectLayouts(layouts, ['Event Layout']).selected.map((l) => l.id)).to.deep.equal(['1']);
    });

    it('reports names that match no layout in use', () => {
      expect(selectLayouts(layouts, ['Event Layout', 'Nope']).unknown).to.deep.equal(['Nope']);
    });
  });

  describe('against an org', () => {
    const $$ = new TestContext();
    let fake: FakeInstallationOrg;
    let conn: Connection;
    const layouts = [
      { id: '00h5g000000EvtAAA', name: 'Event Layout', profiles: [] },
      { id: '00h5g000000SlsAAA', name: 'Sales Event Layout', profiles: [] },
    ];

    beforeEach(async () => {
      fake = installationOrg();
      $$.fakeConnectionRequest = (request) => fake.handle(request) as never;
      stubSoap($$.SANDBOX, (call) => fake.soap(call));
      const login = sfLogin('admin@acme.example');
      await $$.stubAuths(login);
      conn = await login.getConnection();
    });

    it('reads the layouts in use (Tooling query) and the package fields from the Event describe, never FieldDefinition', async () => {
      const facts = await readLayoutFacts(conn);
      expect(fake.requests.map((r) => `${r.method} ${r.url.replace(/\?.*$/, '')}`).sort()).to.deep.equal([
        'GET /services/data/v42.0/sobjects/Event/describe',
        'GET /services/data/v42.0/tooling/query',
      ]);
      expect(fake.soql).to.deep.equal([EVENT_LAYOUT_ASSIGNMENTS_QUERY]);
      expect(facts.layouts.map((l) => l.name)).to.deep.equal(['Event Layout', 'Sales Event Layout']);
      expect(facts.fieldsInOrg).to.deep.equal([STATUS, REASON]);
    });

    it('reads layouts through readMetadata by full name Event-<name>, in one call for up to 10', async () => {
      const reads = await readLayouts(conn, layouts);
      expect(fake.soapCalls.map((c) => [c.operation, c.fullNames])).to.deep.equal([
        ['readMetadata', ['Event-Event Layout', 'Event-Sales Event Layout']],
      ]);
      expect(fake.soapCalls[0].url).to.match(/\/services\/Soap\/m\/42\.0$/);
      const first = reads[0] as { metadata: LayoutMetadata };
      expect(first.metadata.fullName).to.equal('Event-Event Layout');
      expect(asXml({ ...first.metadata, fullName: undefined })).to.equal(asXml(fake.layout('Event Layout').Metadata));
    });

    it('batches 23 layouts into reads of 10, 10 and 3', async () => {
      fake.data.layouts = Array.from({ length: 23 }, (_, i) => ({ Id: `00h5g0000000${String(i).padStart(2, '0')}AAA`, Name: `L${i}`, profiles: ['P'], Metadata: layoutMetadata([{ label: 'A', columns: [['Subject']] }]) }));
      const reads = await readLayouts(conn, fake.data.layouts.map((l) => ({ id: l.Id, name: l.Name, profiles: [] })));
      expect(fake.soapCalls.map((c) => c.fullNames.length)).to.deep.equal([10, 10, 3]);
      expect(reads.every((r) => 'metadata' in r)).to.equal(true);
    });

    it('reports a layout answered without content, and every layout of a call that failed, as unreadable', async () => {
      fake.contentlessLayouts.add('00h5g000000SlsAAA');
      const reads = await readLayouts(conn, layouts);
      expect('metadata' in reads[0]).to.equal(true);
      expect(reads[1]).to.deep.equal({
        error: { errorCode: 'NO_CONTENT', message: 'The Metadata API returned no content for the layout "Event-Sales Event Layout", so it cannot be changed safely' },
      });

      fake.soapFault = faultAnswer('INSUFFICIENT_ACCESS', 'use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions');
      const refused = await readLayouts(conn, layouts);
      expect(refused).to.deep.equal(
        layouts.map(() => ({
          error: { errorCode: 'INSUFFICIENT_ACCESS', message: 'use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions' },
        }))
      );
    });

    it('throws an expired session (an org-level failure) instead of reporting layouts', async () => {
      fake.soapFault = faultAnswer('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
      const err = await readLayouts(conn, layouts).then(
        () => undefined,
        (e: unknown) => e
      );
      // jsforce tries to refresh the session on the INVALID_SESSION_ID fault; the refresh fails here too.
      expect(isOrgLevelError(err)).to.equal(true);
      expect(fake.soapCalls).to.have.length(1);
    });

    it('writes changed layouts through updateMetadata, exactly as read plus the new items, and reports the refused ones', async () => {
      fake.readonlyLayouts.add('00h5g000000SlsAAA');
      const [read] = (await readLayouts(conn, layouts.slice(0, 1))) as Array<{ metadata: LayoutMetadata }>;
      const original = asXml(fake.layout('Event Layout').Metadata);
      const plan = planLayoutFields(read.metadata);
      const failures = await writeLayouts(conn, [
        { layout: layouts[0], metadata: plan.metadata },
        { layout: layouts[1], metadata: { layoutSections: [] } },
      ]);
      const update = fake.soapCalls.filter((c) => c.operation === 'updateMetadata');
      expect(update).to.have.length(1);
      expect(update[0].components.map((c) => [c['@_type'], c.fullName])).to.deep.equal([
        ['Layout', 'Event-Event Layout'],
        ['Layout', 'Event-Sales Event Layout'],
      ]);
      // Semantically the same layout (XML carries "true", "2"), the two new items aside.
      const written = structuredClone(fake.layout('Event Layout').Metadata) as LayoutMetadata;
      const sections = written.layoutSections as unknown as Array<{ layoutColumns: Array<{ layoutItems: Array<Record<string, unknown>> }> }>;
      expect(sections[0].layoutColumns[0].layoutItems.slice(-2).map(asXml)).to.deep.equal([
        asXml({ behavior: 'Edit', field: STATUS }),
        asXml({ behavior: 'Edit', field: REASON }),
      ]);
      sections[0].layoutColumns[0].layoutItems.splice(-2);
      expect(asXml(written)).to.equal(original);
      expect(asXml(written)).to.include('<detailHeading>true</detailHeading>');
      expect([...failures]).to.deep.equal([
        ['00h5g000000SlsAAA', { errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' }],
      ]);
    });

    it('writes 12 changed layouts in two calls (10 + 2)', async () => {
      const many = Array.from({ length: 12 }, (_, i) => ({ layout: { id: `id${i}`, name: `L${i}`, profiles: [] }, metadata: { layoutSections: [] } }));
      await writeLayouts(conn, many);
      expect(fake.soapCalls.map((c) => c.components.length)).to.deep.equal([10, 2]);
    });

    it('sends nothing when there is nothing to read or write', async () => {
      expect(await readLayouts(conn, [])).to.deep.equal([]);
      expect((await writeLayouts(conn, [])).size).to.equal(0);
      expect(fake.requests).to.have.length(0);
    });
  });
});
