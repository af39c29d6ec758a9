import { expect } from 'chai';
import {
  DEFAULT_MAPPED_FIELDS,
  type FieldFact,
  findField,
  isDefaultMapped,
  parseDescribe,
  placeholderFor,
  requiredFields,
  unsupportedTypeOf,
  valueProblem,
} from '../../../src/lib/validation/fields.js';
import { field, picklist, standardObjects } from '../doctor/hand-made-facts.js';

/** A FieldFact as parseDescribe makes it from the fake org's describe field. */
const fact = (f: ReturnType<typeof field>): FieldFact => parseDescribe('Lead', { fields: [f] }).fields[0];

describe('validation/fields', () => {
  describe('parseDescribe', () => {
    it('keeps the describe facts the checks need', () => {
      const lead = parseDescribe('Lead', { name: 'Lead', fields: standardObjects().Lead });
      expect(lead.name).to.equal('Lead');
      expect(findField(lead, 'LeadSource')).to.deep.equal({
        name: 'LeadSource',
        label: 'LeadSource',
        type: 'picklist',
        length: 255,
        nillable: true,
        createable: true,
        updateable: true,
        defaultedOnCreate: false,
        calculated: false,
        autoNumber: false,
        restrictedPicklist: false,
        picklistValues: [
          { value: 'Web', active: true },
          { value: 'Phone Inquiry', active: true },
          { value: 'Trade Show', active: false },
          { value: 'Other', active: true },
        ],
      });
    });

    it('treats a describe without fields as an object without fields', () => {
      expect(parseDescribe('Case', {}).fields).to.deep.equal([]);
    });

    it('finds fields case-insensitively', () => {
      const lead = parseDescribe('Lead', { fields: standardObjects().Lead });
      expect(findField(lead, 'lastname')?.name).to.equal('LastName');
      expect(findField(lead, 'Nope__c')).to.equal(undefined);
    });
  });

  describe('requiredFields', () => {
    it('keeps createable, not nillable, not defaulted fields and ignores booleans', () => {
      const names = (object: keyof ReturnType<typeof standardObjects>): string[] =>
        requiredFields(parseDescribe(object, { fields: standardObjects()[object] })).map((f) => f.name);
      // Name is not createable, Status and OwnerId are defaulted, IsConverted is a boolean.
      expect(names('Lead')).to.deep.equal(['LastName', 'Company']);
      // IsAllDayEvent is a non-nillable boolean: never required.
      expect(names('Event')).to.deep.equal([]);
      // CaseNumber is an auto-number: not createable.
      expect(names('Case')).to.deep.equal([]);
    });
  });

  it('the default mapping covers the standard required fields every booking fills', () => {
    expect(isDefaultMapped('Lead', 'lastname')).to.equal(true);
    expect(isDefaultMapped('Lead', 'Company')).to.equal(true);
    expect(isDefaultMapped('Contact', 'LastName')).to.equal(true);
    expect(isDefaultMapped('Account', 'Name')).to.equal(true);
    expect(DEFAULT_MAPPED_FIELDS.Event).to.include.members(['StartDateTime', 'DurationInMinutes', 'Subject']);
    expect(isDefaultMapped('Lead', 'Region__c')).to.equal(false);
    expect(isDefaultMapped('Case', 'Subject')).to.equal(false);
  });

  it("placeholderFor follows OnceHub's fallback table (OnceHub help, Field validation step)", () => {
    expect(
      Object.fromEntries(
        ['currency', 'date', 'datetime', 'email', 'double', 'int', 'percent', 'phone', 'string', 'textarea', 'url', 'location'].map((t) => [
          t,
          placeholderFor(t),
        ])
      )
    ).to.deep.equal({
      currency: '$0.00',
      date: 'the current date',
      datetime: 'the current time',
      email: 'email@example.com',
      double: '0',
      int: '0',
      percent: '0%',
      phone: '1234567890',
      string: 'Unspecified',
      textarea: 'Unspecified',
      url: 'http://NA',
      location: '0.000000, 0.000000',
    });
    for (const type of ['picklist', 'multipicklist', 'reference', 'boolean']) expect(placeholderFor(type)).to.equal(undefined);
  });

  it('unsupportedTypeOf names checkbox, lookup, formula, roll-up and auto-number fields', () => {
    expect(unsupportedTypeOf(fact(field('A', 'boolean')))).to.equal('checkbox');
    expect(unsupportedTypeOf(fact(field('A', 'reference')))).to.equal('lookup');
    expect(unsupportedTypeOf(fact(field('A', 'currency', { calculated: true })))).to.equal('formula or roll-up summary');
    expect(unsupportedTypeOf(fact(field('A', 'string', { autoNumber: true })))).to.equal('auto-number');
    expect(unsupportedTypeOf(fact(field('A', 'string')))).to.equal(undefined);
  });

  describe('valueProblem', () => {
    const problem = (f: ReturnType<typeof field>, value: string | number | boolean): string | undefined =>
      valueProblem(fact(f), value)?.text;

    it('accepts values that fit each type', () => {
      const fits: Array<[ReturnType<typeof field>, string | number | boolean]> = [
        [field('A', 'boolean'), true],
        [field('A', 'boolean'), 'false'],
        [field('A', 'int'), 42],
        [field('A', 'int'), '-7'],
        [field('A', 'double'), 1.5],
        [field('A', 'currency'), '19.99'],
        [field('A', 'percent'), 12],
        [field('A', 'date'), '2026-02-28'],
        [field('A', 'datetime'), '2026-02-28T10:30:00Z'],
        [field('A', 'datetime'), '2026-02-28T10:30:00.000+0100'],
        [field('A', 'time'), '10:30:00'],
        [field('A', 'email'), 'a@b.example'],
        [field('A', 'string', { length: 10 }), 'short'],
        [field('A', 'string', { length: 10 }), 12345],
        [field('A', 'phone'), '+1 555 0100'],
        [picklist('A', ['Web', 'Phone']), 'Web'],
        [field('A', 'multipicklist', { picklistValues: ['X', 'Y'].map((v) => ({ value: v, label: v, active: true, defaultValue: false })) }), 'X; Y'],
      ];
      for (const [f, value] of fits) expect(problem(f, value), `${f.type} ${String(value)}`).to.equal(undefined);
    });

    it('rejects values that do not fit, saying why', () => {
      expect(problem(field('A', 'boolean'), 'yes')).to.equal('"yes" is not true or false');
      expect(problem(field('A', 'int'), 1.5)).to.equal('"1.5" is not a whole number');
      expect(problem(field('A', 'int'), 'ten')).to.equal('"ten" is not a whole number');
      expect(problem(field('A', 'currency'), '$5')).to.equal('"$5" is not a number');
      expect(problem(field('A', 'currency'), true)).to.equal('"true" is not a number');
      expect(problem(field('A', 'date'), '2026-02-30')).to.equal('"2026-02-30" is not a date (YYYY-MM-DD)');
      expect(problem(field('A', 'date'), '28/02/2026')).to.equal('"28/02/2026" is not a date (YYYY-MM-DD)');
      expect(problem(field('A', 'datetime'), '2026-02-28')).to.equal('"2026-02-28" is not a date and time (YYYY-MM-DDThh:mm:ssZ)');
      expect(problem(field('A', 'time'), 'noon')).to.equal('"noon" is not a time (hh:mm:ss)');
      expect(problem(field('A', 'email'), 'nobody')).to.equal('"nobody" is not an email address');
      expect(problem(field('A', 'string', { length: 3 }), 'toolong')).to.equal('"toolong" is longer than the field\'s 3 characters');
    });

    it('marks wrong types as blocking', () => {
      expect(valueProblem(fact(field('A', 'int')), 'x')?.blocking).to.equal(true);
    });

    it('explains picklist values that are unknown, inactive or differently spelled', () => {
      const source = picklist('A', ['Web', '-Trade Show']);
      expect(problem(source, 'Fax')).to.equal('"Fax" is not a value of the picklist (active values: Web)');
      expect(problem(source, 'Trade Show')).to.equal('"Trade Show" is an inactive picklist value');
      expect(problem(source, 'web')).to.equal('"web" is spelled "Web" in the picklist');
      expect(problem(picklist('A', ['-Old']), 'New')).to.equal('"New" is not a value of the picklist (active values: (none))');
    });

    it('blocks an off-list value only on a restricted picklist', () => {
      expect(valueProblem(fact(picklist('A', ['Web', '-Old'])), 'Old')?.blocking).to.equal(false);
      expect(valueProblem(fact(picklist('A', ['Web', '-Old'], { restrictedPicklist: true })), 'Old')?.blocking).to.equal(true);
    });

    it('checks every value of a multi-select picklist', () => {
      const multi = field('A', 'multipicklist', { picklistValues: [{ value: 'X', label: 'X', active: true, defaultValue: false }] });
      expect(problem(multi, 'X;Z')).to.equal('"Z" is not a value of the picklist (active values: X)');
    });
  });
});
