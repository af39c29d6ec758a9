import type { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { layoutFields, scenarios, type LayoutMetadata, storedLayout, type OrgModel } from '../../emulator/index.js';
import { ADMIN, API_VERSION, connect, raw, rejection, useEmulator, type Rec } from './helpers.js';

const STATUS = 'ScheduleOnce__Event_status__c';
const REASON = 'ScheduleOnce__Cancel_reschedule_reason__c';

type MetadataLayout = Record<string, unknown> & {
  fullName?: string;
  layoutSections: Array<{ label?: string; layoutColumns: Array<{ layoutItems: Array<Record<string, unknown>> }> }>;
  platformActionList?: { actionListContext: string; platformActionListItems: Array<Record<string, unknown>> } | null;
};
type SaveResult = { fullName: string; success: boolean; errors: Array<{ statusCode: string; message: string }> };

const read = (conn: Connection, names: string[]): Promise<MetadataLayout[]> =>
  conn.metadata.read('Layout', names) as unknown as Promise<MetadataLayout[]>;
const update = (conn: Connection, layouts: MetadataLayout[]): Promise<SaveResult[]> =>
  conn.metadata.update('Layout', layouts as never);

const stored = (emu: { org: OrgModel }, name: string): LayoutMetadata => storedLayout(emu.org, name);

describe('emulator: SOAP Metadata API (Layout)', () => {
  const ctx = useEmulator(() => ({
    org: scenarios
      .base()
      .withPackage()
      .withTwoEventLayouts()
      .apiUserWithoutModifyAllData('sam.sales@acme.example')
      .withUser({ username: 'std.user@acme.example', profile: 'Standard User' })
      .build(),
  }));

  it('reads one layout as XML that jsforce turns into one object, with its platformActionList', async () => {
    const layout = (await ctx.conn.metadata.read('Layout', 'Event-Event Layout')) as unknown as MetadataLayout;
    expect(layout.fullName).to.equal('Event-Event Layout');
    expect(layout.layoutSections[0].label).to.equal('Calendar Details');
    expect(layout.layoutSections[0].layoutColumns[0].layoutItems[0]).to.deep.equal({ behavior: 'Required', field: 'OwnerId' });
    expect(layout.platformActionList?.actionListContext).to.equal('Record');
    expect(layout.platformActionList?.platformActionListItems.map((i) => i.actionName)).to.deep.equal(['Edit', 'Delete', 'FeedItem.TextPost']);
    const entry = ctx.emu.log.entries.at(-1);
    expect(entry).to.deep.include({ method: 'POST', path: `/services/Soap/m/${API_VERSION}`, api: 'metadata', kind: 'read', status: 200, user: ADMIN });
  });

  it('writes scalars as text and leaves unset properties out; one stored layout behind both views', async () => {
    const res = await raw(ctx.emu, `/services/Soap/m/${API_VERSION}`, {
      method: 'POST',
      token: null,
      headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
      body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${ctx.emu.tokenFor(ADMIN)}</sessionId></SessionHeader></soapenv:Header><soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><readMetadata><type>Layout</type><fullNames>Event-Event Layout</fullNames></readMetadata></soapenv:Body></soapenv:Envelope>`,
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/xml/);
    expect(res.text).to.include('<records xsi:type="Layout"><fullName>Event-Event Layout</fullName>');
    expect(res.text).to.include('<customLabel>false</customLabel><detailHeading>true</detailHeading>');
    expect(res.text).to.include('<sortOrder>2</sortOrder>');
    expect(res.text).not.to.include('<feedLayout');
    const xml = new XMLParser({ removeNSPrefix: true, parseTagValue: false }).parse(res.text) as Rec;
    expect(JSON.stringify(xml)).to.include('"actionListContext":"Record"');

    const tooling = await ctx.conn.tooling.query<Rec>("SELECT Metadata FROM Layout WHERE Name = 'Event Layout'");
    const json = tooling.records[0].Metadata as LayoutMetadata & { platformActionList: { platformActionListItems: Rec[] } };
    expect(json.platformActionList.platformActionListItems[2]).to.deep.equal({ actionName: 'FeedItem.TextPost', actionType: 'QuickAction', sortOrder: 2, subtype: null });
    expect(json.layoutSections[0].customLabel).to.equal(false);
  });

  it('round trip: read → update with two fields added → read; the Tooling view changes alike, the rest stays', async () => {
    const before = structuredClone(stored(ctx.emu, 'Sales Event Layout'));
    const [layout] = await read(ctx.conn, ['Event-Sales Event Layout']);
    layout.layoutSections[0].layoutColumns[0].layoutItems.push({ behavior: 'Edit', field: STATUS }, { behavior: 'Edit', field: REASON });
    ctx.emu.log.clear();

    const results = await update(ctx.conn, [layout]);

    expect(results).to.deep.equal([{ fullName: 'Event-Sales Event Layout', success: true, errors: [] }]);
    expect(ctx.emu.log.writes().map((e) => `${e.method} ${e.path} ${e.api}`)).to.deep.equal([`POST /services/Soap/m/${API_VERSION} metadata`]);
    const [again] = await read(ctx.conn, ['Event-Sales Event Layout']);
    expect(again).to.deep.equal(layout);
    const after = stored(ctx.emu, 'Sales Event Layout');
    expect(layoutFields(after)).to.include.members([STATUS, REASON]);
    after.layoutSections[0].layoutColumns[0].layoutItems.splice(-2);
    expect(after).to.deep.equal(before);
  });

  it('keeps the platformActionList through an update', async () => {
    const before = structuredClone(stored(ctx.emu, 'Event Layout'));
    const [layout] = await read(ctx.conn, ['Event-Event Layout']);
    expect(await update(ctx.conn, [layout])).to.have.nested.property('[0].success', true);
    expect(stored(ctx.emu, 'Event Layout')).to.deep.equal(before);
  });

  it('answers a name that does not exist with a record without content, in order, and jsforce keeps the array', async () => {
    const layouts = await read(ctx.conn, ['Event-Nope', 'Event-Event Layout']);
    expect(layouts).to.have.length(2);
    expect(layouts[0].fullName).to.equal(undefined);
    expect(layouts[1].fullName).to.equal('Event-Event Layout');
  });

  it('reports a refused component as success=false and leaves it unchanged', async () => {
    const before = structuredClone(stored(ctx.emu, 'Event Layout'));
    const [layout] = await read(ctx.conn, ['Event-Event Layout']);
    layout.layoutSections[0].layoutColumns[0].layoutItems.push({ behavior: 'Edit', field: 'No_Such__c' });
    const results = await update(ctx.conn, [layout, { fullName: 'Event-Nope', layoutSections: [] }]);
    expect(results.map((r) => [r.fullName, r.success, r.errors[0]?.statusCode])).to.deep.equal([
      ['Event-Event Layout', false, 'FIELD_INTEGRITY_EXCEPTION'],
      ['Event-Nope', false, 'INVALID_CROSS_REFERENCE_KEY'],
    ]);
    expect(stored(ctx.emu, 'Event Layout')).to.deep.equal(before);
  });

  it('refuses more than 10 components per call with a SOAP fault', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `Event-Layout ${i}`);
    const err = await rejection(read(ctx.conn, names));
    expect(err.name).to.equal('sf:EXCEEDED_ID_LIMIT');
    expect(err.message).to.equal('EXCEEDED_ID_LIMIT: record limit reached. cannot submit more than 10 records in this operation');
    const write = await rejection(update(ctx.conn, names.map((fullName) => ({ fullName, layoutSections: [] }))));
    expect(write.name).to.equal('sf:EXCEEDED_ID_LIMIT');
  });

  it('answers a bad session with the INVALID_SESSION_ID fault (HTTP 500)', async () => {
    const conn = connect(ctx.emu);
    conn.accessToken = '00Dxx0000000001!bogus';
    const err = await rejection(read(conn, ['Event-Event Layout']));
    expect(err.name).to.equal('sf:INVALID_SESSION_ID');
    expect(err.message).to.equal('INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session');
    // The operation is logged although the call was refused; no component was served.
    expect(ctx.emu.log.entries.at(-1)).to.deep.include({ status: 500, errorCode: 'INVALID_SESSION_ID', operation: 'readMetadata' });
    expect(ctx.emu.log.entries.at(-1)).to.not.have.property('components');
  });

  it('needs Modify All Data or Modify Metadata: INSUFFICIENT_ACCESS fault otherwise', async () => {
    // Custom Admin - No MAD keeps Modify Metadata Through Metadata API Functions.
    expect(await read(connect(ctx.emu, 'sam.sales@acme.example'), ['Event-Event Layout'])).to.have.nested.property('[0].fullName');
    const err = await rejection(read(connect(ctx.emu, 'std.user@acme.example'), ['Event-Event Layout']));
    expect(err.name).to.equal('sf:INSUFFICIENT_ACCESS');
    expect(err.message).to.match(/^INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData/);
  });

  it('refuses Tooling PATCH of a layout with a platformActionList like a real org (JSON_PARSER_ERROR)', async () => {
    const layout = ctx.emu.org.records('Layout').find((l) => l.Name === 'Event Layout') as Rec;
    const before = structuredClone(layout.Metadata);
    const got = (await ctx.conn.tooling.query<Rec>(`SELECT Metadata FROM Layout WHERE Id = '${String(layout.Id)}'`)).records[0];
    const res = await raw(ctx.emu, `/services/data/v66.0/tooling/sobjects/Layout/${String(layout.Id)}`, { method: 'PATCH', body: { Metadata: got.Metadata } });
    expect(res.status).to.equal(400);
    const [error] = res.json as Array<{ errorCode: string; message: string }>;
    expect(error.errorCode).to.equal('JSON_PARSER_ERROR');
    expect(error.message).to.match(/^Cannot deserialize instance of complexvalue from VALUE_STRING value Record or request may be missing a required field at \[line:1, column:\d+\]$/);
    expect(ctx.emu.org.get('Layout', String(layout.Id))?.Metadata).to.deep.equal(before);
  });

  it('lists the Activity custom fields in FieldDefinition under Activity only; the Event describe has them', async () => {
    const q = (entity: string): string =>
      `SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinitionId = '${entity}' AND NamespacePrefix = 'ScheduleOnce'`;
    expect((await ctx.conn.tooling.query<Rec>(q('Event'))).records).to.deep.equal([]);
    expect((await ctx.conn.tooling.query<Rec>(q('Activity'))).records.map((r) => r.QualifiedApiName)).to.deep.equal([STATUS, REASON]);
    const describe = await ctx.conn.sobject('Event').describe();
    expect(describe.fields.map((f) => f.name)).to.include.members([STATUS, REASON]);
  });

  it('refuses an updateMetadata body out of the WSDL sequence with a client fault for the whole call', async () => {
    const before = structuredClone(stored(ctx.emu, 'Sales Event Layout'));
    const [layout] = await read(ctx.conn, ['Event-Sales Event Layout']);
    // jsforce sends keys in their order: field before behavior breaks LayoutItem's sequence.
    layout.layoutSections[0].layoutColumns[0].layoutItems.push({ field: STATUS, behavior: 'Edit' });
    const err = await rejection(update(ctx.conn, [layout]));
    expect(err.name).to.equal('soapenv:Client');
    expect(err.message).to.equal('Element {http://soap.sforce.com/2006/04/metadata}behavior invalid at this location in type LayoutItem');
    expect(stored(ctx.emu, 'Sales Event Layout')).to.deep.equal(before);
    expect(ctx.emu.log.entries.at(-1)).to.deep.include({ status: 500, kind: 'write' });
  });

  it('refuses an unknown element and a section out of sequence, naming the type', async () => {
    const [layout] = await read(ctx.conn, ['Event-Sales Event Layout']);
    const unknown = { ...layout, layoutSections: [{ ...layout.layoutSections[0], colour: 'red' }] };
    expect((await rejection(update(ctx.conn, [unknown]))).message).to.equal(
      'Element {http://soap.sforce.com/2006/04/metadata}colour invalid at this location in type LayoutSection'
    );
    const { fullName, ...rest } = layout;
    const section = { style: 'OneColumn', label: 'OnceHub', layoutColumns: [] };
    const outOfOrder = { fullName, ...rest, layoutSections: [section] };
    expect((await rejection(update(ctx.conn, [outOfOrder]))).message).to.equal(
      'Element {http://soap.sforce.com/2006/04/metadata}label invalid at this location in type LayoutSection'
    );
    const layoutLevel = { layoutSections: layout.layoutSections, fullName };
    expect((await rejection(update(ctx.conn, [layoutLevel]))).message).to.equal(
      'Element {http://soap.sforce.com/2006/04/metadata}fullName invalid at this location in type Layout'
    );
  });

  it('lists Layout components with their FileProperties (listMetadata), ids as ProfileLayout has them', async () => {
    ctx.emu.log.clear();
    const listed = (await ctx.conn.metadata.list([{ type: 'Layout' }, { type: 'CustomObject' }])) as unknown as Array<Record<string, unknown>>;
    const layouts = ctx.emu.org.records('Layout');
    expect(listed).to.have.length(layouts.length);
    const sales = listed.find((p) => p.fullName === 'Event-Sales Event Layout');
    const record = layouts.find((l) => l.Name === 'Sales Event Layout') as Rec;
    expect(sales).to.deep.include({
      fileName: 'layouts/Event-Sales Event Layout.layout',
      id: record.Id,
      manageableState: 'unmanaged',
      type: 'Layout',
    });
    // An unmanaged component has no namespacePrefix element; jsforce leaves the optional key out.
    expect(sales).to.not.have.property('namespacePrefix');
    expect(sales?.createdByName).to.be.a('string').and.not.equal('');
    expect(sales?.lastModifiedDate).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(ctx.emu.log.entries.map((e) => `${e.api} ${e.kind}`)).to.deep.equal(['metadata read']);
    const err = await rejection(ctx.conn.metadata.list([{ type: 'Layout' }, { type: 'Layout' }, { type: 'Layout' }, { type: 'Layout' }]));
    expect(err.name).to.equal('sf:INVALID_ARGUMENT');
  });

  it('answers a maintenance page on the SOAP endpoint as a 200 HTML page, which jsforce returns as an empty result', async () => {
    ctx.emu.faults.maintenancePage({ path: '/services/Soap/m/', times: 1 });
    const res = await read(ctx.conn, ['Event-Event Layout', 'Event-Sales Event Layout']);
    expect(res).to.deep.equal([]);
    expect(ctx.emu.log.entries.at(-1)).to.deep.include({ status: 200, fault: 'maintenancePage' });
  });
});

describe('emulator: SOAP faults on demand', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().build() }));

  it('answers a SOAP fault (HTTP 500, text/xml) that jsforce raises as sf:<code>, then serves again', async () => {
    ctx.emu.faults.soapFaults({ path: '/services/Soap/', times: 1 });
    const err = await rejection(read(ctx.conn, ['Event-Event Layout']));
    expect(err.name).to.equal('sf:UNKNOWN_EXCEPTION');
    expect(err.message).to.match(/^UNKNOWN_EXCEPTION: An unexpected error occurred/);
    expect(ctx.emu.log.entries.at(-1)).to.deep.include({ status: 500, fault: 'soapFault' });
    expect(await read(ctx.conn, ['Event-Event Layout'])).to.have.nested.property('[0].fullName', 'Event-Event Layout');
  });
});

describe('emulator: layout full names as Salesforce spells them', () => {
  const ctx = useEmulator(() => ({
    org: scenarios.base().withPackage().withEncodedNameEventLayout().apiUserWithoutModifyMetadata('sam.sales@acme.example').build(),
  }));

  it('stores an encoded full name and reads the layout only by that spelling', async () => {
    const record = ctx.emu.org.records('Layout').find((l) => l.Name === 'Event Layout (Sales & Service)') as Rec;
    expect(record.FullName).to.equal('Event-Event Layout %28Sales %26 Service%29');
    const [byPlain, byEncoded, byLower] = await read(ctx.conn, [
      'Event-Event Layout (Sales & Service)',
      'Event-Event Layout %28Sales %26 Service%29',
      'event-event layout %28sales %26 service%29',
    ]);
    expect(byPlain.fullName).to.equal(undefined);
    expect(byEncoded.fullName).to.equal('Event-Event Layout %28Sales %26 Service%29');
    expect(byEncoded.layoutSections[0].label).to.equal('Meeting');
    expect(byLower.fullName).to.equal(undefined);
    const [saved] = await update(ctx.conn, [byEncoded]);
    expect(saved).to.deep.include({ fullName: 'Event-Event Layout %28Sales %26 Service%29', success: true });
  });

  it('uses it for the Standard User profile (ProfileLayout → Layout.Name, Layout.NamespacePrefix)', async () => {
    const rows = await ctx.conn.tooling.query<Rec>(
      "SELECT LayoutId, Layout.Name, Layout.NamespacePrefix, Profile.Name FROM ProfileLayout WHERE TableEnumOrId = 'Event'"
    );
    const byProfile = new Map(rows.records.map((r) => [(r.Profile as Rec).Name, r.Layout as Rec]));
    expect(byProfile.get('Standard User')).to.deep.include({ Name: 'Event Layout (Sales & Service)', NamespacePrefix: null });
    expect(byProfile.get('System Administrator')).to.deep.include({ Name: 'Event Layout' });
  });

  it('refuses a user with Customize Application alone (no Modify All Data, no Modify Metadata)', async () => {
    const err = await rejection(read(connect(ctx.emu, 'sam.sales@acme.example'), ['Event-Event Layout']));
    expect(err.name).to.equal('sf:INSUFFICIENT_ACCESS');
  });
});

describe('emulator: a managed Event layout in use', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().withPackage().withManagedEventLayoutInUse().build() }));

  it('spells its full name with the namespace and lists it as installed', async () => {
    const record = ctx.emu.org.records('Layout').find((l) => l.Name === 'OnceHub Event Layout') as Rec;
    expect(record).to.deep.include({ NamespacePrefix: 'ScheduleOnce', ManageableState: 'installed', FullName: 'Event-ScheduleOnce__OnceHub Event Layout' });
    const [plain, namespaced] = await read(ctx.conn, ['Event-OnceHub Event Layout', 'Event-ScheduleOnce__OnceHub Event Layout']);
    expect(plain.fullName).to.equal(undefined);
    expect(layoutFields(namespaced as unknown as LayoutMetadata)).to.include.members([STATUS, REASON]);
    const listed = (await ctx.conn.metadata.list({ type: 'Layout' })) as unknown as Array<Record<string, unknown>>;
    expect(listed.find((p) => p.id === record.Id)).to.deep.include({
      fullName: 'Event-ScheduleOnce__OnceHub Event Layout',
      namespacePrefix: 'ScheduleOnce',
      manageableState: 'installed',
    });
  });

  it('is the layout every profile uses for Event', async () => {
    const rows = await ctx.conn.tooling.query<Rec>("SELECT LayoutId, Layout.NamespacePrefix FROM ProfileLayout WHERE TableEnumOrId = 'Event'");
    expect(new Set(rows.records.map((r) => (r.Layout as Rec).NamespacePrefix))).to.deep.equal(new Set(['ScheduleOnce']));
  });
});
