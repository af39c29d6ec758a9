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
import { ADMIN_USERNAME, ONCEHUB_GROUP_LABEL, type OrgBuilder, PERMSET_NAME, scenarios } from '../../../emulator/index.js';
import { emulatorContext, type EmulatorContext, pathsSent } from '../../support/emulator-context.js';
import { inList } from '../../support/soql-where.js';

const PERMSET: OncehubPermissionSet = {
  id: '0PS5g000000OnceAAA',
  name: 'OnceHub_connector_for_Salesforce',
  label: 'OnceHub connector for Salesforce',
  namespacePrefix: 'ScheduleOnce',
  licenseName: 'Salesforce',
};

/** User ids that look like Salesforce's: 005 + 15 characters. */
const userId = (n: number): string => `0055g${String(n).padStart(10, '0')}AAA`;

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

  describe('against the emulator', () => {
    const $$ = new TestContext();
    let ctx: EmulatorContext;

    async function serve(builder: OrgBuilder, batchSize?: number): Promise<void> {
      ctx = await emulatorContext($$, builder.build(), { username: ADMIN_USERNAME, alias: 'acme', batchSize });
      ctx.emu.log.clear();
    }
    /** The SOQL of every query sent (Composite subrequests included), in order. */
    const soql = (): string[] => ctx.emu.log.dataRequests().flatMap((e) => (e.subrequests ? e.subrequests.flatMap((s) => s.soql ?? []) : e.soql ?? []));
    /** The package permission set as the plugin reads it. */
    const permset = (): OncehubPermissionSet => {
      const ps = ctx.emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME);
      return { id: String(ps?.Id), name: PERMSET_NAME, label: String(ps?.Label), namespacePrefix: 'ScheduleOnce', licenseName: 'Salesforce' };
    };
    const factsOf = (usernames: string[]): UserFacts[] =>
      usernames.map((username) => ({ id: String(ctx.emu.org.requireUser(username).Id), username, isActive: true, licenseName: 'Salesforce' }));
    /** Users holding the package set directly. */
    const holders = (): string[] => {
      const id = permset().id;
      return ctx.emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === id).map((a) => String(ctx.emu.org.get('User', String(a.AssigneeId))?.Username));
    };
    const extraUsers = (n: number): string[] => Array.from({ length: n }, (_, i) => `user${String(i + 1).padStart(4, '0')}@acme.example`);

    it('reads the set, its groups, 500 users in IN-lists of at most 200 (no query-more at 200-row pages) and their assignments in two requests', async () => {
      await serve(scenarios.base().withPackage().withExtraUsers(500, { assigned: 120 }), 200);

      const result = await fetchAssignmentFacts(ctx.conn, extraUsers(500));

      expect(ctx.emu.log.dataRequests()).to.have.length(2);
      const userLists = soql().filter((q) => q.includes('FROM User')).map((q) => inList(q, 'Username') ?? []);
      expect(userLists.map((l) => l.length)).to.deep.equal([200, 200, 100]);
      const idLists = soql().filter((q) => q.includes('FROM PermissionSetAssignment')).map((q) => inList(q, 'AssigneeId') ?? []);
      expect(idLists.map((l) => l.length)).to.deep.equal([200, 200, 100]);
      expect(soql().filter((q) => q.includes('FROM PermissionSetGroupComponent'))).to.have.length(1);
      expect(result.assignedUserIds.size).to.equal(120);
    });

    it('counts users who hold the set through a group that contains it, with the group label', async () => {
      const users = ['u1@acme.example', 'u2@acme.example', 'u3@acme.example'];
      await serve(
        scenarios
          .base()
          .withPackage()
          .withUser({ username: users[0] })
          .withUser({ username: users[1] })
          .withUser({ username: users[2] })
          .withPermsetViaGroup({ usernames: [users[0], users[1]] })
          .withPermsetAssigned(users[1])
      );
      const [id1, id2] = users.map((u) => String(ctx.emu.org.requireUser(u).Id));
      const group = ctx.emu.org.records('PermissionSetGroup').find((g) => g.MasterLabel === ONCEHUB_GROUP_LABEL);

      const result = await fetchAssignmentFacts(ctx.conn, users);

      expect(ctx.emu.log.dataRequests()).to.have.length(2);
      expect(inList(soql().find((q) => q.includes('FROM PermissionSetAssignment')) ?? '', 'PermissionSetGroupId')).to.deep.equal([String(group?.Id).slice(0, 15)]);
      expect([...result.assignedUserIds]).to.have.members([id1, id2]);
      // Held directly as well: no "via".
      expect([...(result.assignedVia ?? [])]).to.deep.equal([[id1, ONCEHUB_GROUP_LABEL]]);
      const plan = planAssignments(users, result);
      expect(plan.outcome.alreadyAssigned).to.deep.equal([
        { username: users[0], userId: id1, via: ONCEHUB_GROUP_LABEL },
        { username: users[1], userId: id2 },
      ]);
      expect(plan.toInsert.map((u) => u.username)).to.deep.equal([users[2]]);
    });

    it('reads the set, 500 long usernames and their assignments in three requests at most, with no URI near 16 KB', async () => {
      const long = Array.from({ length: 500 }, (_, i) => `a.rather.long.username.for.testing.${i + 1}@subsidiary.acme-corporation.example`);
      const builder = scenarios.base().withPackage();
      for (const username of long) builder.withUser({ username });
      await serve(builder.withPermsetAssigned(...long.slice(0, 120)));

      const result = await fetchAssignmentFacts(ctx.conn, long);

      // 12 KB IN-lists of long usernames: 4 user queries + the set + its groups need two Composites, then one more.
      const requests = ctx.emu.log.dataRequests();
      expect(requests).to.have.length(3);
      expect(requests.every((r) => r.method === 'POST' && /\/composite$/.test(r.path))).to.equal(true);
      const userQueries = soql().filter((q) => q.includes('FROM User'));
      expect(userQueries.length).to.be.greaterThan(1);
      expect(userQueries.flatMap((q) => inList(q, 'Username') ?? [])).to.have.length(500);
      for (const sub of requests.flatMap((r) => r.subrequests ?? [])) expect(sub.url.length).to.be.lessThan(14_000);
      expect(result.permissionSet?.id).to.equal(permset().id);
      expect(result.users).to.have.length(500);
      expect(result.assignedUserIds.size).to.equal(120);
    });

    it('stops after the first request when the permission set does not exist', async () => {
      await serve(scenarios.base().withExtraUsers(1));
      const result = await fetchAssignmentFacts(ctx.conn, ['user0001@acme.example']);
      expect(result.permissionSet).to.equal(undefined);
      expect(ctx.emu.log.dataRequests()).to.have.length(1);
    });

    it('inserts 380 missing assignments in two collection requests and reports progress', async () => {
      await serve(scenarios.base().withPackage().withExtraUsers(380));
      const progress: number[] = [];

      const outcome = await insertAssignments(ctx.conn, permset(), factsOf(extraUsers(380)), (done) => progress.push(done));

      expect(pathsSent(ctx.emu)).to.deep.equal(['/composite/sobjects', '/composite/sobjects']);
      expect(progress).to.deep.equal([200, 380]);
      expect(outcome.assigned).to.have.length(380);
      expect(holders()).to.have.members(extraUsers(380));
    });

    it('throws a failure of the first insert request (nothing was written), so the command can explain it', async () => {
      await serve(scenarios.base().withPackage().withExtraUsers(1));
      ctx.emu.faults.requestLimit({ path: '/composite/sobjects' });
      try {
        await insertAssignments(ctx.conn, permset(), factsOf(['user0001@acme.example']));
        expect.fail('expected a throw');
      } catch (err) {
        expect((err as { errorCode: string }).errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
      }
      expect(holders()).to.deep.equal([]);
    });

    it('keeps what was written when a later insert request fails, and marks the rest failed', async () => {
      await serve(scenarios.base().withPackage().withExtraUsers(250));
      ctx.emu.faults.requestLimit({ path: '/composite/sobjects', skip: 1 });

      const outcome = await insertAssignments(ctx.conn, permset(), factsOf(extraUsers(250)));

      expect(outcome.assigned).to.have.length(200);
      expect(outcome.failed).to.have.length(50);
      expect(outcome.failed[0]).to.deep.equal({ username: 'user0201@acme.example', errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
      expect(holders()).to.have.length(200);
    });

    it('names a later batch dropped mid-answer by its socket code, not as "TypeError: fetch failed"', async () => {
      await serve(scenarios.base().withPackage().withExtraUsers(250));
      ctx.emu.faults.closeConnections({ path: '/composite/sobjects', when: 'midAnswer', skip: 1 });

      const outcome = await insertAssignments(ctx.conn, permset(), factsOf(extraUsers(250)));

      expect(outcome.assigned).to.have.length(200);
      expect(outcome.failed).to.have.length(50);
      expect(outcome.failed[0].errorCode).to.equal('UND_ERR_SOCKET');
      expect(outcome.failed[0].message).to.match(/connection dropped \(UND_ERR_SOCKET\).*may or may not have been saved.*Run the command again/);
      // Dropped after the org processed it: the second batch was saved, which is why the message cannot say either way.
      expect(holders()).to.have.length(250);
    });

    it('refuses an answer that is not a list of SaveResults (an HTML page)', async () => {
      await serve(scenarios.base().withPackage().withExtraUsers(1));
      ctx.emu.faults.maintenancePage({ path: '/composite/sobjects' });
      try {
        await insertAssignments(ctx.conn, permset(), factsOf(['user0001@acme.example']));
        expect.fail('expected a throw');
      } catch (err) {
        expect((err as { errorCode: string }).errorCode).to.equal('HTML_RESPONSE');
      }
    });
  });
});
