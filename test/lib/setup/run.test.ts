import { expect } from 'chai';
import { buildReport } from '../../../src/lib/doctor/report.js';
import type { SetupApplied } from '../../../src/lib/setup/apply.js';
import { exitCodeOf } from '../../../src/lib/cli/exit-codes.js';
import { confirmation, confirmationRequired, setupOutcome } from '../../../src/lib/setup/run.js';
import { completedFacts } from '../doctor/hand-made-facts.js';
import { ADMIN, doneFacts, facts, plan, record } from './hand-made-plan.js';

const applied = (overrides: Partial<SetupApplied> = {}): SetupApplied => ({
  connection: null,
  permset: {
    permissionSet: { id: '0PS1', name: 'OnceHub_connector', label: 'OnceHub connector for Salesforce', namespacePrefix: 'ScheduleOnce' },
    assigned: [{ username: ADMIN, userId: '0051' }],
    alreadyAssigned: [],
    failed: [],
  },
  layouts: { layouts: [{ layout: 'Event Layout', added: ['ScheduleOnce__Event_status__c'], alreadyPresent: [] }] },
  ...overrides,
});

describe('setup run', () => {
  describe('confirmation', () => {
    const interactive = { noPrompt: false, canPrompt: true };
    const scripted = { noPrompt: false, canPrompt: false };

    it('asks before changing a production org when it can ask', () => {
      expect(confirmation(plan(), interactive)).to.equal('ask');
    });

    it('refuses a production change it cannot confirm (--json, no terminal)', () => {
      expect(confirmation(plan(), scripted)).to.equal('refuse');
    });

    it('goes ahead with --no-prompt', () => {
      expect(confirmation(plan(), { noPrompt: true, canPrompt: false })).to.equal('proceed');
    });

    it('goes ahead on a sandbox', () => {
      expect(confirmation(plan({ environment: 'sandbox' }), scripted)).to.equal('proceed');
    });

    it('goes ahead when the org would not change (only the connection is recorded, or nothing at all)', () => {
      expect(confirmation(plan({}, doneFacts()), scripted)).to.equal('proceed');
      expect(confirmation(plan({}, doneFacts(), record()), scripted)).to.equal('proceed');
    });

    it('the refusal names the count and the org, and says how to go on', () => {
      const err = confirmationRequired(plan({}, facts()), 'acme');
      expect(err.name).to.equal('ConfirmationRequiredError');
      expect(err.data).to.deep.include({ orgChanges: 2, connection: 'record' });
      expect(err.message).to.include('2 change(s) to the production org Acme');
      expect(err.actions?.join('\n')).to.include('--dry-run').and.include('--no-prompt');
    });
  });

  describe('setupOutcome', () => {
    const setupExitCode = (...args: Parameters<typeof setupOutcome>): number => exitCodeOf(setupOutcome(...args));
    const passing = buildReport(completedFacts());
    const failing = { ...passing, summary: { ...passing.summary, fail: 1 } };

    it('is 0 when every write went through and no doctor check fails', () => {
      expect(setupExitCode(applied(), passing)).to.equal(0);
    });

    it('is 1 when a doctor check fails, whatever the writes did', () => {
      expect(setupExitCode(applied(), failing)).to.equal(1);
      const refused = applied({ permset: { ...applied().permset!, assigned: [], failed: [{ username: ADMIN, errorCode: 'X', message: 'no' }] } });
      expect(setupExitCode(refused, failing)).to.equal(1);
    });

    it('is 68 when a write was refused but no doctor check fails', () => {
      const error = { errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access' };
      const refused = applied({ layouts: { layouts: [{ layout: 'Event Layout', added: [], alreadyPresent: [], notAdded: ['F'], error }] } });
      expect(setupExitCode(refused, passing)).to.equal(68);
    });

    it('is 0 when the installation steps were blocked and the doctor does not fail (nothing was refused)', () => {
      expect(setupExitCode(applied({ permset: null, layouts: null }), passing)).to.equal(0);
    });
  });
});
