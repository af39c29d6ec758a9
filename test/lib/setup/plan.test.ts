import { expect } from 'chai';
import {
  buildPlan,
  connectionStep,
  hasChanges,
  orgChanges,
  changedLayouts,
  planJson,
  planLayouts,
  planPermset,
} from '../../../src/lib/setup/plan.js';
import { ADMIN, admin, assignmentFacts, checked, facts, layoutWith, PERMSET, REASON, record, STATUS } from './hand-made-plan.js';


describe('setup plan', () => {
  describe('planPermset', () => {
    it('assigns the API user who lacks the set', () => {
      const step = planPermset(ADMIN, assignmentFacts(false), 'acme');
      expect(step).to.deep.include({ status: 'ready', permissionSet: PERMSET, toInsert: [admin] });
    });

    it('assigns nobody when the API user has the set already', () => {
      const step = planPermset(ADMIN, assignmentFacts(true), 'acme');
      expect(step.status === 'ready' && step.toInsert).to.deep.equal([]);
      expect(step.status === 'ready' && step.outcome.alreadyAssigned).to.deep.equal([{ username: ADMIN, userId: admin.id }]);
    });

    it('is blocked, naming Installation step 1, when the permission set does not exist', () => {
      const step = planPermset(ADMIN, assignmentFacts(false, false), 'acme');
      expect(step.status).to.equal('blocked');
      expect(step.status === 'blocked' && step.reason).to.include('Installation step 1').and.include('acme');
    });
  });

  describe('planLayouts', () => {
    it('never plans a write for a layout whose metadata could not be read, and shows why in the JSON plan', () => {
      const error = { errorCode: 'NO_CONTENT', message: 'no content' };
      const step = planLayouts(facts({ metadata: [{ error }, { metadata: layoutWith('Subject') }] }), 'acme');
      expect(changedLayouts(step).map((l) => l.layout.name)).to.deep.equal(['Sales Event Layout']);
      const json = planJson(buildPlan(checked(), 'Acme', record(), facts({ metadata: [{ error }, { metadata: layoutWith('Subject') }] })));
      expect(json.layouts.layouts[0]).to.deep.equal({ layout: 'Event Layout', add: [], alreadyPresent: [], error });
    });

    it('plans the missing fields of each layout and leaves complete ones unchanged', () => {
      const step = planLayouts(facts(), 'acme');
      if (step.status !== 'ready') throw new Error('expected a ready step');
      expect(step.layouts.map((l) => ['unreadable' in l.plan ? l.plan.unreadable : l.plan.added, l.layout.name].reverse().concat('unreadable' in l.plan ? [] : [l.plan.alreadyPresent]))).to.deep.equal([
        ['Event Layout', [STATUS, REASON], []],
        ['Sales Event Layout', [], [STATUS, REASON]],
      ]);
    });

    it('is blocked when a package field does not exist in the org, naming it', () => {
      const step = planLayouts(facts({ fieldsInOrg: [STATUS], metadata: [] }), 'acme');
      expect(step.status === 'blocked' && step.reason).to.include(REASON).and.not.include(STATUS);
    });
  });

  describe('connectionStep', () => {
    it('records when the environment has no record', () => {
      expect(connectionStep(undefined, checked())).to.equal('record');
    });

    it('keeps a record that says the same (usernames compare case-insensitively, ids by 15 characters)', () => {
      expect(connectionStep(record({ username: 'Admin@Acme.example', orgId: '00D000000000001' }), checked())).to.equal('unchanged');
    });

    for (const [what, change] of [
      ['another user', { username: 'api@acme.example' }],
      ['another org', { orgId: '00D000000000002AAA' }],
      ['another mode', { mode: 'advanced-secure' }],
      ['another alias', { alias: 'acme-old' }],
      ['another instance', { instanceUrl: 'https://acme2.my.salesforce.com' }],
    ] as const) {
      it(`records again over ${what}`, () => {
        expect(connectionStep(record(change), checked())).to.equal('record');
      });
    }
  });

  describe('buildPlan, orgChanges and planJson', () => {
    it('a fresh org: the connection, one assignment and one layout', () => {
      const plan = buildPlan(checked(), 'Acme', undefined, facts());

      expect(orgChanges(plan)).to.equal(2);
      expect(hasChanges(plan)).to.equal(true);
      expect(planJson(plan)).to.deep.equal({
        org: { id: '00D000000000001AAA', name: 'Acme', environment: 'production' },
        apiUser: { username: ADMIN, userId: admin.id, mode: 'standard' },
        connection: 'record',
        permset: {
          permissionSet: { id: PERMSET.id, name: PERMSET.name, label: PERMSET.label, namespacePrefix: 'ScheduleOnce' },
          assign: [{ username: ADMIN, userId: admin.id }],
          alreadyAssigned: [],
          failed: [],
        },
        layouts: {
          layouts: [
            { layout: 'Event Layout', add: [STATUS, REASON], alreadyPresent: [] },
            { layout: 'Sales Event Layout', add: [], alreadyPresent: [STATUS, REASON] },
          ],
        },
        orgChanges: 2,
      });
    });

    it('everything done: no change at all', () => {
      const done = facts({ assignment: assignmentFacts(true), metadata: [{ metadata: layoutWith(STATUS, REASON) }, { metadata: layoutWith(REASON, STATUS) }] });
      const plan = buildPlan(checked(), 'Acme', record(), done);
      expect(orgChanges(plan)).to.equal(0);
      expect(hasChanges(plan)).to.equal(false);
    });

    it('without the package: both installation steps blocked, only the connection to record', () => {
      const plan = buildPlan(checked(), 'Acme', undefined, facts({ assignment: assignmentFacts(false, false), fieldsInOrg: [], metadata: [] }));
      const json = planJson(plan);
      expect(json.permset).to.deep.include({ permissionSet: null, assign: [] });
      expect(json.permset.blocked).to.be.a('string');
      expect(json.layouts.layouts).to.deep.equal([]);
      expect(json.layouts.blocked).to.be.a('string');
      expect(orgChanges(plan)).to.equal(0);
      expect(hasChanges(plan)).to.equal(true);
    });
  });
});
