import { expect } from 'chai';
import type { SetupApplied } from '../../../src/lib/setup/apply.js';
import { renderPlan, renderSteps } from '../../../src/lib/setup/render.js';
import { ADMIN, assignmentFacts, doneFacts, facts, plan, REASON, record, STATUS } from './hand-made-plan.js';

const LABEL = 'OnceHub connector for Salesforce';
const permissionSet = { id: '0PS1', name: 'OnceHub_connector', label: LABEL, namespacePrefix: 'ScheduleOnce' };

describe('setup render', () => {
  describe('renderPlan', () => {
    it('lists the connection, the assignment and each layout to change', () => {
      expect(renderPlan(plan())).to.deep.equal([
        'Plan for Acme (production):',
        `  - record the connection of ${ADMIN} as the OnceHub API user for production (standard mode)`,
        `  - assign the permission set "${LABEL}" to ${ADMIN}`,
        `  - add ${STATUS}, ${REASON} to the Event layout "Event Layout"`,
      ]);
    });

    it('says "Nothing to change." when everything is done and recorded', () => {
      expect(renderPlan(plan({}, doneFacts(), record()))).to.deep.equal(['Plan for Acme (production):', '  Nothing to change.']);
    });

    it('names what cannot be done without the package', () => {
      const noPackage = facts({ assignment: assignmentFacts(false, false), fieldsInOrg: [], metadata: [] });
      const lines = renderPlan(plan({ environment: 'sandbox' }, noPackage, record({ environment: 'sandbox' })));
      expect(lines[0]).to.equal('Plan for Acme (sandbox):');
      expect(lines[1]).to.match(/^ {2}- ✗ Cannot assign the OnceHub permission set: .*Installation step 1/);
      expect(lines[2]).to.match(new RegExp(`^ {2}- ✗ Cannot add the package fields to the Event layouts: ${STATUS}, ${REASON} do not exist`));
      expect(lines[3]).to.equal('  Nothing to change.');
    });
  });

  describe('renderSteps', () => {
    it('one line per step done', () => {
      const applied: SetupApplied = {
        connection: { ...record(), connectedAt: '2026-11-23T10:00:00.000Z' },
        permset: { permissionSet, assigned: [{ username: ADMIN, userId: '0051' }], alreadyAssigned: [], failed: [] },
        layouts: {
          layouts: [
            { layout: 'Event Layout', added: [STATUS, REASON], alreadyPresent: [] },
            { layout: 'Sales Event Layout', added: [], alreadyPresent: [STATUS, REASON] },
          ],
        },
      };
      expect(renderSteps(plan(), applied)).to.deep.equal([
        `✓ Connected ${ADMIN} as the OnceHub API user for production (standard mode).`,
        `✓ Assigned the permission set "${LABEL}" to ${ADMIN}.`,
        '✓ Added the OnceHub fields to "Event Layout" (1 of 2 Event layouts).',
      ]);
    });

    it('steps already done, and refusals with their reason', () => {
      const applied: SetupApplied = {
        connection: null,
        permset: { permissionSet, assigned: [], alreadyAssigned: [], failed: [{ username: ADMIN, errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'License mismatch.' }] },
        layouts: {
          layouts: [
            { layout: 'Event Layout', added: [], alreadyPresent: [STATUS, REASON] },
            { layout: 'Sales Event Layout', added: [], alreadyPresent: [], notAdded: [STATUS], error: { errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'No access.' } },
          ],
        },
      };
      expect(renderSteps(plan(), applied)).to.deep.equal([
        `✓ ${ADMIN} is already connected as the OnceHub API user for production (standard mode).`,
        `✗ Could not assign the permission set "${LABEL}" to ${ADMIN}: License mismatch. (FIELD_INTEGRITY_EXCEPTION)`,
        '✗ Could not update the Event layout "Sales Event Layout": No access. (INSUFFICIENT_ACCESS_OR_READONLY)',
      ]);
    });

    it('all layouts complete, or none in use', () => {
      const done: SetupApplied = {
        connection: null,
        permset: { permissionSet, assigned: [], alreadyAssigned: [{ username: ADMIN, userId: '0051' }], failed: [] },
        layouts: { layouts: [{ layout: 'Event Layout', added: [], alreadyPresent: [STATUS, REASON] }] },
      };
      expect(renderSteps(plan(), done).slice(1)).to.deep.equal([
        `✓ The permission set "${LABEL}" is already assigned to ${ADMIN}.`,
        '✓ The OnceHub fields are already on all 1 Event layouts.',
      ]);
      expect(renderSteps(plan(), { ...done, layouts: { layouts: [] } }).at(-1)).to.match(/^⚠ No Event page layout/);
    });

    it('the blocked steps say why', () => {
      const blocked = plan({}, facts({ assignment: assignmentFacts(false, false), fieldsInOrg: [], metadata: [] }));
      const lines = renderSteps(blocked, { connection: null, permset: null, layouts: null });
      expect(lines.slice(1).every((l) => l.startsWith('✗ Cannot'))).to.equal(true);
      expect(lines).to.have.length(3);
    });
  });
});
