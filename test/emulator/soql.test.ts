import { expect } from 'chai';
import { scenarios } from '../../emulator/index.js';
import { raw, rejection, useEmulator, type Rec } from './helpers.js';

describe('emulator: SOQL', () => {
  const ctx = useEmulator(() => ({
    org: scenarios.base().withPackage().withExtraUsers(25, { assigned: 3 }).withUsernameContainingQuote().build(),
    batchSize: 10,
  }));

  describe('paging', () => {
    it('returns the first page with the full totalSize and a locator URL', async () => {
      const res = await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Id+FROM+User');
      const body = res.json as { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Rec[] };
      const users = ctx.emu.org.records('User').length;
      expect(body.totalSize).to.equal(users);
      expect(body.done).to.equal(false);
      expect(body.records).to.have.length(10);
      expect(body.nextRecordsUrl).to.match(/^\/services\/data\/v66\.0\/query\/01g\w{15}-10$/);
    });

    it('follows locators with autoFetch and omits nextRecordsUrl on the last page', async () => {
      const res = await ctx.conn.query<Rec>('SELECT Id, Username FROM User', { autoFetch: true, maxFetch: 1000 });
      expect(res.done).to.equal(true);
      expect(res.records).to.have.length(res.totalSize);
      expect(new Set(res.records.map((r) => r.Id)).size).to.equal(res.totalSize);
      const last = ctx.emu.log.filter({ path: /\/query\/01g/ }).at(-1);
      expect(last?.status).to.equal(200);
    });

    it('accepts a queryAll locator on /query and a tooling locator on either path', async () => {
      const first = (await raw(ctx.emu, '/services/data/v66.0/queryAll?q=SELECT+Id+FROM+User')).json as { nextRecordsUrl: string };
      const locator = first.nextRecordsUrl.split('/').pop() as string;
      const next = await raw(ctx.emu, `/services/data/v66.0/query/${locator}`);
      expect(next.status).to.equal(200);
      expect((next.json as { records: Rec[] }).records).to.have.length(10);
      const t = (await raw(ctx.emu, '/services/data/v66.0/tooling/query?q=SELECT+Id+FROM+User')).json as { queryLocator: string; nextRecordsUrl: string };
      expect(t.nextRecordsUrl).to.match(/\/tooling\/query\/01g/);
      expect(t.queryLocator).to.match(/^01g\w{15}-10$/);
      expect((await raw(ctx.emu, `/services/data/v66.0/query/${t.queryLocator}`)).status).to.equal(200);
    });

    it('answers INVALID_QUERY_LOCATOR for an unknown locator', async () => {
      const res = await raw(ctx.emu, '/services/data/v66.0/query/01gDn000000zzzzAAA-10');
      expect(res.status).to.equal(400);
      expect((res.json as Array<{ errorCode: string }>)[0].errorCode).to.equal('INVALID_QUERY_LOCATOR');
    });

    it('lowers the page size with Sforce-Query-Options but never below 200 on the wire', async () => {
      const res = await raw(ctx.emu, '/services/data/v66.0/query?q=SELECT+Id+FROM+User', { headers: { 'Sforce-Query-Options': 'batchSize=200' } });
      expect((res.json as { records: Rec[] }).records).to.have.length(10);
    });
  });

  describe('shapes', () => {
    it('nests parent relationships with attributes and only the selected fields', async () => {
      const res = await ctx.conn.query<Rec>("SELECT Id, Profile.Name, Profile.UserLicense.Name FROM User WHERE Username = 'admin@acme.example'");
      const user = res.records[0];
      expect(Object.keys(user)).to.deep.equal(['attributes', 'Id', 'Profile']);
      expect(user.attributes).to.deep.equal({ type: 'User', url: `/services/data/v66.0/sobjects/User/${user.Id}` });
      const profile = user.Profile as Rec;
      expect(Object.keys(profile)).to.deep.equal(['attributes', 'Name', 'UserLicense']);
      expect(profile.Name).to.equal('System Administrator');
      expect((profile.attributes as Rec).type).to.equal('Profile');
      expect(profile.UserLicense).to.deep.include({ Name: 'Salesforce' });
      expect(((profile.UserLicense as Rec).attributes as Rec).url).to.match(/\/sobjects\/UserLicense\/100\w{15}$/);
    });

    it('keeps a null parent as a present key with the value null', async () => {
      const res = await ctx.conn.query<Rec>("SELECT Id, Profile.Name, UserRole.Name FROM User WHERE Username LIKE 'autoproc@%'");
      expect(res.records[0]).to.have.property('Profile', null);
      expect(res.records[0]).to.have.property('UserRole', null);
    });

    it('treats a WHERE on a null parent as null (outer join)', async () => {
      const all = ctx.emu.org.records('User').length;
      const res = await ctx.conn.query('SELECT COUNT() FROM User WHERE Profile.Name != null');
      expect(res.totalSize).to.equal(all - 1);
    });

    it('returns child subqueries, null when empty', async () => {
      const soql =
        "SELECT Id, Username, (SELECT PermissionSet.Name FROM PermissionSetAssignments WHERE PermissionSet.IsOwnedByProfile = false) FROM User WHERE Username IN ('user0001@acme.example', 'user0010@acme.example') ORDER BY Username";
      const res = await ctx.conn.query<Rec>(soql);
      const [assigned, unassigned] = res.records;
      expect(assigned.PermissionSetAssignments).to.deep.include({ totalSize: 1, done: true });
      const child = (assigned.PermissionSetAssignments as { records: Rec[] }).records[0];
      expect((child.attributes as Rec).type).to.equal('PermissionSetAssignment');
      expect((child.PermissionSet as Rec).Name).to.equal('ScheduleOnce_connector_for_Salesforce');
      expect(unassigned.PermissionSetAssignments).to.equal(null);
    });

    it('supports PermissionSet child relationships Assignments, ObjectPerms and FieldPerms', async () => {
      const res = await ctx.conn.query<Rec>(
        "SELECT Name, (SELECT AssigneeId FROM Assignments), (SELECT SobjectType, PermissionsRead FROM ObjectPerms ORDER BY SobjectType), (SELECT Field FROM FieldPerms) FROM PermissionSet WHERE NamespacePrefix = 'ScheduleOnce'"
      );
      const ps = res.records[0];
      expect((ps.Assignments as { totalSize: number }).totalSize).to.equal(3);
      expect((ps.ObjectPerms as { records: Rec[] }).records.map((r) => r.SobjectType)).to.deep.equal(['Account', 'Case', 'Contact', 'Lead']);
      expect((ps.FieldPerms as { records: Rec[] }).records.map((r) => r.Field)).to.have.members([
        'Event.ScheduleOnce__Event_status__c',
        'Event.ScheduleOnce__Cancel_reschedule_reason__c',
      ]);
    });

    it('includes the profile-owned permission set assignment of every user', async () => {
      const users = ctx.emu.org.where('User', (u) => u.ProfileId != null).length;
      const res = await ctx.conn.query('SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = true');
      expect(res.totalSize).to.equal(users);
    });

    it('answers COUNT() with totalSize and no records', async () => {
      const res = await raw(ctx.emu, "/services/data/v66.0/query?q=SELECT+COUNT()+FROM+User+WHERE+IsActive+=+true");
      const active = ctx.emu.org.where('User', (u) => u.IsActive === true).length;
      expect(res.json).to.deep.equal({ totalSize: active, done: true, records: [] });
    });

    it('answers COUNT(Id) and aliases as AggregateResult rows', async () => {
      const res = await ctx.conn.query<Rec>('SELECT COUNT(Id) FROM User');
      expect(res.totalSize).to.equal(1);
      expect(res.records[0]).to.deep.equal({ attributes: { type: 'AggregateResult' }, expr0: ctx.emu.org.records('User').length });
      const grouped = await ctx.conn.query<Rec>('SELECT Profile.Name, COUNT(Id) n FROM User WHERE ProfileId != null GROUP BY Profile.Name ORDER BY Profile.Name');
      expect(grouped.records.map((r) => r.Name)).to.include('System Administrator');
      expect(grouped.records.every((r) => typeof r.n === 'number')).to.equal(true);
    });

    it('returns canonical field casing whatever the query casing', async () => {
      const res = await ctx.conn.query<Rec>("select id, username, profile.name from USER where USERNAME = 'ADMIN@ACME.EXAMPLE'");
      expect(Object.keys(res.records[0])).to.deep.equal(['attributes', 'Id', 'Username', 'Profile']);
      expect(res.records[0].Username).to.equal('admin@acme.example');
      expect((res.records[0].attributes as Rec).type).to.equal('User');
    });

    it('returns unset fields as null and datetimes in Salesforce format', async () => {
      const res = await ctx.conn.query<Rec>("SELECT Title, CreatedDate, IsActive FROM User WHERE Username = 'jane.doe@acme.example'");
      expect(res.records[0].Title).to.equal(null);
      expect(res.records[0].CreatedDate).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      expect(res.records[0].IsActive).to.equal(true);
    });
  });

  describe('filters and ordering', () => {
    it('supports semi-joins (plugin-user profile lookup)', async () => {
      const res = await ctx.conn.query<Rec>("SELECT Name FROM Profile WHERE Id IN (SELECT ProfileId FROM User WHERE Username = 'pat.platform@acme.example')");
      expect(res.records.map((r) => r.Name)).to.deep.equal(['Standard Platform User']);
      const anti = await ctx.conn.query<Rec>('SELECT Name FROM Profile WHERE Id NOT IN (SELECT ProfileId FROM User WHERE IsActive = true) ORDER BY Name');
      expect(anti.records.map((r) => r.Name)).to.deep.equal(['Minimum Access - Salesforce']);
    });

    it('supports IN / NOT IN lists, AND / OR / NOT with parentheses', async () => {
      const res = await ctx.conn.query<Rec>(
        "SELECT Username FROM User WHERE (Username IN ('jane.doe@acme.example', 'sam.sales@acme.example') OR Username = 'pat.platform@acme.example') AND NOT Username = 'sam.sales@acme.example' ORDER BY Username"
      );
      expect(res.records.map((r) => r.Username)).to.deep.equal(['jane.doe@acme.example', 'pat.platform@acme.example']);
      const notIn = await ctx.conn.query("SELECT COUNT() FROM User WHERE Username NOT IN ('jane.doe@acme.example') AND IsActive = false");
      expect(notIn.totalSize).to.equal(1);
    });

    it('matches LIKE with % and _ case-insensitively', async () => {
      const res = await ctx.conn.query<Rec>("SELECT Username FROM User WHERE Username LIKE 'USER000_@%' ORDER BY Username");
      expect(res.records).to.have.length(9);
      expect(res.records[0].Username).to.equal('user0001@acme.example');
    });

    it('orders ASC/DESC with NULLS FIRST/LAST and applies LIMIT/OFFSET', async () => {
      const asc = await ctx.conn.query<Rec>("SELECT Username FROM User WHERE Username LIKE 'user%' ORDER BY Username DESC LIMIT 3 OFFSET 2");
      expect(asc.records.map((r) => r.Username)).to.deep.equal(['user0023@acme.example', 'user0022@acme.example', 'user0021@acme.example']);
      expect(asc.totalSize).to.equal(3);
      const nullsFirst = await ctx.conn.query<Rec>('SELECT Username, ProfileId FROM User ORDER BY ProfileId NULLS FIRST LIMIT 1');
      expect(nullsFirst.records[0].ProfileId).to.equal(null);
      const nullsLast = await ctx.conn.query<Rec>('SELECT Username, ProfileId FROM User ORDER BY ProfileId DESC NULLS LAST LIMIT 1');
      expect(nullsLast.records[0].ProfileId).to.not.equal(null);
    });

    it('matches ids given in 15 or 18 characters', async () => {
      const id = ctx.emu.org.requireUser('jane.doe@acme.example').Id;
      for (const literal of [id, id.slice(0, 15), id.slice(0, 15) + id.slice(15).toLowerCase()]) {
        const res = await ctx.conn.query<Rec>(`SELECT Id FROM User WHERE Id = '${literal}'`);
        expect(res.records.map((r) => r.Id), literal).to.deep.equal([id]);
      }
    });

    it('handles escaped quotes in literals', async () => {
      const res = await ctx.conn.query<Rec>("SELECT Username, LastName FROM User WHERE Username = 'o\\'brien@acme.example'");
      expect(res.records).to.have.length(1);
      expect(res.records[0].LastName).to.equal("O'Brien");
    });

    it('compares booleans, dates and numbers', async () => {
      expect((await ctx.conn.query('SELECT COUNT() FROM User WHERE IsActive = false')).totalSize).to.equal(1);
      expect((await ctx.conn.query('SELECT COUNT() FROM Event WHERE StartDateTime > 2025-01-25T00:00:00Z')).totalSize).to.equal(1);
      expect((await ctx.conn.query('SELECT COUNT() FROM Event WHERE DurationInMinutes >= 30')).totalSize).to.equal(2);
      expect((await ctx.conn.query('SELECT COUNT() FROM User WHERE CreatedDate < TODAY')).totalSize).to.be.greaterThan(0);
    });
  });

  describe('extras used by the sf CLI', () => {
    it('answers ?columns=true with column metadata (sf data query)', async () => {
      const res = await raw(ctx.emu, `/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id, Profile.Name, Profile.UserLicense.Name FROM User')}&columns=true`);
      const body = res.json as { entityName: string; idSelected: boolean; columnMetadata: Array<{ columnName: string; joinColumns: Array<{ columnName: string; joinColumns: unknown[] }> }> };
      expect(body.entityName).to.equal('User');
      expect(body.idSelected).to.equal(true);
      expect(body.columnMetadata.map((c) => c.columnName)).to.deep.equal(['Id', 'Profile']);
      expect(body.columnMetadata[1].joinColumns.map((c) => c.columnName)).to.deep.equal(['Name', 'UserLicense']);
    });

    it('expands FIELDS(STANDARD) and requires LIMIT 200 for FIELDS(ALL)', async () => {
      const res = await ctx.conn.query<Rec>('SELECT FIELDS(STANDARD) FROM Organization');
      expect(res.records[0]).to.include.keys('Name', 'IsSandbox', 'OrganizationType');
      const err = await rejection(ctx.conn.query('SELECT FIELDS(ALL) FROM User'));
      expect(err.errorCode).to.equal('MALFORMED_QUERY');
      expect((await ctx.conn.query('SELECT FIELDS(ALL) FROM User LIMIT 5')).records).to.have.length(5);
    });
  });

  describe('errors', () => {
    it('MALFORMED_QUERY with the caret message', async () => {
      const err = await rejection(ctx.conn.query('SELECT Id FRM Account'));
      expect(err.errorCode).to.equal('MALFORMED_QUERY');
      expect(err.message).to.equal('\nSELECT Id FRM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM');
    });

    it('INVALID_FIELD for unknown columns and relationships', async () => {
      const err = await rejection(ctx.conn.query('SELECT Foo__c FROM Account'));
      expect(err.errorCode).to.equal('INVALID_FIELD');
      expect(err.message).to.match(/^\nSELECT Foo__c FROM Account\n {7}\^\nERROR at Row:1:Column:8\nNo such column 'Foo__c' on entity 'Account'\./);
      const rel = await rejection(ctx.conn.query('SELECT Bogus.Name FROM User'));
      expect(rel.errorCode).to.equal('INVALID_FIELD');
      expect(rel.message).to.contain("Didn't understand relationship 'Bogus' in field path.");
    });

    it('INVALID_TYPE for unknown objects, Tooling-only objects over REST and absent ScratchOrgInfo', async () => {
      for (const soql of ['SELECT Id FROM Bogus__c', 'SELECT Id FROM Layout', 'SELECT Id FROM ScratchOrgInfo limit 1']) {
        const err = await rejection(ctx.conn.query(soql));
        expect(err.errorCode, soql).to.equal('INVALID_TYPE');
        expect(err.message).to.match(/sObject type '\w+' is not supported/);
      }
    });

    it('INVALID_QUERY_FILTER_OPERATOR for a malformed id literal', async () => {
      const err = await rejection(ctx.conn.query("SELECT Id FROM User WHERE Id = 'abc'"));
      expect(err.errorCode).to.equal('INVALID_QUERY_FILTER_OPERATOR');
      expect(err.message).to.contain('invalid ID field: abc');
    });
  });
});
