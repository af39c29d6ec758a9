import { expect } from 'chai';
import {
  DUPLICATE_RULES_QUERY,
  judgeDuplicateRules,
  judgeValidationRules,
  parseDuplicateRules,
  parseValidationRules,
  VALIDATION_RULES_QUERY,
} from '../../../src/lib/validation/rules.js';
import { failure, fetched, notFetched } from '../doctor/hand-made-facts.js';

describe('validation/rules', () => {
  it('queries the active rules of the booking objects only', () => {
    expect(VALIDATION_RULES_QUERY).to.equal(
      'SELECT Id, ValidationName, ErrorMessage, EntityDefinition.QualifiedApiName FROM ValidationRule ' +
        "WHERE Active = true AND EntityDefinition.QualifiedApiName IN ('Lead','Contact','Account','Event','Case')"
    );
    expect(DUPLICATE_RULES_QUERY).to.equal(
      'SELECT Id, DeveloperName, MasterLabel, SobjectType FROM DuplicateRule ' +
        "WHERE IsActive = true AND SobjectType IN ('Lead','Contact','Account','Case')"
    );
  });

  it('parses rules in object order, then by name', () => {
    expect(
      parseValidationRules([
        { ValidationName: 'Subject', ErrorMessage: 'Need a subject', EntityDefinition: { QualifiedApiName: 'Case' } },
        { ValidationName: 'Phone', ErrorMessage: null, EntityDefinition: { QualifiedApiName: 'Lead' } },
        { ValidationName: 'Ghost', EntityDefinition: null },
      ])
    ).to.deep.equal([
      { object: '', name: 'Ghost', errorMessage: '' },
      { object: 'Lead', name: 'Phone', errorMessage: '' },
      { object: 'Case', name: 'Subject', errorMessage: 'Need a subject' },
    ]);
    expect(
      parseDuplicateRules([
        { DeveloperName: 'B', MasterLabel: 'Rule B', SobjectType: 'Contact' },
        { DeveloperName: 'A', MasterLabel: null, SobjectType: 'Lead' },
      ])
    ).to.deep.equal([
      { object: 'Lead', name: 'A', label: 'A' },
      { object: 'Contact', name: 'B', label: 'Rule B' },
    ]);
  });

  describe('validation-rules', () => {
    it('passes without active rules', () => {
      expect(judgeValidationRules(fetched([]))).to.deep.equal({
        id: 'validation-rules',
        title: 'No active validation rules can reject bookings',
        status: 'pass',
        message: 'No active validation rules on Lead, Contact, Account, Event or Case.',
      });
    });

    it('warns with the name and error message of each active rule', () => {
      const check = judgeValidationRules(
        fetched([
          { object: 'Lead', name: 'Phone_Required', errorMessage: 'Phone is required.' },
          { object: 'Case', name: 'Subject_Required', errorMessage: '' },
        ])
      );
      expect(check.status).to.equal('warn');
      expect(check.message).to.equal(
        'Active validation rules (2) may reject the records OnceHub creates: Lead.Phone_Required ("Phone is required."); Case.Subject_Required.'
      );
      expect(check.fix).to.include('Setup > Object Manager > Lead, Case > Validation Rules');
    });

    it('warns when the rules cannot be read', () => {
      const check = judgeValidationRules(notFetched(failure));
      expect(check.status).to.equal('warn');
      expect(check.message).to.equal(
        "Could not read the validation rules (Tooling API ValidationRule) (INVALID_TYPE: sObject type 'X' is not supported.)."
      );
    });
  });

  describe('duplicate-rules', () => {
    it('passes without active rules', () => {
      expect(judgeDuplicateRules(fetched([])).status).to.equal('pass');
    });

    it('warns with the label of each active rule', () => {
      const check = judgeDuplicateRules(fetched([{ object: 'Lead', name: 'Standard_Lead_Duplicate_Rule', label: 'Standard Lead Duplicate Rule' }]));
      expect(check.status).to.equal('warn');
      expect(check.message).to.equal(
        'Active duplicate rules (1) may block the records OnceHub creates (DUPLICATES_DETECTED): Lead: Standard Lead Duplicate Rule.'
      );
      expect(check.fix).to.include('Setup > Duplicate Management > Duplicate Rules (Lead)');
    });

    it('warns when the rules cannot be read', () => {
      expect(judgeDuplicateRules(notFetched(failure)).message).to.match(/^Could not read the duplicate rules/);
    });
  });
});
