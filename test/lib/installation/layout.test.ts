import type { Connection } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { sendComposite } from '../../../src/lib/org/requests.js';
import {
  EVENT_LAYOUT_ASSIGNMENTS_QUERY,
  eventLayoutsInUse,
  type LayoutItem,
  type LayoutMetadata,
  layoutFactsRequests,
  missingFields,
  PACKAGE_EVENT_FIELDS,
  PACKAGE_EVENT_FIELDS_QUERY,
  parseLayoutFacts,
  planLayoutFields,
  readLayoutMetadata,
  selectLayouts,
  writeLayouts,
} from '../../../src/lib/installation/layout.js';
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
    expect(PACKAGE_EVENT_FIELDS_QUERY).to.equal(
      "SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinitionId = 'Event' AND NamespacePrefix = 'ScheduleOnce'"
    );
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

    beforeEach(async () => {
      fake = installationOrg();
      $$.fakeConnectionRequest = (request) => fake.handle(request) as never;
      const login = sfLogin('admin@acme.example');
      await $$.stubAuths(login);
      conn = await login.getConnection();
    });

    it('reads the layouts in use and the package fields in one Tooling Composite', async () => {
      const facts = await parseLayoutFacts(conn, await sendComposite(conn, layoutFactsRequests(conn), { tooling: true }));
      expect(fake.requests).to.have.length(1);
      expect(fake.requests[0].url).to.match(/\/tooling\/composite$/);
      expect(fake.soql).to.deep.equal([EVENT_LAYOUT_ASSIGNMENTS_QUERY, PACKAGE_EVENT_FIELDS_QUERY]);
      expect(facts.layouts.map((l) => l.name)).to.deep.equal(['Event Layout', 'Sales Event Layout']);
      expect(facts.fieldsInOrg).to.deep.equal([STATUS, REASON]);
    });

    it('reads every layout by id in one Tooling Composite', async () => {
      const layouts = [
        { id: '00h5g000000EvtAAA', name: 'Event Layout', profiles: [] },
        { id: '00h5g000000SlsAAA', name: 'Sales Event Layout', profiles: [] },
      ];
      const metadata = await readLayoutMetadata(conn, layouts);
      expect(fake.requests).to.have.length(1);
      const body = JSON.parse(fake.requests[0].body ?? '{}') as { compositeRequest: Array<{ method: string; url: string }> };
      expect(body.compositeRequest.map((s) => `${s.method} ${s.url}`)).to.deep.equal([
        'GET /services/data/v42.0/tooling/sobjects/Layout/00h5g000000EvtAAA',
        'GET /services/data/v42.0/tooling/sobjects/Layout/00h5g000000SlsAAA',
      ]);
      expect(metadata[1]).to.deep.equal(fake.layout('Sales Event Layout').Metadata);
    });

    it('writes changed layouts in one Tooling Composite of PATCHes and reports the refused ones', async () => {
      fake.readonlyLayouts.add('00h5g000000SlsAAA');
      const failures = await writeLayouts(conn, [
        { id: '00h5g000000EvtAAA', metadata: { layoutSections: [] } },
        { id: '00h5g000000SlsAAA', metadata: { layoutSections: [] } },
      ]);
      expect(fake.requests).to.have.length(1);
      const body = JSON.parse(fake.requests[0].body ?? '{}') as { allOrNone: boolean; compositeRequest: Array<{ method: string; url: string; body: unknown }> };
      expect(body.allOrNone).to.equal(false);
      expect(body.compositeRequest.map((s) => s.method)).to.deep.equal(['PATCH', 'PATCH']);
      expect(body.compositeRequest[0].body).to.deep.equal({ Metadata: { layoutSections: [] } });
      expect(fake.layout('Event Layout').Metadata).to.deep.equal({ layoutSections: [] });
      expect([...failures]).to.deep.equal([
        ['00h5g000000SlsAAA', { errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id' }],
      ]);
    });

    it('sends nothing when there is nothing to read or write', async () => {
      expect(await readLayoutMetadata(conn, [])).to.deep.equal([]);
      expect((await writeLayouts(conn, [])).size).to.equal(0);
      expect(fake.requests).to.have.length(0);
    });
  });
});
