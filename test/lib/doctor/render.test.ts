import { expect } from 'chai';
import { fixesInOrder, renderReport } from '../../../src/lib/doctor/render.js';
import { buildReport } from '../../../src/lib/doctor/report.js';
import { API_USER, completedFacts, fetched } from './hand-made-facts.js';

describe('doctor/render', () => {
  it('renders a completed org as a checklist', () => {
    const facts = completedFacts();
    expect(renderReport(buildReport(facts), facts)).to.deep.equal([
      'OnceHub setup of Acme Inc. (00D5g000000ProdAAA): production, Enterprise Edition',
      `API user: ${API_USER} (recorded by sf oncehub connect), standard mode`,
      '',
      '✓ API connection',
      '    ✓ Org edition has API access: Enterprise Edition has API access.',
      `    ✓ API user is active: ${API_USER} is active.`,
      `    ✓ API user has the Salesforce license: ${API_USER} has the Salesforce user license.`,
      `    ✓ API user has the System Administrator profile: ${API_USER} has the System Administrator profile.`,
      '    ✓ API user has API Enabled: api@acme.example has API Enabled, from the profile "System Administrator".',
      '    ✓ API user has Modify All Data: api@acme.example has Modify All Data, from the profile "System Administrator".',
      `    ✓ OnceHub connection recorded for this org and user: The production connection is recorded for ${API_USER} (connected 2026-11-20T10:00:00.000Z).`,
      '    ✓ Org has API requests left today: 118 of 15000 daily API requests used (0 %).',
      '✓ Installation',
      '    ✓ OnceHub package is installed: OnceHub connector for Salesforce 3.12.0.1 is installed (namespace ScheduleOnce).',
      `    ✓ API user has the OnceHub permission set: ${API_USER} has the permission set "OnceHub connector for Salesforce".`,
      '    ✓ Event page layouts show the OnceHub fields: All 1 Event page layouts in use show both OnceHub fields (Event status, Cancel/reschedule reason).',
      "    ○ The project's Event layout files show the OnceHub fields: Not checked: doctor runs outside an sf project (no sfdx-project.json in this folder or above).",
      '✓ Field validation',
      "    ✓ Required fields have a value source: Every required field on Lead, Contact, Account, Event and Case has a value source. Filled by OnceHub's default mapping (keep it in place): Lead.LastName, Lead.Company, Contact.LastName, Account.Name.",
      '    ✓ No active validation rules can reject bookings: No active validation rules on Lead, Contact, Account, Event or Case.',
      '    ✓ No active duplicate rules can block bookings: No active duplicate rules on Lead, Contact, Account or Case.',
      '○ Field mapping',
      '    ○ Mapped fields fit the org: Not checked: the field mapping is kept in OnceHub. Give it in a setup file with --config to check it against the org.',
      '○ Creation rules',
      '    ○ Creation rules fit the org: Not checked: the creation rules are kept in OnceHub. Give them in a setup file with --config to check them against the org.',
      '',
      '3 of 5 phases complete',
      'Checks: passed 14, warnings 0, failed 0, skipped 3',
    ]);
  });

  it('ends with the fixes of failing and warning checks, numbered in phase order, each once', () => {
    const facts = completedFacts({
      connections: {},
      installation: { ...completedFacts().installation, apiUserAssigned: fetched(false), layouts: fetched([{ name: 'Event Layout', missing: ['ScheduleOnce__Event_status__c'] }]) },
    });
    const lines = renderReport(buildReport(facts), facts);
    const fixes = lines.slice(lines.indexOf('Fixes, in order:'));
    expect(fixes).to.deep.equal([
      'Fixes, in order:',
      '  1. ⚠ sf oncehub connect -o acme-api',
      `  2. ✗ sf oncehub permset assign --target-org acme --on-behalf-of ${API_USER}`,
      '  3. ⚠ sf oncehub layout add-fields --target-org acme',
    ]);
    expect(lines).to.include('⚠ API connection');
    expect(lines).to.include('✗ Installation');
    expect(lines).to.include('1 of 5 phases complete');
  });

  it('fixesInOrder leaves out passing and skipped checks and repeated fixes', () => {
    const report = buildReport(completedFacts());
    report.phases[2].checks.push({ id: 'x', title: 'X', status: 'fail', message: 'm', fix: 'same' }, { id: 'y', title: 'Y', status: 'warn', message: 'm', fix: 'same' });
    expect(fixesInOrder(report)).to.deep.equal([{ status: 'fail', fix: 'same' }]);
  });
});
