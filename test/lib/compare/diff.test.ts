import { expect } from 'chai';
import { checkDifferences, isReady, schemaDifferences } from '../../../src/lib/compare/diff.js';
import { buildReport } from '../../../src/lib/doctor/report.js';
import type { SetupFile } from '../../../src/lib/mapping/setup-file.js';
import { completedFacts, type DescribeField, describes, fetched, field, notFetched, picklist } from '../doctor/hand-made-facts.js';

const lead = (...fields: DescribeField[]): ReturnType<typeof describes> => describes({ Lead: [...standardLead(), ...fields] });
const standardLead = (): DescribeField[] => [field('LastName', 'string', { nillable: false }), field('Company', 'string', { nillable: false }), field('Phone', 'phone')];

/** A row as JSON shows it (the fix is for the human table). */
const withoutFix = (row: { fix: string }): object => Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'fix'));

const file: SetupFile = {
  fieldValidation: { 'Lead.Region__c': { value: 'EMEA' } },
  fieldMapping: [
    { value: 'Webinar', to: 'Lead.Meeting_Type__c' },
    { from: 'Booking - Booking page name', to: 'Lead.Campaign_Code__c' },
    { from: 'Customer - Note', to: 'Lead.Referral__c' },
  ],
  creationRules: { lead: { existing: { data: 'override' } } },
};

const sandboxFields = (): DescribeField[] => [
  field('Region__c', 'string', { nillable: false }),
  picklist('Meeting_Type__c', ['Demo', 'Webinar'], { restrictedPicklist: true }),
  field('Campaign_Code__c', 'string'),
  field('Referral__c', 'string'),
];

const side = (fields: DescribeField[], rules: Partial<Pick<ReturnType<typeof completedFacts>, 'validationRules' | 'duplicateRules'>> = {}) => ({
  describes: lead(...fields),
  validationRules: fetched([]),
  duplicateRules: fetched([]),
  ...rules,
});

