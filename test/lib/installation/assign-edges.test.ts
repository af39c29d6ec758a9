import type { Connection as CoreConnection } from '@salesforce/core';
import { expect } from 'chai';
import { EXPIRED_ON, PERMSET_LABEL, scenarios } from '../../../emulator/index.js';
import { fetchAssignmentFacts, insertAssignments, planAssignments } from '../../../src/lib/installation/assign.js';
import { groupsContaining, isExpired } from '../../../src/lib/installation/permset.js';
import { API_VERSION, connect, useEmulator } from '../../emulator/helpers.js';

/**
 * `permset assign` against the emulator (HTTP, in process) where the set is held in ways that do not count: an
 * assignment that has expired, a permission set group awaiting recalculation.
 */

const EXPIRED = 'expired@acme.example';
const OUTDATED = 'outdated@acme.example';
const UPDATED = 'updated@acme.example';

describe('installation/assign: expired assignments and groups not Updated', () => {
  const ctx = useEmulator(() => ({
    org: scenarios
      .base()
      .withPackage()
      .withUser({ username: EXPIRED })
      .withUser({ username: OUTDATED })
      .withUser({ username: UPDATED })
      .withPermsetAssignmentExpired({ usernames: [EXPIRED] })
      .withPermsetViaGroup({ usernames: [OUTDATED], groupLabel: 'OnceHub Pending', status: 'Outdated' })
      .withPermsetViaGroup({ usernames: [UPDATED] })
      .build(),
  }));
  const conn = (): CoreConnection => Object.assign(connect(ctx.emu), { getApiVersion: () => API_VERSION }) as unknown as CoreConnection;

  it('plans an insert for an expired assignment and for a group awaiting recalculation; an Updated group holds it', async () => {
    const facts = await fetchAssignmentFacts(conn(), [EXPIRED, OUTDATED, UPDATED]);
    const plan = planAssignments([EXPIRED, OUTDATED, UPDATED], facts);
    expect(plan.toInsert.map((u) => [u.username, u.expiredOn])).to.deep.equal([
      [EXPIRED, EXPIRED_ON],
      [OUTDATED, undefined],
    ]);
    expect(plan.outcome.alreadyAssigned).to.deep.equal([{ username: UPDATED, userId: ctx.emu.org.requireUser(UPDATED).Id, via: 'OnceHub Users' }]);

    const outcome = await insertAssignments(conn(), facts.permissionSet!, plan.toInsert);
    expect(outcome.assigned.map((r) => r.username)).to.deep.equal([OUTDATED]);
    // The expired row is still stored, so Salesforce's uniqueness refuses a second one: said plainly, not "already".
    expect(outcome.alreadyAssigned).to.deep.equal([]);
    expect(outcome.failed).to.have.length(1);
    expect(outcome.failed[0]).to.deep.include({ username: EXPIRED, errorCode: 'DUPLICATE_VALUE' });
    expect(outcome.failed[0].message).to.equal(
      `The assignment of "${PERMSET_LABEL}" to ${EXPIRED} expired on ${EXPIRED_ON} and grants nothing, but Salesforce still keeps it, so a new one cannot be added yet. Remove the expired assignment (Setup > Permission Sets > the set > Manage Assignments), or wait until Salesforce removes it, then run this command again.`
    );
  });

  it('judges expiry from the row, and group Status from the components', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(isExpired({ ExpirationDate: '2025-12-31T23:59:59.000+0000' }, now)).to.equal(true);
    expect(isExpired({ ExpirationDate: '2026-01-02T00:00:00.000+0000' }, now)).to.equal(false);
    expect(isExpired({ ExpirationDate: null }, now)).to.equal(false);
    const components = ['Updated', 'Outdated', 'Updating', 'Failed', undefined].map((status, i) => ({
      PermissionSetId: '0PS000000000001AAA',
      PermissionSetGroupId: `0PG00000000000${i}AAA`,
      PermissionSetGroup: { MasterLabel: String(status), ...(status ? { Status: status } : {}) },
    }));
    expect([...groupsContaining('0PS000000000001AAA', components, { updatedOnly: true }).values()]).to.deep.equal(['Updated', 'undefined']);
    expect(groupsContaining('0PS000000000001AAA', components).size).to.equal(5);
  });
});
