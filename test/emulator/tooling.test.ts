import { expect } from 'chai';
import { layoutFields, layoutItem, scenarios, type LayoutMetadata } from '../../emulator/index.js';
import { raw, rejection, useEmulator, type Rec } from './helpers.js';

describe('emulator: Tooling API', () => {
  const ctx = useEmulator(() => ({
    org: scenarios.base().withPackage().withTwoEventLayouts().withEventLayoutPartlyDone().withValidationRules().build(),
  }));

  it('adds size, queryLocator and entityTypeName, with /tooling/sobjects/ urls', async () => {
    const res = await raw(
      ctx.emu,
      `/services/data/v66.0/tooling/query?q=${encodeURIComponent(
        'SELECT Id, SubscriberPackageId, SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, SubscriberPackageVersion.Id, SubscriberPackageVersion.Name, SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber FROM InstalledSubscriberPackage ORDER BY SubscriberPackageId'
      )}`
    );
    const body = res.json as Record<string, unknown> & { records: Rec[] };
    expect(Object.keys(body)).to.deep.equal(['size', 'totalSize', 'done', 'queryLocator', 'entityTypeName', 'records']);
    expect(body).to.deep.include({ size: 1, totalSize: 1, done: true, queryLocator: null, entityTypeName: 'InstalledSubscriberPackage' });
    const pkg = body.records[0];
    expect((pkg.attributes as Rec).url).to.match(/^\/services\/data\/v66\.0\/tooling\/sobjects\/InstalledSubscriberPackage\/0A3\w{15}$/);
    expect(pkg.SubscriberPackage).to.deep.include({ NamespacePrefix: 'ScheduleOnce', Name: 'OnceHub connector for Salesforce' });
    expect(pkg.SubscriberPackageVersion).to.deep.include({ MajorVersion: 2, MinorVersion: 14, PatchVersion: 0, BuildNumber: 1 });
    expect(String((pkg.SubscriberPackageVersion as Rec).Id)).to.match(/^04t/);
  });

  it('lists Event layouts and their profile assignments', async () => {
    const layouts = await ctx.conn.tooling.query<Rec>("SELECT Id, Name, TableEnumOrId, NamespacePrefix, LayoutType FROM Layout WHERE TableEnumOrId = 'Event' ORDER BY Name");
    expect(layouts.records.map((r) => r.Name)).to.deep.equal(['Event Layout', 'Sales Event Layout']);
    expect(String(layouts.records[0].Id)).to.match(/^00h/);
    const assignments = await ctx.conn.tooling.query<Rec>("SELECT Layout.Name, ProfileId, Profile.Name, RecordTypeId FROM ProfileLayout WHERE TableEnumOrId = 'Event'");
    const byProfile = Object.fromEntries(assignments.records.map((r) => [(r.Profile as Rec).Name, (r.Layout as Rec).Name]));
    expect(byProfile['System Administrator']).to.equal('Event Layout');
    expect(byProfile['Standard User']).to.equal('Sales Event Layout');
    expect(assignments.records[0].RecordTypeId).to.equal(null);
  });

  it('serves Metadata/FullName for one row and refuses them for more', async () => {
    const one = await ctx.conn.tooling.query<Rec>("SELECT Id, FullName, Metadata FROM Layout WHERE Name = 'Event Layout'");
    expect(one.records[0].FullName).to.equal('Event-Event Layout');
    const md = one.records[0].Metadata as LayoutMetadata;
    expect(md.layoutSections[0]).to.include.keys('label', 'style', 'layoutColumns');
    expect(layoutFields(md)).to.include('ScheduleOnce__Event_status__c');
    expect(layoutFields(md)).to.not.include('ScheduleOnce__Cancel_reschedule_reason__c');

    const err = await rejection(ctx.conn.tooling.query("SELECT Id, Metadata FROM Layout WHERE TableEnumOrId = 'Event'"));
    expect(err.errorCode).to.equal('MALFORMED_QUERY');
    expect(err.message).to.equal(
      'When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: 2'
    );
  });

  it('replaces Layout Metadata on PATCH and validates its fields', async () => {
    const layout = ctx.emu.org.records('Layout').find((l) => l.Name === 'Sales Event Layout') as Rec;
    const md = structuredClone(layout.Metadata) as LayoutMetadata;
    md.layoutSections[0].layoutColumns[0].layoutItems.push(layoutItem('ScheduleOnce__Event_status__c'), layoutItem('ScheduleOnce__Cancel_reschedule_reason__c'));
    const res = await raw(ctx.emu, `/services/data/v66.0/tooling/sobjects/Layout/${String(layout.Id)}`, { method: 'PATCH', body: { Metadata: md } });
    expect(res.status).to.equal(204);
    const back = await ctx.conn.tooling.query<Rec>(`SELECT Metadata FROM Layout WHERE Id = '${String(layout.Id)}'`);
    expect(layoutFields(back.records[0].Metadata as LayoutMetadata)).to.include.members(['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c']);

    const dup = structuredClone(md);
    dup.layoutSections[0].layoutColumns[0].layoutItems.push(layoutItem('ScheduleOnce__Event_status__c'));
    const dupErr = await rejection(ctx.conn.tooling.sobject('Layout').update({ Id: String(layout.Id), Metadata: dup }));
    expect(dupErr.errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
    const unknown = structuredClone(md);
    unknown.layoutSections[0].layoutColumns[0].layoutItems.push(layoutItem('Nope__c'));
    expect((await rejection(ctx.conn.tooling.sobject('Layout').update({ Id: String(layout.Id), Metadata: unknown }))).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
  });

  it('lists validation rules filtered by EntityDefinition.QualifiedApiName', async () => {
    const res = await ctx.conn.tooling.query<Rec>(
      "SELECT Id, ValidationName, Active, EntityDefinition.QualifiedApiName, ErrorDisplayField, ErrorMessage FROM ValidationRule WHERE EntityDefinition.QualifiedApiName IN ('Lead','Contact','Account','Event','Case') AND Active = true ORDER BY ValidationName"
    );
    expect(res.records.map((r) => r.ValidationName)).to.deep.equal(['Phone_Required', 'Subject_Required']);
    expect(res.records[0].EntityDefinition).to.deep.include({ QualifiedApiName: 'Lead' });
    expect(String(res.records[0].Id)).to.match(/^03d/);
    const err = await rejection(ctx.conn.tooling.query('SELECT Id, EntityDefinition FROM ValidationRule'));
    expect(err.errorCode).to.equal('INVALID_FIELD');
  });

  it('requires an EntityDefinition filter on FieldDefinition and EntityParticle', async () => {
    const err = await rejection(ctx.conn.tooling.query('SELECT QualifiedApiName FROM FieldDefinition'));
    expect(err.errorCode).to.equal('MALFORMED_QUERY');
    expect(err.message).to.equal('FieldDefinition: a filter on a reified column is required [EntityDefinitionId,DurableId]');
    const fields = await ctx.conn.tooling.query<Rec>(
      "SELECT QualifiedApiName, DataType, NamespacePrefix FROM FieldDefinition WHERE EntityDefinitionId = 'Activity' AND NamespacePrefix = 'ScheduleOnce' LIMIT 1"
    );
    // LIMIT is ignored on FieldDefinition; the package's Event fields are Activity fields (listed under Activity only).
    expect(fields.records.map((r) => r.QualifiedApiName)).to.have.members(['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c']);
    expect(fields.records.find((r) => r.QualifiedApiName === 'ScheduleOnce__Cancel_reschedule_reason__c')?.DataType).to.equal('Text(255)');
    const particles = await ctx.conn.tooling.query<Rec>(
      "SELECT QualifiedApiName FROM EntityParticle WHERE EntityDefinition.QualifiedApiName = 'Lead' AND IsCreatable = true AND IsNillable = false AND IsDefaultedOnCreate = false"
    );
    expect(particles.records.map((r) => r.QualifiedApiName)).to.have.members(['LastName', 'Company']);
    const neq = await rejection(ctx.conn.tooling.query("SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = 'Event' AND NamespacePrefix != null"));
    expect(neq.message).to.contain('Only equals comparisons permitted');
  });

  it('serves Tooling sobject retrieve with /tooling/sobjects/ urls', async () => {
    const layout = ctx.emu.org.records('Layout')[0];
    const rec = await ctx.conn.tooling.sobject('Layout').retrieve(layout.Id);
    expect((rec.attributes as unknown as Rec).url).to.contain('/tooling/sobjects/Layout/');
    expect(rec.Id).to.equal(layout.Id);
  });
});
