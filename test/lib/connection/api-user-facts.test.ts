import type { Connection as CoreConnection } from '@salesforce/core';
import { expect } from 'chai';
import { AUDITOR_USERNAME, RECALCULATING_GROUP_LABEL, SESSION_PERMSET_LABEL, scenarios } from '../../../emulator/index.js';
import { apiUserRequests, parseApiUserFacts } from '../../../src/lib/connection/api-user-facts.js';
import { judgeApiUser } from '../../../src/lib/connection/api-user.js';
import { sendComposite } from '../../../src/lib/org/requests.js';
import { API_VERSION, connect, useEmulator } from '../../emulator/helpers.js';

/**
 * The API user's facts read from the emulator over HTTP (in process), then judged: the edges of effective
 * permissions (an expired assignment, a session-based set, a group awaiting recalculation, UserLogin unreadable).
 */

const EXPIRED = 'expired@acme.example';
const SESSION = 'session@acme.example';
const GROUPED = 'grouped@acme.example';

describe('connection/api-user-facts against the emulator', () => {
  const ctx = useEmulator(() => ({
    org: scenarios
      .base()
      .withUser({ username: EXPIRED })
      .apiUserAccessExpired({ username: EXPIRED })
      .withUser({ username: SESSION })
      .apiUserViaSessionBasedPermissionSet(SESSION)
      .withUser({ username: GROUPED })
      .apiUserViaRecalculatingGroup({ username: GROUPED })
      .withSetupAuditor()
      .build(),
  }));

  /** A jsforce connection to the emulator with the one @salesforce/core method the request layer uses. */
  const as = (username: string): CoreConnection =>
    Object.assign(connect(ctx.emu, username), { getApiVersion: () => API_VERSION }) as unknown as CoreConnection;

  async function factsOf(username: string, caller = 'admin@acme.example', login = true) {
    const conn = as(caller);
    const requests = apiUserRequests(conn, username, { login });
    expect(requests).to.have.length(login ? 4 : 3);
    return parseApiUserFacts(conn, await sendComposite(conn, requests));
  }

  it('an expired assignment grants nothing: its set is not among the sets in force', async () => {
    const user = await factsOf(EXPIRED);
    expect(user).to.deep.include({ apiEnabled: true, editEvent: false, isFrozen: false });
    expect(user?.objectAccess.Lead).to.deep.equal({ Read: false, Create: false, Edit: false, Delete: false });
    expect(user?.grantedBy?.editEvent).to.deep.equal([]);
    expect(user).to.not.have.property('notCounted');
    const checks = judgeApiUser(EXPIRED, user, 'advanced-secure');
    expect(checks.map((c) => [c.id, c.status])).to.deep.equal([
      ['user-active', 'pass'],
      ['user-license', 'pass'],
      ['api-enabled', 'pass'],
      ['edit-events', 'fail'],
      ['object-access', 'fail'],
    ]);
  });

  it('a session-based set is read but not counted, and the failing checks say why', async () => {
    const user = await factsOf(SESSION);
    expect(user).to.deep.include({ apiEnabled: true, editEvent: false });
    const source = `the permission set "${SESSION_PERMSET_LABEL}"`;
    expect(user?.notCounted?.editEvent).to.deep.equal([{ source, reason: 'session-based' }]);
    expect(user?.notCounted?.objectAccess).to.deep.equal([{ source, reason: 'session-based' }]);
    const checks = judgeApiUser(SESSION, user, 'advanced-secure').filter((c) => c.status !== 'pass');
    expect(checks.map((c) => [c.id, c.status])).to.deep.equal([
      ['edit-events', 'fail'],
      ['object-access', 'fail'],
    ]);
    for (const check of checks) expect(check.message).to.include(`${source} would grant it, but a session-based permission set grants nothing`);
  });

  it("a group awaiting recalculation is not counted on: the checks it alone would pass warn", async () => {
    const user = await factsOf(GROUPED);
    expect(user).to.deep.include({ apiEnabled: true, editEvent: false });
    expect(user?.notCounted?.editEvent).to.deep.equal([
      { source: `the permission set group "${RECALCULATING_GROUP_LABEL}"`, reason: 'group-status', status: 'Outdated' },
    ]);
    const checks = judgeApiUser(GROUPED, user, 'advanced-secure');
    expect(checks.map((c) => [c.id, c.status])).to.deep.equal([
      ['user-active', 'pass'],
      ['user-license', 'pass'],
      ['api-enabled', 'pass'],
      ['edit-events', 'warn'],
      ['object-access', 'warn'],
    ]);
  });

  it('a caller without Manage Users cannot read UserLogin: frozen is unknown and user-active warns', async () => {
    const user = await factsOf('admin@acme.example', AUDITOR_USERNAME);
    expect(user).to.deep.include({ isActive: true, frozenUnreadable: true });
    expect(user).to.not.have.property('isFrozen');
    expect(judgeApiUser('admin@acme.example', user, 'standard')[0]).to.deep.include({ id: 'user-active', status: 'warn' });
    const admin = await factsOf('admin@acme.example');
    expect(admin).to.deep.include({ isFrozen: false });
    expect(admin).to.not.have.property('frozenUnreadable');
  });
});
