/**
 * One stored layout, two views: the Tooling JSON of `Layout.Metadata` (every property present, unset ones null, lists
 * as arrays) and the Metadata API XML element (unset properties left out, every scalar as text: "true", "2").
 * The shape below says which properties are lists, booleans, numbers or nested types, so XML read back becomes the
 * same JSON again (property names and types from the Metadata API Developer Guide's Layout type, as jsforce's
 * `api/metadata/schema` carries them).
 */

type Scalar = 'string' | 'boolean' | 'number' | 'any';
type Shape = { [key: string]: Scalar | Shape | [Scalar | Shape] };

const RELATED_LIST_ITEM: Shape = {
  customButtons: ['string'],
  excludeButtons: ['string'],
  fields: ['string'],
  relatedList: 'string',
  sortField: 'string',
  sortOrder: 'string',
};

const LAYOUT_ITEM: Shape = {
  analyticsCloudComponent: 'any',
  behavior: 'string',
  canvas: 'string',
  component: 'string',
  customLink: 'string',
  emptySpace: 'boolean',
  field: 'string',
  height: 'number',
  page: 'string',
  reportChartComponent: 'any',
  scontrol: 'string',
  showLabel: 'boolean',
  showScrollbars: 'boolean',
  width: 'string',
};

const LAYOUT_SECTION: Shape = {
  customLabel: 'boolean',
  detailHeading: 'boolean',
  editHeading: 'boolean',
  label: 'string',
  layoutColumns: [{ layoutItems: [LAYOUT_ITEM], reserved: 'string' }],
  style: 'string',
};

export const LAYOUT_SHAPE: Shape = {
  customButtons: ['string'],
  customConsoleComponents: 'any',
  emailDefault: 'boolean',
  excludeButtons: ['string'],
  feedLayout: 'any',
  headers: ['string'],
  layoutSections: [LAYOUT_SECTION],
  miniLayout: { fields: ['string'], relatedLists: [RELATED_LIST_ITEM] },
  multilineLayoutFields: ['string'],
  platformActionList: {
    actionListContext: 'string',
    platformActionListItems: [{ actionName: 'string', actionType: 'string', sortOrder: 'number', subtype: 'string' }],
    relatedSourceEntity: 'string',
  },
  quickActionList: { quickActionListItems: [{ quickActionName: 'string' }] },
  relatedContent: 'any',
  relatedLists: [RELATED_LIST_ITEM],
  relatedObjects: ['string'],
  runAssignmentRulesDefault: 'boolean',
  showEmailCheckbox: 'boolean',
  showHighlightsPanel: 'boolean',
  showInteractionLogPanel: 'boolean',
  showKnowledgeComponent: 'boolean',
  showRunAssignmentRulesCheckbox: 'boolean',
  showSolutionSection: 'boolean',
  showSubmitAndAttachButton: 'boolean',
  summaryLayout: {
    masterLabel: 'string',
    sizeX: 'number',
    sizeY: 'number',
    sizeZ: 'number',
    summaryLayoutItems: [{ customLink: 'string', field: 'string', posX: 'number', posY: 'number', posZ: 'number' }],
    summaryLayoutStyle: 'string',
  },
  urls: 'string',
};

type Parsed = unknown;

/** `<x xsi:nil="true"/>` as fast-xml-parser hands it over (namespace prefixes removed). */
const isNil = (value: Parsed): boolean =>
  value === undefined || (typeof value === 'object' && value !== null && (value as Record<string, unknown>)['@_nil'] === 'true');

const withoutAttributes = (value: Parsed): Parsed => {
  if (Array.isArray(value)) return value.map(withoutAttributes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('@_')).map(([k, v]) => [k, withoutAttributes(v)]));
};

function fromXmlValue(value: Parsed, shape: Scalar | Shape | [Scalar | Shape]): unknown {
  if (Array.isArray(shape)) {
    if (isNil(value)) return [];
    return (Array.isArray(value) ? value : [value]).map((v) => fromXmlValue(v, shape[0]));
  }
  if (isNil(value)) return null;
  const text = typeof value === 'string' ? value : '';
  switch (shape) {
    case 'string':
      return text;
    case 'boolean':
      return text === 'true';
    case 'number':
      return Number(text);
    case 'any':
      return withoutAttributes(value);
    default:
      return fromXmlObject(value, shape);
  }
}

function fromXmlObject(value: Parsed, shape: Shape): Record<string, unknown> {
  const element = typeof value === 'object' && value !== null ? (value as Record<string, Parsed>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(shape)) out[key] = fromXmlValue(element[key], inner);
  // Elements the shape does not know are kept as sent, so nothing a client sends is silently lost.
  for (const [key, v] of Object.entries(element)) if (!(key in shape) && !key.startsWith('@_')) out[key] = withoutAttributes(v);
  return out;
}

/** A parsed `<records>`/`<metadata>` Layout element → the Tooling JSON stored in `Layout.Metadata` (no fullName). */
export function layoutFromXml(element: Parsed): Record<string, unknown> {
  const layout = fromXmlObject(element, LAYOUT_SHAPE);
  delete layout.fullName;
  return layout;
}

/** Tooling JSON → the element content fast-xml-parser's builder writes: no nulls, no empty lists, scalars as text. */
export function toXmlValue(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(toXmlValue).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const converted = toXmlValue(v);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
