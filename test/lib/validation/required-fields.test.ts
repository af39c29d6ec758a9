import { expect } from 'chai';
import { judgeRequiredFields } from '../../../src/lib/validation/required-fields.js';
import { describes, failure, field, notFetched, picklist, standardObjects } from '../doctor/hand-made-facts.js';

const lead = standardObjects().Lead;
const region = field('Region__c', 'string', { nillable: false, length: 20 });
const budget = field('Budget__c', 'currency', { nillable: false });
const tier = picklist('Tier__c', ['Gold', 'Silver'], { nillable: false, restrictedPicklist: true });
const withDefault = field('Source__c', 'string', { nillable: false, defaultedOnCreate: true });

describe('validation/required-fields', () => {
  it('passes a standard org, naming the fields the default mapping fills', () => {
    const check = judgeRequiredFields(describes());
    expect(check).to.deep.equal({
      id: 'required-fields',
      title: 'Required fields have a value source',
      status: 'pass',
      message:
        'Every required field on Lead, Contact, Account, Event and Case has a value source. ' +
        "Filled by OnceHub's default mapping (keep it in place): Lead.LastName, Lead.Company, Contact.LastName, Account.Name.",
    });
  });

  it('warns about required fields without a value source, with the placeholder OnceHub writes', () => {
    const check = judgeRequiredFields(describes({ Lead: [...lead, region, withDefault], Case: [...standardObjects().Case, budget, tier] }));
    expect(check.status).to.equal('warn');
    expect(check.message).to.include(
      'Required fields without a value source (3), where OnceHub writes a placeholder or the booking fails: ' +
        'Lead.Region__c (string: OnceHub writes "Unspecified"); Case.Budget__c (currency: OnceHub writes "$0.00"); ' +
        'Case.Tier__c (picklist: no placeholder exists, the booking may fail).'
    );
    expect(check.message).not.to.include('Source__c');
    expect(check.fix).to.include('Setup > Object Manager > Lead > Fields & Relationships > Region__c > Edit');
    expect(check.fix).to.include('"Lead.Region__c": { "value": "…" }');
  });

  it('passes a required field the setup file gives a value source, and says so', () => {
    const check = judgeRequiredFields(describes({ Lead: [...lead, region] }), { 'lead.region__c': { from: 'Customer - Country' } });
    expect(check.status).to.equal('pass');
    expect(check.message).to.include("Covered by the setup file's fieldValidation: Lead.Region__c.");
  });

  it('warns about fieldValidation keys that are not required fields of the org', () => {
    const check = judgeRequiredFields(describes(), {
      'Lead.Phone': { from: 'Customer - Phone' },
      'Lead.Nope__c': { value: 'x' },
    });
    expect(check.status).to.equal('warn');
    expect(check.message).to.include('fieldValidation names fields that are not required in this org: Lead.Phone (not required); Lead.Nope__c (no such field).');
    expect(check.fix).to.equal('Correct or remove those fieldValidation entries in the setup file.');
  });

  it('warns about a static value that does not fit its required field', () => {
    const check = judgeRequiredFields(describes({ Lead: [...lead, region, budget] }), {
      'Lead.Region__c': { value: 'Europe, Middle East and Africa' },
      'Lead.Budget__c': { value: 1000 },
    });
    expect(check.status).to.equal('warn');
    expect(check.message).to.include(
      'fieldValidation values that do not fit their field: Lead.Region__c: "Europe, Middle East and Africa" is longer than the field\'s 20 characters.'
    );
  });

  it('reports objects whose fields could not be read and still judges the others', () => {
    const facts = { ...describes({ Lead: [...lead, region] }), Case: notFetched<never>(failure) };
    const check = judgeRequiredFields(facts, { 'Case.Origin': { value: 'Web' } });
    expect(check.status).to.equal('warn');
    expect(check.message).to.include('Lead.Region__c');
    expect(check.message).to.include('Could not read the fields of Case (INVALID_TYPE).');
    // A fieldValidation key on an unreadable object is not judged.
    expect(check.message).not.to.include('Case.Origin');
    expect(check.fix).to.include('View Setup and Configuration');
  });
});
