import { expect } from 'chai';
import {
  API_ACCESS_PERMSET_LABEL,
  AUDITOR_USERNAME,
  EXPIRED_ON,
  RECALCULATING_GROUP_LABEL,
  SESSION_PERMSET_LABEL,
  MINIMAL_PROFILE,
  ONCEHUB_GROUP_LABEL,
  OPS_ADMIN_USERNAME,
  PERMSET_LABEL,
  scenarios,
} from '../../emulator/index.js';
import { ADMIN, connect, rejection, useEmulator, type Rec } from './helpers.js';

/** Effective permissions, permission set groups and frozen users (sources: emulator/README.md, "Behaviour worth knowing"). */

const API_USER = 'api@acme.example';
const GROUP_USER = 'jane.doe@acme.example';
const FROZEN = 'frozen@acme.example';

describe('emulator: effective permissions, groups and frozen users', () => {
  const ctx = useEmulator(() => ({
    org: scenarios
      .base()
      .withPackage()
      .withApiUser(API_USER, { profile: 'Standard User' })
      .apiUserAdvancedSecureViaPermissionSet()
      .withPermsetViaGroup({ usernames: [GROUP_USER] })
      .withUser({ username: FROZEN, profile: 'System Administrator' })
      .apiUserFrozen(FROZEN)
      .build(),
  }));

  it('a minimal profile plus a permission set with API Enabled can call the API', async () => {
    const conn = connect(ctx.emu, API_USER);
    const [user] = (await conn.query<Rec>(`SELECT Profile.Name, Profile.PermissionsApiEnabled FROM User WHERE Username = '${API_USER}'`)).records;
    expect(user.Profile).to.deep.include({ Name: MINIMAL_PROFILE, PermissionsApiEnabled: false });
  });

  it('UserPermissionAccess: one row with the running user\'s effective permissions', async () => {
    const rows = (await connect(ctx.emu, API_USER).query<Rec>('SELECT PermissionsApiEnabled, PermissionsModifyAllData, PermissionsEditEvent FROM UserPermissionAccess')).records;
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({ PermissionsApiEnabled: true, PermissionsModifyAllData: false, PermissionsEditEvent: true });
    const admin = (await ctx.conn.query<Rec>('SELECT PermissionsModifyAllData FROM UserPermissionAccess')).records;
    expect(admin[0].PermissionsModifyAllData).to.equal(true);
  });

  it('UserEntityAccess: effective object access, filtered by UserId and DurableId or EntityDefinitionId', async () => {
    const userId = ctx.emu.org.requireUser(API_USER).Id;
    const conn = connect(ctx.emu, API_USER);
    const rows = (
      await conn.query<Rec>(
        `SELECT EntityDefinitionId, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess WHERE UserId = '${userId}' AND EntityDefinitionId IN ('Lead','Account','Contact','Case','Opportunity') ORDER BY EntityDefinitionId`
      )
    ).records;
    expect(rows.map((r) => r.EntityDefinitionId)).to.deep.equal(['Account', 'Case', 'Contact', 'Lead']);
    expect(rows.every((r) => r.IsReadable && r.IsCreatable && r.IsEditable && r.IsDeletable)).to.equal(true);
    const byDurableId = (await conn.query<Rec>(`SELECT IsReadable FROM UserEntityAccess WHERE DurableId = 'Lead.${userId}'`)).records;
    expect(byDurableId).to.deep.equal([{ attributes: byDurableId[0].attributes, IsReadable: true }]);
  });

  it('PermissionSetAssignment: every user has a row for the profile-owned set; the union of its sets is its access', async () => {
    const rows = (
      await ctx.conn.query<Rec>(
        `SELECT Label, Type, IsOwnedByProfile, Profile.Name, PermissionsApiEnabled FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = '${API_USER}') ORDER BY Type`
      )
    ).records;
    expect(rows.map((r) => [r.Type, r.IsOwnedByProfile, r.PermissionsApiEnabled])).to.deep.equal([
      ['Profile', true, false],
      ['Regular', false, true],
    ]);
    expect((rows[0].Profile as Rec).Name).to.equal(MINIMAL_PROFILE);
    expect(rows[1].Label).to.equal(API_ACCESS_PERMSET_LABEL);
  });

  it('groups: components, a Type=Group aggregate set with their union, assignments carrying PermissionSetGroupId', async () => {
    const [component] = (
      await ctx.conn.query<Rec>(
        "SELECT PermissionSetGroupId, PermissionSetGroup.MasterLabel, PermissionSet.Label FROM PermissionSetGroupComponent WHERE PermissionSet.NamespacePrefix = 'ScheduleOnce'"
      )
    ).records;
    expect((component.PermissionSetGroup as Rec).MasterLabel).to.equal(ONCEHUB_GROUP_LABEL);
    expect((component.PermissionSet as Rec).Label).to.equal(PERMSET_LABEL);
    const [aggregate] = (
      await ctx.conn.query<Rec>(
        `SELECT Id, Type, PermissionsEditEvent, (SELECT SobjectType, PermissionsRead FROM ObjectPerms WHERE SobjectType = 'Lead') FROM PermissionSet WHERE PermissionSetGroupId = '${String(component.PermissionSetGroupId)}'`
      )
    ).records;
    expect(aggregate).to.deep.include({ Type: 'Group', PermissionsEditEvent: true });
    expect((aggregate.ObjectPerms as { records: Rec[] }).records[0]).to.deep.include({ SobjectType: 'Lead', PermissionsRead: true });
    const assignments = (
      await ctx.conn.query<Rec>(`SELECT PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE Assignee.Username = '${GROUP_USER}' AND PermissionSetGroupId != null`)
    ).records;
    expect(assignments).to.have.length(1);
    expect(assignments[0]).to.deep.include({ PermissionSetId: aggregate.Id, PermissionSetGroupId: component.PermissionSetGroupId });
  });

  it('a frozen user stays active; UserLogin.IsFrozen tells, and its own session is refused like an inactive user\'s', async () => {
    expect(ctx.emu.org.meta.adminUsername).to.equal(ADMIN);
    const [user] = (await ctx.conn.query<Rec>(`SELECT Id, IsActive FROM User WHERE Username = '${FROZEN}'`)).records;
    expect(user.IsActive).to.equal(true);
    const [login] = (await ctx.conn.query<Rec>(`SELECT IsFrozen FROM UserLogin WHERE UserId IN (SELECT Id FROM User WHERE Username = '${FROZEN}')`)).records;
    expect(login.IsFrozen).to.equal(true);
    const err = await rejection(connect(ctx.emu, FROZEN).query('SELECT Id FROM Organization'));
    expect(err.errorCode).to.equal('INVALID_SESSION_ID');
  });

  it('a frozen API user moves the scenario admin to the ops admin', () => {
    expect(scenarios.base().apiUserFrozen().build().meta.adminUsername).to.equal(OPS_ADMIN_USERNAME);
  });

  it('the base org\'s "Sales Operations" group aggregates its component', async () => {
    const rows = (await ctx.conn.query<Rec>("SELECT PermissionSet.Name FROM PermissionSetGroupComponent WHERE PermissionSetGroup.MasterLabel = 'Sales Operations'")).records;
    expect(rows.map((r) => (r.PermissionSet as Rec).Name)).to.deep.equal(['Marketing_Tools']);
  });
});

