import { expect } from 'chai';
import { buildSetupFile, type GenerateFacts, valueSourceFor } from '../../../src/lib/generate/build.js';
import { fetched } from '../../../src/lib/fetched.js';
import { judgeCreationRules } from '../../../src/lib/mapping/creation-rules.js';
import { judgeFieldMapping } from '../../../src/lib/mapping/field-mapping.js';
import { BOOKING_OBJECTS, type BookingObject, validateSetupFile } from '../../../src/lib/mapping/setup-file.js';
import { type ObjectFields, parseDescribe } from '../../../src/lib/validation/fields.js';
import { judgeRequiredFields } from '../../../src/lib/validation/required-fields.js';
import { type DescribeField, field, picklist, standardObjects } from '../doctor/hand-made-facts.js';

function objects(extra: Partial<Record<BookingObject, DescribeField[]>> = {}): Record<BookingObject, ObjectFields> {
  const all = standardObjects();
  for (const [object, fields] of Object.entries(extra)) all[object as BookingObject].push(...fields);
  return Object.fromEntries(BOOKING_OBJECTS.map((o) => [o, parseDescribe(o, { fields: all[o] })])) as Record<BookingObject, ObjectFields>;
}

const fact = (f: DescribeField): ObjectFields['fields'][number] => parseDescribe('Lead', { fields: [f] }).fields[0];

/** Required, custom fields of each kind the fallback table knows, plus a picklist and a lookup. */
const requiredOfEveryType = (): Partial<Record<BookingObject, DescribeField[]>> => ({
  Lead: [
    field('Region__c', 'string', { nillable: false, length: 100 }),
    picklist('Lead_Type__c', ['-Legacy', 'Inbound', 'Outbound'], { nillable: false, restrictedPicklist: true }),
  ],
  Contact: [field('Score__c', 'double', { nillable: false }), field('Personal_Email__c', 'email', { nillable: false })],
  Case: [field('Due__c', 'date', { nillable: false }), field('Site__c', 'url', { nillable: false }), field('Parent_Account__c', 'reference', { nillable: false })],
  Account: [field('Code__c', 'string', { nillable: false, length: 4 }), field('Hotline__c', 'phone', { nillable: false })],
});

describe('generate/build', () => {
  describe('valueSourceFor', () => {
    it("follows OnceHub's fallback table per type", () => {
      expect(valueSourceFor(fact(field('A__c', 'string', { length: 100 })))).to.deep.equal({ value: 'Unspecified' });
      expect(valueSourceFor(fact(field('A__c', 'string', { length: 4 })))).to.deep.equal({ value: 'Unsp' });
      expect(valueSourceFor(fact(field('A__c', 'currency')))).to.deep.equal({ value: 0 });
      expect(valueSourceFor(fact(field('A__c', 'int')))).to.deep.equal({ value: 0 });
      expect(valueSourceFor(fact(field('A__c', 'percent')))).to.deep.equal({ value: 0 });
      expect(valueSourceFor(fact(field('A__c', 'email')))).to.deep.equal({ value: 'email@example.com' });
      expect(valueSourceFor(fact(field('A__c', 'phone')))).to.deep.equal({ value: '1234567890' });
      expect(valueSourceFor(fact(field('A__c', 'url')))).to.deep.equal({ value: 'http://NA' });
      expect(valueSourceFor(fact(field('A__c', 'date')))).to.deep.equal({ from: 'Booking - Meeting time in UTC' });
      expect(valueSourceFor(fact(field('A__c', 'datetime')))).to.deep.equal({ from: 'Booking - Meeting time in UTC' });
      expect(valueSourceFor(fact(field('A__c', 'reference')))).to.equal(undefined);
    });

    it('gives a picklist its default value, else its first active one', () => {
      const withDefault = picklist('P__c', ['-Old', 'A', 'B']);
      withDefault.picklistValues[2].defaultValue = true;
      expect(valueSourceFor(fact(withDefault))).to.deep.equal({ value: 'B' });
      expect(valueSourceFor(fact(picklist('P__c', ['-Old', 'A', 'B'])))).to.deep.equal({ value: 'A' });
      expect(valueSourceFor(fact(picklist('P__c', ['-Old'])))).to.equal(undefined);
    });
  });

  describe('buildSetupFile', () => {
    const facts = (overrides: Partial<GenerateFacts> = {}): GenerateFacts => ({
      describes: objects(requiredOfEveryType()),
      assignmentRules: [{ object: 'Lead', name: 'Standard Lead Routing' }],
      recorded: { username: 'api@acme.example', mode: 'standard' },
      ...overrides,
    });

    it('covers each required field without a default, maps the form fields, uses the default rules', () => {
      const file = buildSetupFile(facts());
      expect(file).to.deep.include({ mode: 'standard', apiUser: 'api@acme.example' });
      expect(file.fieldValidation).to.deep.equal({
        'Lead.Region__c': { value: 'Unspecified' },
        'Lead.Lead_Type__c': { value: 'Inbound' },
        'Contact.Score__c': { value: 0 },
        'Contact.Personal_Email__c': { value: 'email@example.com' },
        'Account.Code__c': { value: 'Unsp' },
        'Account.Hotline__c': { value: '1234567890' },
        'Case.Due__c': { from: 'Booking - Meeting time in UTC' },
        'Case.Site__c': { value: 'http://NA' },
      });
      expect(file.fieldMapping).to.deep.equal([
        { from: 'Customer - First name', to: 'Lead.FirstName' },
        { from: 'Customer - Email', to: 'Lead.Email' },
        { from: 'Customer - Phone', to: 'Lead.Phone' },
        { from: 'Customer - First name', to: 'Contact.FirstName' },
        { from: 'Customer - Email', to: 'Contact.Email' },
      ]);
      expect(file.creationRules).to.deep.equal({
        lead: { existing: { data: 'fill-empty', owner: 'keep' }, new: { owner: 'assignment-rules' } },
        contact: { existing: { data: 'fill-empty', owner: 'keep' } },
        case: { create: false },
      });
    });

    it('names no API user or mode without a recorded connection; no Lead rule means the booking page owner', () => {
      const file = buildSetupFile(facts({ recorded: undefined, assignmentRules: [] }));
      expect(file).to.not.have.any.keys('apiUser', 'mode');
      expect(file.creationRules?.lead?.new).to.deep.equal({ owner: 'booking-page-owner' });
    });

    it("validates against the schema, and the doctor's judges find nothing failing in phases 3–5", async () => {
      const built = facts();
      const file = await validateSetupFile(JSON.parse(JSON.stringify(buildSetupFile(built))), 'generated.json');
      const describes = Object.fromEntries(BOOKING_OBJECTS.map((o) => [o, fetched(built.describes[o])])) as Parameters<typeof judgeRequiredFields>[0];
      const required = judgeRequiredFields(describes, file.fieldValidation);
      // Only the lookup is left: no value OnceHub could send (reported, not failing).
      expect(required.status).to.equal('warn');
      expect(required.message).to.include('Case.Parent_Account__c');
      expect(required.message).to.match(/^Required fields without a value source \(1\), where OnceHub writes a placeholder or the booking fails: Case\.Parent_Account__c /);
      expect(judgeFieldMapping(file, describes, { alias: 'acme', configPath: 'generated.json' }).status).to.equal('pass');
      expect(judgeCreationRules(file, { assignmentRules: fetched(built.assignmentRules) }, { configPath: 'generated.json' }).status).to.equal('pass');
    });
  });
});
