import { expect } from 'chai';
import { judgeFieldMapping } from '../../../src/lib/mapping/field-mapping.js';
import type { SetupFile } from '../../../src/lib/mapping/setup-file.js';
import { describes, failure, field, notFetched, picklist, standardObjects } from '../doctor/hand-made-facts.js';

const ctx = { alias: 'acme', configPath: 'oncehub.json' };
const lead = standardObjects().Lead;
const orgFields = describes({
  Lead: [
    ...lead,
    field('Score__c', 'double', { calculated: true }),
    field('Ref__c', 'string', { autoNumber: true, createable: false, updateable: false }),
    field('Locked__c', 'string', { updateable: false }),
    field('Region__c', 'string', { nillable: false }),
    picklist('Meeting_Type__c', ['Demo', '-Webinar'], { restrictedPicklist: true }),
  ],
  Contact: [...standardObjects().Contact, field('Locked__c', 'string', { updateable: false })],
});
const judge = (setup: SetupFile | undefined, facts = orgFields): ReturnType<typeof judgeFieldMapping> => judgeFieldMapping(setup, facts, ctx);

describe('mapping/field-mapping', () => {
  it('is skipped without a setup file', () => {
    expect(judge(undefined)).to.deep.equal({
      id: 'mapping',
      title: 'Mapped fields fit the org',
      status: 'skip',
      message: 'Not checked: the field mapping is kept in OnceHub. Give it in a setup file with --config to check it against the org.',
    });
  });

  it('is skipped when the setup file has no fieldMapping, and passes an empty one', () => {
    expect(judge({}).status).to.equal('skip');
    expect(judge({}).message).to.include('oncehub.json has no fieldMapping');
    expect(judge({ fieldMapping: [] })).to.deep.include({ status: 'pass', message: "The setup file maps no additional fields: OnceHub's default mapping is used." });
  });

  it('passes entries that exist, are writable and fit', () => {
    const check = judge({
      fieldMapping: [
        { from: 'Customer - Phone', to: 'Lead.Phone' },
        { value: 'Web', to: 'lead.leadsource' },
        { value: 5000, to: 'Lead.AnnualRevenue' },
        { from: 'Booking - Start', to: 'Event.StartDateTime' },
      ],
    });
    expect(check).to.deep.include({ status: 'pass', message: 'The mapped fields (4) exist, are writable, have a type OnceHub can write, and fit their values.' });
  });

  const failsWith = (setup: SetupFile, text: string): void => {
    const check = judge(setup);
    expect(check.status, check.message).to.equal('fail');
    expect(check.message).to.include(text);
    expect(check.fix).to.equal(
      'Edit fieldMapping in oncehub.json: point each entry at an existing, writable field of a supported type, with a value the field accepts. ' +
        `List an object's fields with: sf sobject describe --sobject ${setup.fieldMapping![0].to.split('.')[0]} --target-org acme`
    );
  };

  it('fails a field that does not exist', () => {
    failsWith({ fieldMapping: [{ from: 'x', to: 'Lead.Favorite_Color__c' }] }, 'Lead.Favorite_Color__c does not exist on Lead');
  });

  it('fails a read-only field', () => {
    failsWith({ fieldMapping: [{ from: 'x', to: 'Lead.Name' }] }, 'Lead.Name is read-only (not createable)');
  });

  it('fails a field that cannot be updated when existing records are overridden, and only then', () => {
    const override: SetupFile = {
      fieldMapping: [{ from: 'x', to: 'Contact.Locked__c' }],
      creationRules: { contact: { existing: { data: 'override' } } },
    };
    failsWith(override, 'Contact.Locked__c cannot be updated, but existing records are set to override (creationRules.contact.existing.data)');
    expect(judge({ ...override, creationRules: { contact: { existing: { data: 'fill-empty' } } } }).status).to.equal('pass');
    expect(judge({ fieldMapping: [{ from: 'x', to: 'Lead.Locked__c' }], creationRules: { contact: { existing: { data: 'override' } } } }).status).to.equal('pass');
  });

  it('fails the types OnceHub cannot write', () => {
    failsWith({ fieldMapping: [{ from: 'x', to: 'Lead.IsConverted' }] }, 'Lead.IsConverted is a checkbox field');
    failsWith({ fieldMapping: [{ from: 'x', to: 'Lead.OwnerId' }] }, 'Lead.OwnerId is a lookup field');
    failsWith({ fieldMapping: [{ from: 'x', to: 'Lead.Score__c' }] }, 'Lead.Score__c is a formula or roll-up summary field');
    failsWith({ fieldMapping: [{ from: 'x', to: 'Lead.Ref__c' }] }, 'Lead.Ref__c is a auto-number field');
  });

  it('fails a static value that does not fit the type', () => {
    failsWith({ fieldMapping: [{ value: 'lots', to: 'Lead.AnnualRevenue' }] }, 'Lead.AnnualRevenue: "lots" is not a number');
  });

  it('fails an inactive value of a restricted picklist, warns for an unrestricted one', () => {
    failsWith({ fieldMapping: [{ value: 'Webinar', to: 'Lead.Meeting_Type__c' }] }, 'Lead.Meeting_Type__c: "Webinar" is an inactive picklist value');
    const check = judge({ fieldMapping: [{ value: 'Trade Show', to: 'Lead.LeadSource' }] });
    expect(check.status).to.equal('warn');
    expect(check.message).to.equal('Problems among the mapped fields (1): Lead.LeadSource: "Trade Show" is an inactive picklist value.');
  });

  it('warns when a required field is mapped, and when a field is mapped twice', () => {
    const check = judge({
      fieldMapping: [
        { from: 'x', to: 'Lead.Region__c' },
        { from: 'y', to: 'Lead.Phone' },
        { from: 'z', to: 'lead.phone' },
      ],
    });
    expect(check.status).to.equal('warn');
    expect(check.message).to.include('Lead.Region__c is a required field');
    expect(check.message).to.include('Lead.Phone is mapped more than once');
  });

  it('lists every problem and fails when any blocks', () => {
    const check = judge({
      fieldMapping: [
        { from: 'x', to: 'Lead.Nope__c' },
        { value: 'Trade Show', to: 'Lead.LeadSource' },
      ],
    });
    expect(check.status).to.equal('fail');
    expect(check.message).to.equal(
      'Problems among the mapped fields (2): Lead.Nope__c does not exist on Lead; Lead.LeadSource: "Trade Show" is an inactive picklist value.'
    );
  });

  it('warns about entries whose object could not be read', () => {
    const check = judge({ fieldMapping: [{ from: 'x', to: 'Case.Subject' }] }, { ...orgFields, Case: notFetched<never>(failure) });
    expect(check.status).to.equal('warn');
    expect(check.message).to.include("Case.Subject could not be checked (the object's fields could not be read: INVALID_TYPE)");
  });
});