/**
 * The edges of effective permissions: an expired assignment, a session-based permission set, a permission set group
 * awaiting recalculation, and UserLogin, which only Manage Users may read.
 */
describe('emulator: expired assignments, session-based sets, groups being recalculated, UserLogin access', () => {
  const EXPIRED = 'expired@acme.example';
  const SESSION = 'session@acme.example';
  const GROUPED = 'grouped@acme.example';
  const ctx = useEmulator(() => ({
    org: scenarios
      .base()
      .withPackage()
      .withUser({ username: EXPIRED })
      .apiUserAccessExpired({ username: EXPIRED })
      .withUser({ username: SESSION })
      .apiUserViaSessionBasedPermissionSet(SESSION)
      .withUser({ username: GROUPED })
      .apiUserViaRecalculatingGroup({ username: GROUPED, status: 'Updating' })
      .withPermsetAssignmentExpired({ usernames: [GROUPED] })
      .withSetupAuditor()
      .build(),
  }));
  const own = async (username: string): Promise<Rec> =>
    (await connect(ctx.emu, username).query<Rec>('SELECT PermissionsApiEnabled, PermissionsEditEvent FROM UserPermissionAccess')).records[0];

  it('an assignment whose ExpirationDate has passed grants nothing; the row is still there and filterable', async () => {
    expect(await own(EXPIRED)).to.deep.include({ PermissionsApiEnabled: true, PermissionsEditEvent: false });
    const userId = ctx.emu.org.requireUser(EXPIRED).Id;
    const [lead] = (await ctx.conn.query<Rec>(`SELECT IsCreatable FROM UserEntityAccess WHERE UserId = '${userId}' AND EntityDefinitionId = 'Lead'`)).records;
    expect(lead.IsCreatable).to.equal(false);
    const all = (await ctx.conn.query<Rec>(`SELECT ExpirationDate FROM PermissionSetAssignment WHERE AssigneeId = '${userId}' AND ExpirationDate != null`)).records;
    expect(all.map((r) => r.ExpirationDate)).to.deep.equal([EXPIRED_ON]);
    const inForce = (
      await ctx.conn.query<Rec>(
        `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${userId}' AND (ExpirationDate = null OR ExpirationDate > 2025-06-01T00:00:00Z)`
      )
    ).records;
    expect(inForce).to.have.length(1); // the profile-owned set's row only
  });

  it('a session-based permission set (HasActivationRequired) grants nothing to an API session', async () => {
    expect(await own(SESSION)).to.deep.include({ PermissionsApiEnabled: true, PermissionsEditEvent: false });
    const [set] = (
      await ctx.conn.query<Rec>(`SELECT Label, Type, HasActivationRequired, PermissionsEditEvent FROM PermissionSet WHERE Label = '${SESSION_PERMSET_LABEL}'`)
    ).records;
    expect(set).to.deep.include({ Type: 'Session', HasActivationRequired: true, PermissionsEditEvent: true });
  });

  it("a group awaiting recalculation: its Status says so, and its aggregate set keeps the last recalculation's permissions", async () => {
    expect(await own(GROUPED)).to.deep.include({ PermissionsApiEnabled: true, PermissionsEditEvent: true });
    const [aggregate] = (
      await ctx.conn.query<Rec>(
        `SELECT Type, PermissionSetGroup.MasterLabel, PermissionSetGroup.Status FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = '${GROUPED}' AND PermissionSetGroupId != null)`
      )
    ).records;
    expect(aggregate.Type).to.equal('Group');
    expect(aggregate.PermissionSetGroup).to.deep.include({ MasterLabel: RECALCULATING_GROUP_LABEL, Status: 'Updating' });
  });

  it('UserLogin needs Manage Users: a user with View Setup and View All Data is refused the object', async () => {
    const err = await rejection(connect(ctx.emu, AUDITOR_USERNAME).query('SELECT UserId, IsFrozen FROM UserLogin'));
    expect(err.errorCode).to.equal('INVALID_TYPE');
    const sets = (await connect(ctx.emu, AUDITOR_USERNAME).query<Rec>('SELECT Id FROM PermissionSet LIMIT 1')).records;
    expect(sets).to.have.length(1);
    expect((await ctx.conn.query<Rec>('SELECT UserId FROM UserLogin')).records.length).to.be.greaterThan(0);
  });
});
