/**
 * Layout `Metadata` as the Tooling API returns it: the Metadata API Layout shape in JSON,
 * including the null-valued keys real responses carry.
 */
import type { OrgModel } from './model/org.js';

export interface LayoutItem {
  field: string | null;
  behavior: 'Edit' | 'Required' | 'Readonly' | null;
  [key: string]: unknown;
}

export interface LayoutColumn {
  layoutItems: LayoutItem[];
  reserved: null;
}

export interface LayoutSection {
  label: string;
  style: 'TwoColumnsTopToBottom' | 'TwoColumnsLeftToRight' | 'OneColumn' | 'CustomLinks';
  customLabel: boolean;
  detailHeading: boolean;
  editHeading: boolean;
  layoutColumns: LayoutColumn[];
}

export interface LayoutMetadata {
  layoutSections: LayoutSection[];
  [key: string]: unknown;
}

export function layoutItem(field: string, behavior: LayoutItem['behavior'] = 'Edit'): LayoutItem {
  return {
    analyticsCloudComponent: null,
    behavior,
    canvas: null,
    component: null,
    customLink: null,
    emptySpace: null,
    field,
    height: null,
    page: null,
    reportChartComponent: null,
    scontrol: null,
    showLabel: null,
    showScrollbars: null,
    width: null,
  };
}

function section(label: string, columns: Array<Array<[string, LayoutItem['behavior']]>>, style: LayoutSection['style'] = 'TwoColumnsTopToBottom'): LayoutSection {
  return {
    customLabel: false,
    detailHeading: label !== 'Description Information',
    editHeading: true,
    label,
    layoutColumns: columns.map((items) => ({ layoutItems: items.map(([f, b]) => layoutItem(f, b)), reserved: null })),
    style,
  };
}

function wrap(sections: LayoutSection[], relatedLists: string[] = []): LayoutMetadata {
  return {
    customButtons: [],
    customConsoleComponents: null,
    emailDefault: null,
    excludeButtons: [],
    feedLayout: null,
    headers: [],
    layoutSections: sections,
    miniLayout: null,
    multilineLayoutFields: [],
    platformActionList: null,
    quickActionList: null,
    relatedContent: null,
    relatedLists: relatedLists.map((name) => ({ customButtons: [], excludeButtons: [], fields: [], relatedList: name, sortField: null, sortOrder: null })),
    relatedObjects: [],
    runAssignmentRulesDefault: null,
    showEmailCheckbox: null,
    showHighlightsPanel: null,
    showInteractionLogPanel: null,
    showKnowledgeComponent: null,
    showRunAssignmentRulesCheckbox: null,
    showSolutionSection: null,
    showSubmitAndAttachButton: null,
    summaryLayout: null,
    urls: null,
  };
}

/**
 * The Lightning action bar of a record page. Real orgs give most standard layouts one once the actions were edited in
 * Lightning; its presence is what makes Tooling PATCH of the layout fail (see `refusedByToolingPatch`).
 */
export function platformActionList(actions: Array<[name: string, type: string]>): Record<string, unknown> {
  return {
    actionListContext: 'Record',
    platformActionListItems: actions.map(([actionName, actionType], sortOrder) => ({ actionName, actionType, sortOrder, subtype: null })),
    relatedSourceEntity: null,
  };
}

/** Salesforce's standard "Event Layout", with Lightning actions (a `platformActionList`), as most real orgs have it. */
export function eventLayout(): LayoutMetadata {
  const layout = wrap([
    section('Calendar Details', [
      [
        ['OwnerId', 'Required'],
        ['Subject', 'Required'],
        ['WhoId', 'Edit'],
        ['WhatId', 'Edit'],
        ['Location', 'Edit'],
      ],
      [
        ['IsAllDayEvent', 'Edit'],
        ['StartDateTime', 'Required'],
        ['EndDateTime', 'Required'],
        ['ShowAs', 'Edit'],
      ],
    ]),
    section('Other Information', [[['IsPrivate', 'Edit']], [['Type', 'Edit']]]),
    section('Description Information', [[['Description', 'Edit']]], 'OneColumn'),
    section('System Information', [[['CreatedById', 'Readonly']], [['LastModifiedById', 'Readonly']]]),
  ]);
  layout.platformActionList = platformActionList([
    ['Edit', 'StandardButton'],
    ['Delete', 'StandardButton'],
    ['FeedItem.TextPost', 'QuickAction'],
  ]);
  return layout;
}

/** A second, custom Event layout (assigned to the Standard User profile in some scenarios). */
export function salesEventLayout(): LayoutMetadata {
  return wrap([
    section('Meeting', [
      [
        ['Subject', 'Required'],
        ['WhoId', 'Edit'],
        ['WhatId', 'Edit'],
      ],
      [
        ['StartDateTime', 'Required'],
        ['EndDateTime', 'Required'],
        ['OwnerId', 'Required'],
      ],
    ]),
    section('Notes', [[['Description', 'Edit']]], 'OneColumn'),
  ]);
}

export function simpleLayout(fields: string[], relatedLists: string[] = []): LayoutMetadata {
  const half = Math.ceil(fields.length / 2);
  const col = (fs: string[]): Array<[string, LayoutItem['behavior']]> => fs.map((f) => [f, 'Edit']);
  return wrap(
    [
      section('Information', [col(fields.slice(0, half)), col(fields.slice(half))]),
      section('System Information', [[['CreatedById', 'Readonly']], [['LastModifiedById', 'Readonly']]]),
    ],
    relatedLists
  );
}

/** Every field named anywhere in a layout's sections. */
export function layoutFields(metadata: LayoutMetadata): string[] {
  return metadata.layoutSections.flatMap((s) => s.layoutColumns.flatMap((c) => c.layoutItems.map((i) => i.field).filter((f): f is string => !!f)));
}

/** A copy of the layout as the org stores it, by its Setup name (an Event layout unless `objectName` says otherwise). */
export function storedLayout(org: Pick<OrgModel, 'where'>, name: string, objectName = 'Event'): LayoutMetadata {
  const [layout] = org.where('Layout', (l) => l.TableEnumOrId === objectName && l.Name === name);
  if (!layout) throw new Error(`no ${objectName} layout named ${name}`);
  return structuredClone(layout.Metadata) as LayoutMetadata;
}

/** Characters the Metadata API percent-encodes (as UTF-8 bytes) in the name part of a layout's full name. */
const FULL_NAME_ESCAPED = '^°!"§$%&/()=?´`+@#\'<>[]\\,;.:';

/**
 * A layout's Metadata API full name as Salesforce spells it: `<object>-<namespace>__<name>`, the name percent-encoded
 * for the characters above and `__` (`%5F%5F`); spaces, `-`, `*`, a single `_` and letters stay. Evidence: Salesforce's
 * standard `Account-Account %28Marketing%29 Layout`, forcedotcom/cli#2869, certinia/apex-mdapi#307 (namespace).
 */
export function metadataLayoutFullName(objectName: string, name: string, namespacePrefix?: string | null): string {
  const encoded = name
    .replace(/[^]/gu, (c) => (FULL_NAME_ESCAPED.includes(c) ? [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase()}`).join('') : c))
    .replace(/__/g, '%5F%5F');
  return `${objectName}-${namespacePrefix ? `${namespacePrefix}__` : ''}${encoded}`;
}
