import { expect } from 'chai';
import {
  ASSIGNMENT_RULES_QUERY,
  bookingOwnersQuery,
  judgeCreationRules,
  needsAssignmentRules,
  type OwnerFact,
  parseAssignmentRules,
  parseOwners,
} from '../../../src/lib/mapping/creation-rules.js';
import type { SetupFile } from '../../../src/lib/mapping/setup-file.js';
import { failure, fetched, notFetched } from '../doctor/hand-made-facts.js';

const ctx = { configPath: 'oncehub.json' };
const owner = (username: string, overrides: Partial<OwnerFact> = {}): OwnerFact => ({
  username,
  email: username,
  isActive: true,
  licenseName: 'Salesforce',
  ...overrides,
});
const leadRule = fetched([{ object: 'Lead', name: 'Standard' }]);

describe('mapping/creation-rules', () => {
  it('asks for active Lead and Case assignment rules, and for owners by username or email (quoted)', () => {
    expect(ASSIGNMENT_RULES_QUERY).to.equal("SELECT Id, Name, SobjectType FROM AssignmentRule WHERE Active = true AND SobjectType IN ('Lead','Case')");
    expect(bookingOwnersQuery(["o'brien@acme.example", 'rep@acme.example'])).to.equal(
      'SELECT Id, Username, Email, IsActive, Profile.UserLicense.Name FROM User ' +
        "WHERE Username IN ('o\\'brien@acme.example','rep@acme.example') OR Email IN ('o\\'brien@acme.example','rep@acme.example')"
    );
  });

  it('needs the assignment rules only when Leads or Cases use them', () => {
    expect(needsAssignmentRules(undefined)).to.equal(false);
    expect(needsAssignmentRules({ creationRules: { lead: { new: { owner: 'booking-page-owner' } } } })).to.equal(false);
    expect(needsAssignmentRules({ creationRules: { contact: { existing: { owner: 'assignment-rules' } } } })).to.equal(false);
    expect(needsAssignmentRules({ creationRules: { lead: { existing: { owner: 'assignment-rules' } } } })).to.equal(true);
    expect(needsAssignmentRules({ creationRules: { case: { owner: 'assignment-rules' } } })).to.equal(true);
  });

  it('parses rules and owners, with a null profile', () => {
    expect(parseAssignmentRules([{ Name: 'Std', SobjectType: 'Lead' }])).to.deep.equal([{ object: 'Lead', name: 'Std' }]);
    expect(
      parseOwners([
        { Username: 'a@x.example', Email: 'a@x.example', IsActive: true, Profile: { UserLicense: { Name: 'Salesforce' } } },
        { Username: 'b@x.example', Email: null, IsActive: false, Profile: null },
      ])
    ).to.deep.equal([owner('a@x.example'), { username: 'b@x.example', email: '', isActive: false, licenseName: null }]);
  });

  it('is skipped without a setup file or without rules and owners in it', () => {
    expect(judgeCreationRules(undefined, {}, ctx)).to.deep.include({ status: 'skip', title: 'Creation rules fit the org' });
    expect(judgeCreationRules({ fieldMapping: [] }, {}, ctx).message).to.equal(
      'Not checked: the setup file oncehub.json has no creationRules or bookingPageOwners.'
    );
  });

  it('passes rules that depend on nothing in the org', () => {
    const check = judgeCreationRules({ creationRules: { lead: { existing: { data: 'fill-empty', owner: 'keep' } } } }, {}, ctx);
    expect(check).to.deep.include({ status: 'pass', message: 'The creation rules depend on nothing in the org (no assignment rules, no booking page owners to check).' });
  });

  it('passes assignment rules that exist and owners who qualify, saying what was verified', () => {
    const setup: SetupFile = {
      creationRules: { lead: { existing: { owner: 'assignment-rules' }, new: { owner: 'assignment-rules' } }, case: { owner: 'booking-page-owner' } },
      bookingPageOwners: ['rep1@acme.example', 'Rep.Two@Acme.example'],
    };
    const check = judgeCreationRules(
      setup,
      { assignmentRules: leadRule, bookingOwners: fetched([owner('rep1@acme.example'), owner('rep2@acme.example', { email: 'rep.two@acme.example' })]) },
      ctx
    );
    expect(check).to.deep.include({
      status: 'pass',
      message: 'Lead has an active assignment rule; the booking page owners (2) are active users with the Salesforce license.',
    });
  });

  it('fails assignment rules chosen for an object without an active rule', () => {
    const check = judgeCreationRules({ creationRules: { case: { create: true, owner: 'assignment-rules' } } }, { assignmentRules: leadRule }, ctx);
    expect(check.status).to.equal('fail');
    expect(check.message).to.equal('case.owner is assignment-rules, but Case has no active assignment rule, so new records would stay with the API user');
    expect(check.fix).to.equal(
      'Activate a rule in Setup > Feature Settings > Service > Case Assignment Rules, or set case.owner to booking-page-owner in oncehub.json.'
    );
    const lead = judgeCreationRules({ creationRules: { lead: { new: { owner: 'assignment-rules' } } } }, { assignmentRules: fetched([]) }, ctx);
    expect(lead.fix).to.include('Lead Assignment Rules');
  });

  it('fails assignment rules for Contacts, which Salesforce does not have', () => {
    const check = judgeCreationRules({ creationRules: { contact: { new: { owner: 'assignment-rules' } } } }, {}, ctx);
    expect(check.status).to.equal('fail');
    expect(check.message).to.equal('contact.new.owner is assignment-rules, but Salesforce has assignment rules only for Leads and Cases');
  });

  it('warns when the rules or owners could not be read', () => {
    const setup: SetupFile = { creationRules: { lead: { new: { owner: 'assignment-rules' } } }, bookingPageOwners: ['a@x.example'] };
    const check = judgeCreationRules(setup, { assignmentRules: notFetched(failure), bookingOwners: notFetched(failure) }, ctx);
    expect(check.status).to.equal('warn');
    expect(check.message).to.equal('the assignment rules could not be read (INVALID_TYPE); the booking page owners could not be read (INVALID_TYPE)');
  });

  it('warns when booking-page-owner is chosen but no owners are listed', () => {
    const check = judgeCreationRules({ creationRules: { contact: { existing: { owner: 'booking-page-owner' } } } }, {}, ctx);
    expect(check.status).to.equal('warn');
    expect(check.fix).to.equal("List the booking page owners' usernames or emails under bookingPageOwners in oncehub.json.");
  });

  it('fails owners who are unknown, inactive or not Salesforce-licensed', () => {
    const check = judgeCreationRules(
      { bookingPageOwners: ['ghost@acme.example', 'former@acme.example', 'platform@acme.example', 'ok@acme.example'] },
      {
        bookingOwners: fetched([
          owner('former@acme.example', { isActive: false }),
          owner('platform@acme.example', { licenseName: 'Salesforce Platform' }),
          owner('ok@acme.example'),
        ]),
      },
      ctx
    );
    expect(check.status).to.equal('fail');
    expect(check.message).to.equal(
      'no user has the username or email ghost@acme.example; former@acme.example is inactive; ' +
        'platform@acme.example has the "Salesforce Platform" license; record owners need the Salesforce license'
    );
    expect(check.fix).to.include('Setup > Users > Users');
  });
});
