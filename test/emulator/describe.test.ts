import { expect } from 'chai';
import { scenarios } from '../../emulator/index.js';
import { raw, rejection, useEmulator, type Rec } from './helpers.js';

type DescribeField = { name: string; type: string; nillable: boolean; createable: boolean; defaultedOnCreate: boolean; picklistValues: Array<{ value: string; active: boolean }>; restrictedPicklist: boolean; referenceTo: string[]; relationshipName: string | null; custom: boolean; length: number };

describe('emulator: describe', () => {
  const ctx = useEmulator(() => ({ org: scenarios.base().withPackage().withRequiredFields().withRecordType('Case', 'Support').build() }));

  it('describes an object with realistic field metadata', async () => {
    const d = await ctx.conn.sobject('Lead').describe();
    expect(d).to.include({ name: 'Lead', label: 'Lead', keyPrefix: '00Q', custom: false, queryable: true, createable: true });
    const fields = d.fields as unknown as DescribeField[];
    const byName = (n: string): DescribeField => fields.find((f) => f.name === n) as DescribeField;
    expect(byName('Company')).to.include({ type: 'string', nillable: false, createable: true, defaultedOnCreate: false, length: 255 });
    expect(byName('Status')).to.include({ type: 'picklist', nillable: false, defaultedOnCreate: true });
    expect(byName('Status').picklistValues[0]).to.have.keys('value', 'label', 'active', 'defaultValue', 'validFor');
    expect(byName('OwnerId')).to.deep.include({ type: 'reference', referenceTo: ['Group', 'User'], relationshipName: 'Owner' });
    expect(byName('Region__c')).to.include({ custom: true, nillable: false, defaultedOnCreate: false });
    expect(byName('Name')).to.include({ createable: false });
  });

  it('finds exactly the required-without-default fields the SOQL/DML layer enforces', async () => {
    for (const objectName of ['Lead', 'Contact', 'Account', 'Event', 'Case']) {
      const d = await ctx.conn.sobject(objectName).describe();
      const required = (d.fields as unknown as DescribeField[])
        .filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean')
        .map((f) => f.name)
        .sort();
      const res = await raw(ctx.emu, `/services/data/v66.0/sobjects/${objectName}`, { method: 'POST', body: {} });
      const body = res.json as Array<{ errorCode: string; fields: string[] }>;
      if (required.length) {
        expect(body[0].errorCode, objectName).to.equal('REQUIRED_FIELD_MISSING');
        expect([...body[0].fields].sort(), objectName).to.deep.equal(required);
      } else {
        expect(res.status, objectName).to.equal(201);
      }
    }
  });

  it('shows the package fields on Event once installed, and SOQL accepts exactly the described fields', async () => {
    const d = await ctx.conn.sobject('Event').describe();
    const names = (d.fields as unknown as DescribeField[]).map((f) => f.name);
    expect(names).to.include.members(['ScheduleOnce__Event_status__c', 'ScheduleOnce__Cancel_reschedule_reason__c']);
    const status = (d.fields as unknown as DescribeField[]).find((f) => f.name === 'ScheduleOnce__Event_status__c') as DescribeField;
    expect(status.picklistValues.map((p) => p.value)).to.include.members(['Scheduled', 'Rescheduled', 'Completed', 'Canceled', 'No-show']);
    const res = await ctx.conn.query(`SELECT ${names.join(', ')} FROM Event LIMIT 1`);
    expect(res.records).to.have.length(1);
    expect(Object.keys(res.records[0]).slice(1)).to.deep.equal(names);
  });

  it('lists child relationships and record types', async () => {
    const user = await ctx.conn.sobject('User').describe();
    expect(user.childRelationships.map((c) => c.relationshipName)).to.include('PermissionSetAssignments');
    const ps = await ctx.conn.sobject('PermissionSet').describe();
    expect(ps.childRelationships.map((c) => c.relationshipName)).to.include.members(['Assignments', 'ObjectPerms', 'FieldPerms']);
    const kase = await ctx.conn.sobject('Case').describe();
    expect(kase.recordTypeInfos.map((r) => r.name)).to.deep.equal(['Support']);
  });

  it('serves global describe from the same schema, REST and Tooling', async () => {
    const global = await ctx.conn.describeGlobal();
    const names = global.sobjects.map((s) => s.name);
    expect(names).to.include.members(['User', 'PermissionSetAssignment', 'Lead', 'Event', 'Organization']);
    expect(names).to.not.include('Layout');
    expect(global.maxBatchSize).to.equal(200);
    const tooling = await ctx.conn.tooling.describeGlobal();
    expect(tooling.sobjects.map((s) => s.name)).to.include.members(['Layout', 'InstalledSubscriberPackage', 'ValidationRule', 'FieldDefinition']);
    const layout = await ctx.conn.tooling.sobject('Layout').describe();
    expect(layout.fields.map((f) => f.name)).to.include.members(['Metadata', 'FullName', 'TableEnumOrId']);
  });

  it('answers 404 NOT_FOUND for an unknown or Tooling-only sobject on REST', async () => {
    for (const name of ['Bogus__c', 'Layout']) {
      const err = await rejection(ctx.conn.sobject(name).describe());
      expect(err.errorCode, name).to.equal('NOT_FOUND');
      expect(err.message).to.equal('The requested resource does not exist');
    }
  });

  it('exposes the same schema through FieldDefinition', async () => {
    const d = await ctx.conn.sobject('Case').describe();
    const fd = await ctx.conn.tooling.query<Rec>("SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinitionId = 'Case'");
    expect(fd.records.map((r) => r.QualifiedApiName)).to.deep.equal(d.fields.map((f) => f.name));
  });
});
