import type { Connection } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  type AssignmentFacts,
  chooseAssignees,
  explainFailure,
  fetchAssignmentFacts,
  insertAssignments,
  insertBodies,
  planAssignments,
  readSaveResults,
  type UserFacts,
} from '../../../src/lib/installation/assign.js';
import type { OncehubPermissionSet } from '../../../src/lib/installation/permset.js';
import { sfLogin } from '../connection/fake-org.js';
import { apiError, type FakeInstallationOrg, inList, installationOrg, ONCEHUB_PERMSET, user, userId } from './fake-installation-org.js';

const PERMSET: OncehubPermissionSet = {
  id: ONCEHUB_PERMSET.Id,
  name: ONCEHUB_PERMSET.Name,
  label: ONCEHUB_PERMSET.Label,
  namespacePrefix: 'ScheduleOnce',
  licenseName: 'Salesforce',
};

const facts = (n: number, overrides: Partial<UserFacts> = {}): UserFacts => ({
  id: userId(n),
  username: `user${n}@acme.example`,
  isActive: true,
  licenseName: 'Salesforce',
  ...overrides,
});

describe('installation/assign', () => {
  describe('chooseAssignees', () => {
    const resolveAlias = (v: string): string => ({ rep: 'rep@acme.example', api: 'api@acme.example' })[v] ?? v;

    it('takes -b values, resolving sf aliases and splitting space- or comma-separated values', () => {
      const usernames = chooseAssignees({
        onBehalfOf: ['rep', 'a@acme.example b@acme.example', 'c@acme.example,d@acme.example'],
        recordedUsername: 'api@acme.example',
        orgUsername: 'admin@acme.example',
        resolveAlias,
      });
      expect(usernames).to.deep.equal(['rep@acme.example', 'a@acme.example', 'b@acme.example', 'c@acme.example', 'd@acme.example']);
    });

    it('drops the same user given twice, also as alias and username or in another case', () => {
      const usernames = chooseAssignees({
        onBehalfOf: ['api', 'API@acme.example', 'api@acme.example'],
        orgUsername: 'admin@acme.example',
        resolveAlias,
      });
      expect(usernames).to.deep.equal(['api@acme.example']);
    });

    it('defaults to the recorded API user, else the authenticated user', () => {
      expect(chooseAssignees({ recordedUsername: 'api@acme.example', orgUsername: 'admin@acme.example', resolveAlias })).to.deep.equal(['api@acme.example']);
      expect(chooseAssignees({ orgUsername: 'admin@acme.example', resolveAlias })).to.deep.equal(['admin@acme.example']);
      expect(chooseAssignees({ onBehalfOf: [], orgUsername: 'admin@acme.example', resolveAlias })).to.deep.equal(['admin@acme.example']);
    });
  });

  describe('planAssignments', () => {
    const base = (): AssignmentFacts => ({
      permissionSet: PERMSET,
      users: [facts(1), facts(2), facts(3, { isActive: false }), facts(4)],
      assignedUserIds: new Set([userId(2)]),
    });

    it('inserts only for active users without the set; the rest are already assigned or failed', () => {
      const plan = planAssignments(['user1@acme.example', 'USER2@acme.example', 'user3@acme.example', 'ghost@acme.example'], base());
      expect(plan.toInsert.map((u) => u.username)).to.deep.equal(['user1@acme.example']);
      expect(plan.outcome.alreadyAssigned).to.deep.equal([{ username: 'user2@acme.example', userId: userId(2) }]);
      expect(plan.outcome.assigned).to.deep.equal([]);
      expect(plan.outcome.failed.map((f) => [f.username, f.errorCode])).to.deep.equal([
        ['user3@acme.example', 'INACTIVE_USER'],
        ['ghost@acme.example', 'USER_NOT_FOUND'],
      ]);
      expect(plan.outcome.failed[0].message).to.equal(
        'user3@acme.example is inactive; activate the user in Setup > Users before assigning the permission set (OnceHub\'s API user must be active).'
      );
      expect(plan.outcome.failed[1].message).to.include('No user with username "ghost@acme.example" exists in this org');
    });
  });

  describe('explainFailure', () => {
    it('turns a license error into a sentence naming the set, both licenses and the user', () => {
      const message = explainFailure(
        'FIELD_INTEGRITY_EXCEPTION',
        "The user license doesn't match the user license of the permission set",
        PERMSET,
        facts(5, { licenseName: 'Salesforce Platform' })
      );
      expect(message).to.equal(
        'The permission set "OnceHub connector for Salesforce" requires the Salesforce user license, but user5@acme.example has "Salesforce Platform".'
      );
    });

    it('explains "license doesn\'t allow the permission" when the set has no license of its own', () => {
      const message = explainFailure(
        'FIELD_INTEGRITY_EXCEPTION',
        "The user license doesn't allow the permission: Modify All Data",
        { ...PERMSET, licenseName: null },
        facts(5, { licenseName: 'Chatter Free' })
      );
      expect(message).to.equal(
        'The permission set "OnceHub connector for Salesforce" grants a permission that the user license of user5@acme.example ("Chatter Free") doesn\'t allow. Salesforce says: The user license doesn\'t allow the permission: Modify All Data'
      );
    });

    it('keeps any other message as Salesforce wrote it', () => {
      expect(explainFailure('FIELD_INTEGRITY_EXCEPTION', 'field integrity exception: unknown', PERMSET, facts(1))).to.equal('field integrity exception: unknown');
      expect(explainFailure('INSUFFICIENT_ACCESS_OR_READONLY', 'license denied', PERMSET, facts(1))).to.equal('license denied');
    });
  });

  describe('readSaveResults', () => {
    it('maps SaveResults by position: success → assigned, DUPLICATE_VALUE (a race) → already assigned, other → failed', () => {
      const outcome = readSaveResults(
        [facts(1), facts(2), facts(3, { licenseName: 'Salesforce Platform' }), facts(4)],
        [
          { id: '0Pa000000000001AAA', success: true, errors: [] },
          { success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', message: 'Duplicate PermissionSetAssignment. Assignee: x' }] },
          { success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'license mismatch' }] },
        ],
        PERMSET
      );
      expect(outcome.assigned).to.deep.equal([{ username: 'user1@acme.example', userId: userId(1) }]);
      expect(outcome.alreadyAssigned).to.deep.equal([{ username: 'user2@acme.example', userId: userId(2) }]);
      expect(outcome.failed).to.deep.equal([
        {
          username: 'user3@acme.example',
          errorCode: 'FIELD_INTEGRITY_EXCEPTION',
          message: 'The permission set "OnceHub connector for Salesforce" requires the Salesforce user license, but user3@acme.example has "Salesforce Platform".',
        },
        { username: 'user4@acme.example', errorCode: 'UNKNOWN_ERROR', message: 'Salesforce returned no result for this user.' },
      ]);
    });
  });

  describe('insertBodies', () => {
    it('splits into collections of at most 200 PermissionSetAssignment records, allOrNone false', () => {
      const users = Array.from({ length: 401 }, (_, i) => facts(i + 1));
      const bodies = insertBodies(PERMSET, users);
      expect(bodies.map((b) => b.users.length)).to.deep.equal([200, 200, 1]);
      const first = JSON.parse(bodies[0].body) as { allOrNone: boolean; records: unknown[] };
      expect(first.allOrNone).to.equal(false);
      expect(first.records[0]).to.deep.equal({
        attributes: { type: 'PermissionSetAssignment' },
        AssigneeId: userId(1),
        PermissionSetId: PERMSET.id,
      });
    });
  });

  describe('against an org', () => {
    const $$ = new TestContext();
    let fake: FakeInstallationOrg;
    let conn: Connection;

    async function connect(org: FakeInstallationOrg): Promise<void> {
      fake = org;
      $$.fakeConnectionRequest = (request) => fake.handle(request) as never;
      const login = sfLogin('admin@acme.example');
      await $$.stubAuths(login);
      conn = await login.getConnection();
    }

    it('reads the set, its groups, 500 users in IN-lists of at most 200 (no query-more at 200-row pages) and their assignments in two requests', async () => {
      const users = Array.from({ length: 500 }, (_, i) => user(i + 1));
      await connect(
        installationOrg({ users, assignments: users.slice(0, 120).map((u, i) => ({ Id: `0Pa${i}`, AssigneeId: u.Id, PermissionSetId: ONCEHUB_PERMSET.Id })) })
      );

      const result = await fetchAssignmentFacts(conn, users.map((u) => u.Username));

      expect(fake.requests).to.have.length(2);
      const userLists = fake.soql.filter((q) => q.includes('FROM User')).map((q) => inList(q, 'Username') ?? []);
      expect(userLists.map((l) => l.length)).to.deep.equal([200, 200, 100]);
      const idLists = fake.soql.filter((q) => q.includes('FROM PermissionSetAssignment')).map((q) => inList(q, 'AssigneeId') ?? []);
      expect(idLists.map((l) => l.length)).to.deep.equal([200, 200, 100]);
      expect(fake.soql.filter((q) => q.includes('FROM PermissionSetGroupComponent'))).to.have.length(1);
      expect(result.assignedUserIds.size).to.equal(120);
    });

    it('counts users who hold the set through a group that contains it, with the group label', async () => {
      const users = [user(1), user(2), user(3)];
      await connect(
        installationOrg({
          users,
          groups: [{ Id: '0PG5g000000GrpAAA', label: 'OnceHub Users', permissionSetIds: [ONCEHUB_PERMSET.Id] }],
          assignments: [
            { Id: '0Pa1', AssigneeId: users[0].Id, PermissionSetId: '0PS5g000000AggAAA', PermissionSetGroupId: '0PG5g000000GrpAAA' },
            { Id: '0Pa2', AssigneeId: users[1].Id, PermissionSetId: '0PS5g000000AggAAA', PermissionSetGroupId: '0PG5g000000GrpAAA' },
            { Id: '0Pa3', AssigneeId: users[1].Id, PermissionSetId: ONCEHUB_PERMSET.Id },
          ],
        })
      );

      const result = await fetchAssignmentFacts(conn, users.map((u) => u.Username));

      expect(fake.requests).to.have.length(2);
      expect(fake.soql.find((q) => q.includes('FROM PermissionSetAssignment'))).to.include("PermissionSetGroupId IN ('0PG5g000000GrpA')");
      expect([...result.assignedUserIds]).to.have.members([users[0].Id, users[1].Id]);
      // Held directly as well: no "via".
      expect([...(result.assignedVia ?? [])]).to.deep.equal([[users[0].Id, 'OnceHub Users']]);
      const plan = planAssignments(users.map((u) => u.Username), result);
      expect(plan.outcome.alreadyAssigned).to.deep.equal([
        { username: users[0].Username, userId: users[0].Id, via: 'OnceHub Users' },
        { username: users[1].Username, userId: users[1].Id },
      ]);
      expect(plan.toInsert.map((u) => u.username)).to.deep.equal([users[2].Username]);
    });

    it('reads the set, 500 long usernames and their assignments in three requests at most, with no URI near 16 KB', async () => {
      const long = (n: number): string => `a.rather.long.username.for.testing.${n}@subsidiary.acme-corporation.example`;
      const users = Array.from({ length: 500 }, (_, i) => user(i + 1, { Username: long(i + 1) }));
      await connect(
        installationOrg({ users, assignments: users.slice(0, 120).map((u, i) => ({ Id: `0Pa${i}`, AssigneeId: u.Id, PermissionSetId: ONCEHUB_PERMSET.Id })) })
      );

      const result = await fetchAssignmentFacts(conn, users.map((u) => u.Username));

      // 12 KB IN-lists of long usernames: 4 user queries + the set + its groups need two Composites, then one more.
      expect(fake.requests).to.have.length(3);
      expect(fake.requests.every((r) => r.method === 'POST' && /\/composite$/.test(r.url))).to.equal(true);
      const userQueries = fake.soql.filter((q) => q.includes('FROM User'));
      expect(userQueries.length).to.be.greaterThan(1);
      expect(userQueries.flatMap((q) => inList(q, 'Username') ?? [])).to.have.length(500);
      for (const r of fake.requests) {
        const body = JSON.parse(r.body ?? '{}') as { compositeRequest: Array<{ url: string }> };
        for (const sub of body.compositeRequest) expect(sub.url.length).to.be.lessThan(14_000);
      }
      expect(result.permissionSet?.id).to.equal(ONCEHUB_PERMSET.Id);
      expect(result.users).to.have.length(500);
      expect(result.assignedUserIds.size).to.equal(120);
    });

    it('stops after the first request when the permission set does not exist', async () => {
      await connect(installationOrg({ permissionSets: [] }));
      const result = await fetchAssignmentFacts(conn, ['user1@acme.example']);
      expect(result.permissionSet).to.equal(undefined);
      expect(fake.requests).to.have.length(1);
    });

    it('inserts 380 missing assignments in two collection requests and reports progress', async () => {
      const users = Array.from({ length: 380 }, (_, i) => user(i + 1));
      await connect(installationOrg({ users }));
      const progress: number[] = [];

      const outcome = await insertAssignments(conn, PERMSET, users.map((u, i) => facts(i + 1, { id: u.Id })), (done) => progress.push(done));

      expect(fake.requests.map((r) => r.url.replace(/^.*\/services/, '/services'))).to.deep.equal([
        '/services/data/v42.0/composite/sobjects',
        '/services/data/v42.0/composite/sobjects',
      ]);
      expect(progress).to.deep.equal([200, 380]);
      expect(outcome.assigned).to.have.length(380);
      expect(fake.data.assignments).to.have.length(380);
    });

    it('throws a failure of the first insert request (nothing was written), so the command can explain it', async () => {
      await connect(installationOrg());
      fake.fault = apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403);
      try {
        await insertAssignments(conn, PERMSET, [facts(1)]);
        expect.fail('expected a throw');
      } catch (err) {
        expect((err as { errorCode: string }).errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
      }
    });

    it('keeps what was written when a later insert request fails, and marks the rest failed', async () => {
      const users = Array.from({ length: 250 }, (_, i) => user(i + 1));
      await connect(installationOrg({ users }));
      let calls = 0;
      fake.beforeInsert = (): void => {
        calls += 1;
        if (calls === 2) throw apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403);
      };

      const outcome = await insertAssignments(conn, PERMSET, users.map((u, i) => facts(i + 1, { id: u.Id })));

      expect(outcome.assigned).to.have.length(200);
      expect(outcome.failed).to.have.length(50);
      expect(outcome.failed[0]).to.deep.equal({ username: 'user201@acme.example', errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    });

    it('names a later batch dropped mid-answer by its socket code, not as "TypeError: fetch failed"', async () => {
      const users = Array.from({ length: 250 }, (_, i) => user(i + 1));
      await connect(installationOrg({ users }));
      let calls = 0;
      fake.beforeInsert = (): void => {
        calls += 1;
        if (calls === 2) throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
      };

      const outcome = await insertAssignments(conn, PERMSET, users.map((u, i) => facts(i + 1, { id: u.Id })));

      expect(outcome.assigned).to.have.length(200);
      expect(outcome.failed).to.have.length(50);
      expect(outcome.failed[0].errorCode).to.equal('UND_ERR_SOCKET');
      expect(outcome.failed[0].message).to.match(/connection dropped \(UND_ERR_SOCKET\).*may or may not have been saved.*Run the command again/);
    });

    it('refuses an answer that is not a list of SaveResults (an HTML page)', async () => {
      await connect(installationOrg());
      fake.fault = undefined;
      const html = '<!DOCTYPE html><html>maintenance</html>';
      $$.fakeConnectionRequest = () => Promise.resolve(html);
      try {
        await insertAssignments(conn, PERMSET, [facts(1)]);
        expect.fail('expected a throw');
      } catch (err) {
        expect((err as { errorCode: string }).errorCode).to.equal('HTML_RESPONSE');
      }
    });
  });
});
