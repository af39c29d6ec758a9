import { expect } from 'chai';
import {
  EVENT_LAYOUT_ASSIGNMENTS_QUERY,
  eventLayoutsInUse,
  type LayoutItem,
  type LayoutMetadata,
  listedNames,
  missingFields,
  PACKAGE_EVENT_FIELDS,
  packageFieldsIn,
  planLayoutFields,
  selectLayouts,
} from '../../../src/lib/installation/layout.js';
import { layoutItem } from '../../../emulator/index.js';

const STATUS = 'ScheduleOnce__Event_status__c';
const REASON = 'ScheduleOnce__Cancel_reschedule_reason__c';

const items = (metadata: LayoutMetadata, section: number, column: number): LayoutItem[] =>
  metadata.layoutSections?.[section].layoutColumns?.[column].layoutItems ?? [];

/** A layout's Metadata in the Tooling shape (unset properties null), with these sections of columns of fields. */
const layoutMetadata = (sections: Array<{ label: string; style?: string; columns: string[][] }>): LayoutMetadata => ({
  customButtons: [],
  excludeButtons: ['Submit'],
  headers: [],
  layoutSections: sections.map((s) => ({
    customLabel: false,
    detailHeading: true,
    editHeading: true,
    label: s.label,
    layoutColumns: s.columns.map((fields) => ({ layoutItems: fields.map((f) => layoutItem(f, f === 'Subject' ? 'Required' : 'Edit')), reserved: null })),
    style: s.style ?? 'TwoColumnsTopToBottom',
  })),
  platformActionList: null,
  relatedLists: [{ fields: ['NAME'], relatedList: 'RelatedAttendeeList', sortField: null }],
  summaryLayout: null,
});

describe('installation/layout', () => {
  it('names the package fields and reads the layouts in use for Event from ProfileLayout', () => {
    expect(PACKAGE_EVENT_FIELDS).to.deep.equal([STATUS, REASON]);
    expect(EVENT_LAYOUT_ASSIGNMENTS_QUERY).to.equal(
      "SELECT Id, LayoutId, Layout.Name, Layout.NamespacePrefix, ProfileId, Profile.Name, RecordTypeId FROM ProfileLayout WHERE TableEnumOrId = 'Event'"
    );
  });

  it('finds the package fields in the Event describe, case-insensitively', () => {
    expect(packageFieldsIn({ fields: [{ name: 'Subject' }, { name: 'scheduleonce__event_status__c' }] })).to.deep.equal([STATUS]);
    expect(packageFieldsIn({ fields: [{ name: STATUS }, { name: REASON }] })).to.deep.equal([STATUS, REASON]);
    expect(packageFieldsIn({})).to.deep.equal([]);
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
        { id: '00h1', name: 'Event Layout', profiles: ['System Administrator', 'Standard User'], namespacePrefix: null, fullName: 'Event-Event Layout' },
        { id: '00h2', name: 'Sales Event Layout', profiles: ['Sales Rep'], namespacePrefix: null, fullName: 'Event-Sales Event Layout' },
      ]);
    });

    it('builds each full name as the Metadata API spells it: encoded name, managed namespace in front', () => {
      const layouts = eventLayoutsInUse([
        { LayoutId: '00h1', Layout: { Name: 'Event Layout (Sales & Service)', NamespacePrefix: null }, Profile: { Name: 'A' } },
        { LayoutId: '00h2', Layout: { Name: 'OnceHub Event Layout', NamespacePrefix: 'ScheduleOnce' }, Profile: { Name: 'B' } },
      ]);
      expect(layouts.map((l) => [l.name, l.fullName])).to.deep.equal([
        ['Event Layout (Sales & Service)', 'Event-Event Layout %28Sales %26 Service%29'],
        ['OnceHub Event Layout', 'Event-ScheduleOnce__OnceHub Event Layout'],
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

    it('writes the section it creates in the WSDL order of LayoutSection', () => {
      const { metadata } = planLayoutFields({ relatedLists: [] });
      expect(Object.keys(metadata.layoutSections?.[0] ?? {})).to.deep.equal(['customLabel', 'detailHeading', 'editHeading', 'label', 'layoutColumns', 'style']);
      expect(Object.keys(items(metadata, 0, 0)[0])).to.deep.equal(['behavior', 'field']);
    });
  });

  describe('listedNames', () => {
    it('tries a listed name as is, and with the namespace on the layout part when the listing left it out', () => {
      expect(listedNames({ fullName: 'Event-Sales Event Layout', id: '00h1' })).to.deep.equal(['Event-Sales Event Layout']);
      expect(listedNames({ fullName: 'Event-ns__Layout', id: '00h1', namespacePrefix: 'ns' })).to.deep.equal(['Event-ns__Layout']);
      // Gearset, "Retrieving and deploying namespaced layouts": listed `foo__BarBaz__c-Bar Baz Layout`, read as `…-foo__Bar Baz Layout`.
      expect(listedNames({ fullName: 'foo__BarBaz__c-Bar Baz Layout', id: '00h1', namespacePrefix: 'foo' })).to.deep.equal([
        'foo__BarBaz__c-Bar Baz Layout',
        'foo__BarBaz__c-foo__Bar Baz Layout',
      ]);
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

    it('accepts the Setup name, the encoded full name and the namespaced full name of a managed layout', () => {
      const special = [
        { id: '3', name: 'Event Layout (Sales & Service)', profiles: [], fullName: 'Event-Event Layout %28Sales %26 Service%29' },
        { id: '4', name: 'OnceHub Event Layout', profiles: [], namespacePrefix: 'ScheduleOnce', fullName: 'Event-ScheduleOnce__OnceHub Event Layout' },
      ];
      const pick = (typed: string): string[] => selectLayouts(special, [typed]).selected.map((l) => l.id);
      expect(pick('Event Layout (Sales & Service)')).to.deep.equal(['3']);
      expect(pick('event-event layout %28sales %26 service%29')).to.deep.equal(['3']);
      expect(pick('OnceHub Event Layout')).to.deep.equal(['4']);
      expect(pick('Event-ScheduleOnce__OnceHub Event Layout')).to.deep.equal(['4']);
      expect(pick('ScheduleOnce__OnceHub Event Layout')).to.deep.equal(['4']);
      expect(selectLayouts(special, ['Event Layout %28Sales']).unknown).to.deep.equal(['Event Layout %28Sales']);
    });

    it('reports names that match no layout in use', () => {
      expect(selectLayouts(layouts, ['Event Layout', 'Nope']).unknown).to.deep.equal(['Nope']);
    });
  });
});
