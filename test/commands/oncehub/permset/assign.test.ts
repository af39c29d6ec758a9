import { SfError } from '@salesforce/core';
import { type MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { Progress, stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import PermsetAssign from '../../../../src/commands/oncehub/permset/assign.js';
import { recordConnection } from '../../../../src/lib/connection/state.js';
import { sfLogin } from '../../../lib/connection/fake-org.js';
import { useRealStateFile } from '../../../lib/connection/state-file.js';
import {
  apiError,
  type FakeInstallationOrg,
  inList,
  installationOrg,
  ONCEHUB_PERMSET,
  user,
  userId,
} from '../../../lib/installation/fake-installation-org.js';

const ADMIN = 'admin@acme.example';
const QUOTED = "o'brien@acme.example";

async function failure(argv: string[]): Promise<SfError> {
  try {
    await PermsetAssign.run(argv);
  } catch (err) {
    return err as SfError;
  }
  throw new Error('permset assign was expected to fail');
}

describe('oncehub permset assign', () => {
  const $$ = new TestContext();
  let login: MockTestOrgData;
  let fake: FakeInstallationOrg;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let progress: { start: SinonStub; update: SinonStub; finish: SinonStub };

  const inserts = (): Array<{ records: Array<{ AssigneeId: string }> }> =>
    fake.requests.filter((r) => /\/composite\/sobjects$/.test(r.url)).map((r) => JSON.parse(r.body ?? '{}') as { records: Array<{ AssigneeId: string }> });

  beforeEach(async () => {
    login = sfLogin(ADMIN);
    await $$.stubAuths(login);
    $$.stubAliases({ acme: ADMIN, rep: 'user2@acme.example' });
    fake = installationOrg({
      users: [
        user(0, { Username: ADMIN }),
        user(1),
        user(2),
        user(3, { IsActive: false }),
        user(4, { license: 'Salesforce Platform' }),
        user(5, { Username: QUOTED }),
        user(9, { Username: 'api@acme.example' }),
      ],
    });
    $$.fakeConnectionRequest = (request) => fake.handle(request) as never;
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    progress = {
      start: $$.SANDBOX.stub(Progress.prototype, 'start'),
      update: $$.SANDBOX.stub(Progress.prototype, 'update'),
      finish: $$.SANDBOX.stub(Progress.prototype, 'finish'),
    };
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('assignees', () => {
    it('assigns the authenticated user by default: 3 requests (set + user, assignments, one insert)', async () => {
      const result = await PermsetAssign.run(['--target-org', 'acme', '--json']);

      expect(result).to.deep.equal({
        permissionSet: { id: ONCEHUB_PERMSET.Id, name: ONCEHUB_PERMSET.Name, label: ONCEHUB_PERMSET.Label, namespacePrefix: 'ScheduleOnce' },
        assigned: [{ username: ADMIN, userId: userId(0) }],
        alreadyAssigned: [],
        failed: [],
      });
      expect(process.exitCode).to.equal(0);
      expect(fake.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/v\d+\.0/, '')}`)).to.deep.equal([
        'POST /composite',
        'POST /composite',
        'POST /composite/sobjects',
      ]);
      expect(fake.data.assignments.map((a) => a.AssigneeId)).to.deep.equal([userId(0)]);
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 0, result });
    });

    it('defaults to the API user recorded by connect for this org', async () => {
      await recordConnection({
        environment: 'production',
        alias: 'acme',
        username: 'api@acme.example',
        userId: userId(9),
        orgId: login.orgId,
        instanceUrl: login.instanceUrl,
        mode: 'standard',
        connectedAt: '2026-11-01T00:00:00.000Z',
      });

      const result = await PermsetAssign.run(['--target-org', 'acme', '--json']);

      expect(result.assigned).to.deep.equal([{ username: 'api@acme.example', userId: userId(9) }]);
    });

    it('takes -b usernames and sf aliases, repeated or space-separated, resolved in one user query', async () => {
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'rep', '-b', 'user1@acme.example', `${ADMIN} ${QUOTED}`, '--json']);

      expect(result.assigned.map((r) => r.username)).to.deep.equal(['user2@acme.example', 'user1@acme.example', ADMIN, QUOTED]);
      const userQueries = fake.soql.filter((q) => q.includes('FROM User'));
      expect(userQueries).to.have.length(1);
      expect(inList(userQueries[0], 'Username')).to.deep.equal(['user2@acme.example', 'user1@acme.example', ADMIN, QUOTED]);
      expect(userQueries[0]).to.include("'o\\'brien@acme.example'");
      expect(inserts()).to.have.length(1);
    });
  });

  describe('bulk and idempotent', () => {
    it('assigns 500 users of whom 120 have the set in 2 + ⌈380/200⌉ requests, with a progress bar', async () => {
      const users = Array.from({ length: 500 }, (_, i) => user(100 + i));
      fake.data.users.push(...users);
      fake.data.assignments.push(...users.slice(0, 120).map((u, i) => ({ Id: `0Pa${i}`, AssigneeId: u.Id, PermissionSetId: ONCEHUB_PERMSET.Id })));

      const result = await PermsetAssign.run(['-o', 'acme', '-b', ...users.map((u) => u.Username)]);

      expect(result.assigned).to.have.length(380);
      expect(result.alreadyAssigned).to.have.length(120);
      expect(result.failed).to.have.length(0);
      expect(process.exitCode).to.equal(0);
      expect(fake.requests.length).to.be.at.most(3 + Math.ceil(380 / 200));
      expect(fake.requests).to.have.length(4);
      expect(inserts().map((b) => b.records.length)).to.deep.equal([200, 180]);
      expect(progress.start.firstCall.args[0]).to.equal(380);
      expect(progress.update.args.map((a) => a[0] as number)).to.deep.equal([200, 380]);
      expect(progress.finish.calledOnce).to.equal(true);
    });

    it('changes nothing on a second run: everyone is already assigned, no write, exit 0', async () => {
      await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', '--json']);
      fake.requests.length = 0;

      const again = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', '--json']);

      expect(again.assigned).to.deep.equal([]);
      expect(again.alreadyAssigned.map((r) => r.username)).to.deep.equal(['user1@acme.example', 'user2@acme.example']);
      expect(fake.writes).to.have.length(0);
      expect(fake.requests).to.have.length(2);
      expect(process.exitCode).to.equal(0);
    });

    it('counts an assignment made by someone else between the read and the insert (DUPLICATE_VALUE) as already assigned', async () => {
      fake.beforeInsert = (): void => {
        fake.data.assignments.push({ Id: '0PaRace', AssigneeId: userId(2), PermissionSetId: ONCEHUB_PERMSET.Id });
      };

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', '--json']);

      expect(result.assigned).to.deep.equal([{ username: 'user1@acme.example', userId: userId(1) }]);
      expect(result.alreadyAssigned).to.deep.equal([{ username: 'user2@acme.example', userId: userId(2) }]);
      expect(result.failed).to.deep.equal([]);
      expect(process.exitCode).to.equal(0);
    });

    it('writes nothing with --dry-run and reports who would be assigned', async () => {
      fake.data.assignments.push({ Id: '0PaX', AssigneeId: userId(2), PermissionSetId: ONCEHUB_PERMSET.Id });

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', 'ghost@acme.example', '--dry-run']);

      expect(fake.writes).to.have.length(0);
      expect(fake.data.assignments).to.have.length(1);
      expect(result.dryRun).to.equal(true);
      expect(result.assigned).to.deep.equal([{ username: 'user1@acme.example', userId: userId(1) }]);
      expect(result.alreadyAssigned.map((r) => r.username)).to.deep.equal(['user2@acme.example']);
      expect(result.failed.map((r) => r.errorCode)).to.deep.equal(['USER_NOT_FOUND']);
      expect(ux.table.args.map((a) => (a[0] as { title: string }).title)).to.deep.equal(['Would be assigned', 'Already assigned', 'Failed']);
      expect(ux.log.args.flat()).to.deep.equal([
        'Dry run: nothing was written. 1 would be assigned "OnceHub connector for Salesforce", 1 already have it, 1 cannot get it.',
      ]);
    });
  });

  describe('failures and exit codes', () => {
    it('reports unknown and inactive users as failed rows without aborting; exit 68 when others succeed', async () => {
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'ghost@acme.example', 'user3@acme.example', '--json']);

      expect(result.assigned.map((r) => r.username)).to.deep.equal(['user1@acme.example']);
      expect(result.failed.map((r) => [r.username, r.errorCode])).to.deep.equal([
        ['ghost@acme.example', 'USER_NOT_FOUND'],
        ['user3@acme.example', 'INACTIVE_USER'],
      ]);
      expect(inserts()[0].records.map((r) => r.AssigneeId)).to.deep.equal([userId(1)]);
      expect(process.exitCode).to.equal(68);
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 68 });
    });

    it('exits 1 with the result when no user got the set, and sends no insert', async () => {
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'ghost@acme.example', '--json']);

      expect(result.failed).to.have.length(1);
      expect(process.exitCode).to.equal(1);
      expect(fake.requests).to.have.length(1);
    });

    it("turns Salesforce's license error into a sentence about both licenses, keeping the error code", async () => {
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user4@acme.example', '--json']);

      expect(result.failed).to.deep.equal([
        {
          username: 'user4@acme.example',
          errorCode: 'FIELD_INTEGRITY_EXCEPTION',
          message:
            'The permission set "OnceHub connector for Salesforce" requires the Salesforce user license, but user4@acme.example has "Salesforce Platform".',
        },
      ]);
      expect(process.exitCode).to.equal(1);
    });

    it('fails with "install the package" when the OnceHub set does not exist', async () => {
      fake.data.permissionSets = [];

      const err = await failure(['-o', 'acme']);

      expect(err.name).to.equal('PackageNotInstalledError');
      expect(err.message).to.include('the OnceHub managed package (namespace ScheduleOnce) is not installed (Installation step 1)');
      expect(err.actions?.join('\n')).to.include('AppExchange');
      expect(err.actions?.join('\n')).to.include('sf package installed list --target-org acme');
      expect(fake.writes).to.have.length(0);
    });

    it('uses --permset-name as Name + NamespacePrefix, and says when it does not exist', async () => {
      fake.data.permissionSets.push({ Id: '0PS5g000000OtherAAA', Name: 'Custom_Set', Label: 'Custom', NamespacePrefix: 'ScheduleOnce', license: null });

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', '--permset-name', 'ScheduleOnce__Custom_Set', '--json']);
      expect(result.permissionSet.id).to.equal('0PS5g000000OtherAAA');

      const err = await failure(['-o', 'acme', '--permset-name', 'Nope']);
      expect(err.name).to.equal('PermsetNotFoundError');
      expect(err.message).to.equal('No permission set named "Nope" was found in the org of acme.');
    });

    it('explains an expired session instead of failing with a raw error', async () => {
      fake.fault = apiError('INVALID_SESSION_ID', 'Session expired or invalid', 401);

      const err = await failure(['-o', 'acme']);

      expect(err.name).to.equal('SessionRefusedError');
      expect(err.actions?.[0]).to.include('sf org login web --alias acme');
    });
  });

  describe('human output', () => {
    it('prints a table per outcome and a summary line', async () => {
      fake.data.assignments.push({ Id: '0PaX', AssigneeId: userId(2), PermissionSetId: ONCEHUB_PERMSET.Id });

      await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', 'user4@acme.example']);

      const tables = ux.table.args.map((a) => a[0] as { title: string; data: Array<Record<string, string>>; columns: Array<{ key: string; name: string }> });
      expect(tables.map((t) => t.title)).to.deep.equal(['Assigned', 'Already assigned', 'Failed']);
      expect(tables[0].data).to.deep.equal([{ username: 'user1@acme.example', userId: userId(1) }]);
      expect(tables[0].columns.map((c) => c.name)).to.deep.equal(['Username', 'User Id']);
      expect(tables[2].columns.map((c) => c.name)).to.deep.equal(['Username', 'Error Code', 'Message']);
      expect(ux.log.args.flat()).to.deep.equal(['Permission set "OnceHub connector for Salesforce": 1 assigned, 1 already assigned, 1 failed.']);
      expect(progress.start.called).to.equal(false);
      expect(process.exitCode).to.equal(68);
    });

    it('names the permission set group of a user who holds the set through one, and inserts nothing', async () => {
      fake.data.groups = [{ Id: '0PG5g000000GrpAAA', label: 'OnceHub Users', permissionSetIds: [ONCEHUB_PERMSET.Id] }];
      fake.data.assignments.push({ Id: '0PaG', AssigneeId: userId(1), PermissionSetId: '0PS5g000000AggAAA', PermissionSetGroupId: '0PG5g000000GrpAAA' });

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', '--json']);

      expect(result.alreadyAssigned).to.deep.equal([{ username: 'user1@acme.example', userId: userId(1), via: 'OnceHub Users' }]);
      expect(result.assigned).to.deep.equal([]);
      expect(fake.writes).to.have.length(0);
      await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example']);
      const table = ux.table.lastCall.args[0] as { title: string; columns: Array<{ key: string; name: string }> };
      expect(table.title).to.equal('Already assigned');
      expect(table.columns.map((c) => c.name)).to.deep.equal(['Username', 'User Id', 'Through permission set group']);
    });
  });
});