describe('compare/diff', () => {
  describe('checkDifferences', () => {
    it('lists each check whose status differs, with the target fix; nothing when equal', () => {
      const source = buildReport(completedFacts());
      expect(checkDifferences(source, buildReport(completedFacts()))).to.deep.equal([]);
      const target = buildReport(
        completedFacts({ installation: { ...completedFacts().installation, apiUserAssigned: fetched(false) }, apiUsage: { used: 14_000, limit: 15_000 } })
      );
      const differences = checkDifferences(source, target);
      expect(differences.map(({ phase, id, source: from, target: to }) => [phase, id, from, to])).to.deep.equal([
        ['api-connection', 'api-usage', 'pass', 'warn'],
        ['installation', 'permset-assigned', 'pass', 'fail'],
      ]);
      expect(differences[1].fix).to.match(/^sf oncehub permset assign/);
      expect(isReady(differences, [])).to.equal(false);
    });

    it('a target better than the source is still ready', () => {
      const source = buildReport(completedFacts({ connections: {} }));
      const differences = checkDifferences(source, buildReport(completedFacts()));
      expect(differences.map((d) => [d.id, d.source, d.target])).to.deep.equal([['recorded-connection', 'warn', 'pass']]);
      expect(isReady(differences, [])).to.equal(true);
    });
  });

  describe('schemaDifferences', () => {
    it('finds nothing between identical orgs', () => {
      expect(schemaDifferences(file, side(sandboxFields()), side(sandboxFields()))).to.deep.equal([]);
    });

    it('a field missing, of another type, read-only or not updateable under override', () => {
      const target = side([
        field('Region__c', 'string', { nillable: false }),
        picklist('Meeting_Type__c', ['Demo', 'Webinar'], { restrictedPicklist: true }),
        field('Referral__c', 'textarea'),
      ]);
      expect(schemaDifferences(file, side(sandboxFields()), target).map(withoutFix)).to.deep.equal([
        { object: 'Lead', field: 'Campaign_Code__c', issue: 'missing', severity: 'breaking', source: 'string', target: 'missing' },
        { object: 'Lead', field: 'Referral__c', issue: 'type', severity: 'breaking', source: 'string', target: 'textarea' },
      ]);
      const readOnly = side([...sandboxFields().slice(0, 3), field('Referral__c', 'string', { createable: false, updateable: false })]);
      expect(schemaDifferences(file, side(sandboxFields()), readOnly).map((d) => [d.field, d.issue])).to.deep.equal([['Referral__c', 'not-createable']]);
      const notUpdateable = side([...sandboxFields().slice(0, 3), field('Referral__c', 'string', { updateable: false })]);
      expect(schemaDifferences(file, side(sandboxFields()), notUpdateable).map((d) => [d.field, d.issue])).to.deep.equal([['Referral__c', 'not-updateable']]);
      const fillEmpty: SetupFile = { ...file, creationRules: { lead: { existing: { data: 'fill-empty' } } } };
      expect(schemaDifferences(fillEmpty, side(sandboxFields()), notUpdateable)).to.deep.equal([]);
    });

    it('a picklist value missing or inactive in a restricted picklist breaks, with a fix naming value and field', () => {
      const restricted = { restrictedPicklist: true };
      const missing = side([...sandboxFields().filter((f) => f.name !== 'Meeting_Type__c'), picklist('Meeting_Type__c', ['Demo'], restricted)]);
      const [row] = schemaDifferences(file, side(sandboxFields()), missing);
      expect(row).to.deep.include({ field: 'Meeting_Type__c = Webinar', issue: 'picklist-value-missing', severity: 'breaking', source: 'active', target: 'missing' });
      expect(row.fix).to.include('"Webinar"').and.include('Lead.Meeting_Type__c');
      const inactive = side([...sandboxFields().filter((f) => f.name !== 'Meeting_Type__c'), picklist('Meeting_Type__c', ['Demo', '-Webinar'], restricted)]);
      expect(schemaDifferences(file, side(sandboxFields()), inactive).map((d) => d.issue)).to.deep.equal(['picklist-value-inactive']);
      expect(isReady([], schemaDifferences(file, side(sandboxFields()), inactive))).to.equal(false);
    });

    it('a value missing or inactive in an unrestricted picklist is a warning, as the doctor judges it: still ready', () => {
      for (const values of [['Demo'], ['Demo', '-Webinar']]) {
        const target = side([...sandboxFields().filter((f) => f.name !== 'Meeting_Type__c'), picklist('Meeting_Type__c', values)]);
        const rows = schemaDifferences(file, side(sandboxFields()), target);
        expect(rows.map((d) => [d.field, d.severity])).to.deep.equal([['Meeting_Type__c = Webinar', 'warning']]);
        expect(rows[0].fix).to.include('unrestricted').and.include('Lead.Meeting_Type__c');
        expect(isReady([], rows)).to.equal(true);
      }
    });

    it('a check that only warns in the target is listed but does not block; one that fails does', () => {
      expect(isReady([{ phase: 'field-mapping', id: 'mapping', title: 'm', source: 'pass', target: 'warn' }], [])).to.equal(true);
      expect(isReady([{ phase: 'field-mapping', id: 'mapping', title: 'm', source: 'warn', target: 'fail' }], [])).to.equal(false);
    });

    it('a field required only in the target, unless the file gives it a value source; a risk, not a break', () => {
      const target = side([...sandboxFields(), field('Budget__c', 'currency', { nillable: false })]);
      const rows = schemaDifferences(file, side(sandboxFields()), target);
      expect(rows.map((d) => [d.field, d.issue, d.source, d.target])).to.deep.equal([['Budget__c', 'newly-required', 'missing', 'required']]);
      expect(isReady([], rows)).to.equal(true);
      const covered: SetupFile = { ...file, fieldValidation: { ...file.fieldValidation, 'Lead.Budget__c': { value: 0 } } };
      expect(schemaDifferences(covered, side([...sandboxFields(), field('Budget__c', 'currency')]), target)).to.deep.equal([]);
    });

    it('validation and duplicate rules found only in the target; unreadable rules are left to the checks', () => {
      const phone = { object: 'Lead', name: 'Phone_Required', errorMessage: '' };
      const source = side(sandboxFields(), { validationRules: fetched([phone]) });
      const target = side(sandboxFields(), {
        validationRules: fetched([phone, { object: 'Lead', name: 'Budget_Positive', errorMessage: '' }]),
        duplicateRules: fetched([{ object: 'Contact', name: 'Standard_Contact_Duplicate_Rule', label: 'Standard' }]),
      });
      expect(schemaDifferences(file, source, target).map((d) => [d.object, d.field, d.issue])).to.deep.equal([
        ['Lead', 'Budget_Positive', 'validation-rule'],
        ['Contact', 'Standard_Contact_Duplicate_Rule', 'duplicate-rule'],
      ]);
      const unreadable = side(sandboxFields(), { validationRules: notFetched({ errorCode: 'INVALID_TYPE', message: 'no' }) });
      expect(schemaDifferences(file, unreadable, target).map((d) => d.issue)).to.deep.equal(['duplicate-rule']);
    });
  });
});
