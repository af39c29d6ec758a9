import { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { Progress, stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import PermsetAssign from '../../../../src/commands/oncehub/permset/assign.js';
import { recordConnection } from '../../../../src/lib/connection/state.js';
import { ADMIN_USERNAME as ADMIN, ONCEHUB_GROUP_LABEL, type OrgBuilder, PERMSET_LABEL, PERMSET_NAME, scenarios } from '../../../../emulator/index.js';
import { useRealStateFile } from '../../../lib/connection/state-file.js';
import { emulatorContext, type EmulatorContext, pathsSent } from '../../../support/emulator-context.js';
import { inList } from '../../../support/soql-where.js';

const QUOTED = "o'brien@acme.example";

/**
 * The package installed, its set held by nobody; user1–user4 (user3 inactive, user4 on the Salesforce Platform licence,
 * which the set's Salesforce licence does not fit), a username with a quote, and api@acme.example.
 */
const acme = (): OrgBuilder =>
  scenarios
    .base()
    .withPackage()
    .withUser({ username: 'user1@acme.example' })
    .withUser({ username: 'user2@acme.example' })
    .withUser({ username: 'user3@acme.example', active: false })
    .withUser({ username: 'user4@acme.example', profile: 'Standard Platform User' })
    .withUsernameContainingQuote(QUOTED)
    .withUser({ username: 'api@acme.example' });

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
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let progress: { start: SinonStub; update: SinonStub; finish: SinonStub };

  /** Serves this org behind the `acme` login of the admin (`rep` = user2). */
  const serve = async (builder: OrgBuilder = acme(), batchSize?: number): Promise<EmulatorContext> => {
    ctx = await emulatorContext($$, builder.build(), { username: ADMIN, alias: 'acme', aliases: { rep: 'user2@acme.example' }, batchSize });
    ctx.emu.log.clear();
    return ctx;
  };
  const userId = (username: string): string => String(ctx.emu.org.requireUser(username).Id);
  const permset = (): { Id: string; Name?: unknown } => ctx.emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME)!;
  const requests = (): string[] => ctx.emu.log.dataRequests().map((e) => `${e.method} ${e.path.replace(/^\/services\/data\/v\d+\.\d+/, '')}`);
  const inserts = (): string[] => pathsSent(ctx.emu).filter((p) => p === '/composite/sobjects');
  /** Usernames holding the package set directly. */
  const holders = (): string[] =>
    ctx.emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === permset().Id).map((a) => String(ctx.emu.org.get('User', String(a.AssigneeId))?.Username));

  beforeEach(async () => {
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
      await serve();
      const result = await PermsetAssign.run(['--target-org', 'acme', '--json']);

      expect(result).to.deep.equal({
        permissionSet: { id: permset().Id, name: PERMSET_NAME, label: PERMSET_LABEL, namespacePrefix: 'ScheduleOnce' },
        assigned: [{ username: ADMIN, userId: userId(ADMIN) }],
        alreadyAssigned: [],
        failed: [],
      });
      expect(process.exitCode).to.equal(0);
      expect(requests()).to.deep.equal(['POST /composite', 'POST /composite', 'POST /composite/sobjects']);
      expect(holders()).to.deep.equal([ADMIN]);
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 0, result });
    });

    it('defaults to the API user recorded by connect for this org', async () => {
      await serve();
      await recordConnection({
        environment: 'production',
        alias: 'acme',
        username: 'api@acme.example',
        userId: userId('api@acme.example'),
        orgId: ctx.emu.org.orgId,
        instanceUrl: ctx.emu.url,
        mode: 'standard',
        connectedAt: '2026-11-01T00:00:00.000Z',
      });

      const result = await PermsetAssign.run(['--target-org', 'acme', '--json']);

      expect(result.assigned).to.deep.equal([{ username: 'api@acme.example', userId: userId('api@acme.example') }]);
      expect(holders()).to.deep.equal(['api@acme.example']);
    });

    it('takes -b usernames and sf aliases, repeated or space-separated, resolved in one user query', async () => {
      await serve();
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'rep', '-b', 'user1@acme.example', `${ADMIN} ${QUOTED}`, '--json']);

      expect(result.assigned.map((r) => r.username)).to.deep.equal(['user2@acme.example', 'user1@acme.example', ADMIN, QUOTED]);
      const userQueries = ctx.emu.log.queries().filter((q) => q.includes('FROM User'));
      expect(userQueries).to.have.length(1);
      expect(inList(userQueries[0], 'Username')).to.deep.equal(['user2@acme.example', 'user1@acme.example', ADMIN, QUOTED]);
      expect(userQueries[0]).to.include("'o\\'brien@acme.example'");
      expect(inserts()).to.have.length(1);
    });
  });

  describe('bulk and idempotent', () => {
    it('assigns 500 users of whom 120 have the set in 2 + ⌈380/200⌉ requests, with a progress bar', async () => {
      await serve(acme().withExtraUsers(500, { assigned: 120 }));
      const users = Array.from({ length: 500 }, (_, i) => `user${String(i + 1).padStart(4, '0')}@acme.example`);

      const result = await PermsetAssign.run(['-o', 'acme', '-b', ...users]);

      expect(result.assigned).to.have.length(380);
      expect(result.alreadyAssigned).to.have.length(120);
      expect(result.failed).to.have.length(0);
      expect(process.exitCode).to.equal(0);
      expect(requests().length).to.be.at.most(3 + Math.ceil(380 / 200));
      expect(requests()).to.have.length(4);
      expect(inserts()).to.have.length(2);
      expect(holders()).to.have.members(users);
      expect(progress.start.firstCall.args[0]).to.equal(380);
      // Two inserts, done after each: 200, then 180 more.
      expect(progress.update.args.map((a) => a[0] as number)).to.deep.equal([200, 380]);
      expect(progress.finish.calledOnce).to.equal(true);
    });

    it('1000 users (120 assigned) with the org paging query answers at 200 rows: within 3 + ⌈880/200⌉ requests, no query-more', async () => {
      await serve(acme().withExtraUsers(1000, { assigned: 120 }), 200);
      const users = Array.from({ length: 1000 }, (_, i) => `user${String(i + 1).padStart(4, '0')}@acme.example`);

      const result = await PermsetAssign.run(['-o', 'acme', '-b', ...users, '--json']);

      expect(result.assigned).to.have.length(880);
      expect(result.alreadyAssigned).to.have.length(120);
      expect(process.exitCode).to.equal(0);
      expect(requests().filter((r) => r.includes('/query/')), 'query-more calls').to.have.length(0);
      expect(requests().length).to.be.at.most(3 + Math.ceil(880 / 200));
      expect(inserts()).to.have.length(5);
      expect(holders()).to.have.length(1000);
    });

    it('changes nothing on a second run: everyone is already assigned, no write, exit 0', async () => {
      await serve();
      await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', '--json']);
      ctx.emu.log.clear();

      const again = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', '--json']);

      expect(again.assigned).to.deep.equal([]);
      expect(again.alreadyAssigned.map((r) => r.username)).to.deep.equal(['user1@acme.example', 'user2@acme.example']);
      expect(ctx.emu.log.writes()).to.have.length(0);
      expect(requests()).to.have.length(2);
      expect(process.exitCode).to.equal(0);
    });

    it('counts an assignment made by someone else between the read and the insert (DUPLICATE_VALUE) as already assigned', async () => {
      await serve();
      const race = ctx.emu.faults.concurrentChange({
        path: '/composite/sobjects',
        method: 'POST',
        change: (org) => org.insert('PermissionSetAssignment', { AssigneeId: userId('user2@acme.example'), PermissionSetId: permset().Id }),
      });

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', '--json']);

      expect(race.hits).to.equal(1);
      expect(result.assigned).to.deep.equal([{ username: 'user1@acme.example', userId: userId('user1@acme.example') }]);
      expect(result.alreadyAssigned).to.deep.equal([{ username: 'user2@acme.example', userId: userId('user2@acme.example') }]);
      expect(result.failed).to.deep.equal([]);
      expect(process.exitCode).to.equal(0);
      expect(holders()).to.have.members(['user1@acme.example', 'user2@acme.example']);
    });

    it('writes nothing with --dry-run and reports who would be assigned', async () => {
      await serve(acme().withPermsetAssigned('user2@acme.example'));

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', 'ghost@acme.example', '--dry-run']);

      expect(ctx.emu.log.writes()).to.have.length(0);
      expect(holders()).to.deep.equal(['user2@acme.example']);
      expect(result.dryRun).to.equal(true);
      expect(result.assigned).to.deep.equal([{ username: 'user1@acme.example', userId: userId('user1@acme.example') }]);
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
      await serve();
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'ghost@acme.example', 'user3@acme.example', '--json']);

      expect(result.assigned.map((r) => r.username)).to.deep.equal(['user1@acme.example']);
      expect(result.failed.map((r) => [r.username, r.errorCode])).to.deep.equal([
        ['ghost@acme.example', 'USER_NOT_FOUND'],
        ['user3@acme.example', 'INACTIVE_USER'],
      ]);
      expect(inserts()).to.have.length(1);
      expect(holders()).to.deep.equal(['user1@acme.example']);
      expect(process.exitCode).to.equal(68);
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ status: 68 });
    });

    it('exits 1 with the result when no user got the set, and sends no insert', async () => {
      await serve();
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'ghost@acme.example', '--json']);

      expect(result.failed).to.have.length(1);
      expect(process.exitCode).to.equal(1);
      expect(requests()).to.have.length(1);
    });

    it("turns Salesforce's license error into a sentence about both licenses, keeping the error code", async () => {
      await serve();
      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user4@acme.example', '--json']);

      expect(result.failed).to.deep.equal([
        {
          username: 'user4@acme.example',
          errorCode: 'FIELD_INTEGRITY_EXCEPTION',
          message:
            'The permission set "OnceHub connector for Salesforce" requires the Salesforce user license, but user4@acme.example has "Salesforce Platform".',
        },
      ]);
      expect(holders()).to.deep.equal([]);
      expect(process.exitCode).to.equal(1);
    });

    it('fails with "install the package" when the OnceHub set does not exist', async () => {
      await serve(scenarios.base());

      const err = await failure(['-o', 'acme']);

      expect(err.name).to.equal('PackageNotInstalledError');
      expect(err.message).to.include('the OnceHub managed package (namespace ScheduleOnce) is not installed (Installation step 1)');
      expect(err.actions?.join('\n')).to.include('AppExchange');
      expect(err.actions?.join('\n')).to.include('sf package installed list --target-org acme');
      expect(ctx.emu.log.writes()).to.have.length(0);
    });

    it('uses --permset-name as Name + NamespacePrefix, and says when it does not exist', async () => {
      let custom = '';
      await serve(
        acme().tweak('a ScheduleOnce__Custom_Set without licence', (org) => {
          custom = org.insert('PermissionSet', { Name: 'Custom_Set', Label: 'Custom', NamespacePrefix: 'ScheduleOnce', IsOwnedByProfile: false, IsCustom: true, Type: 'Regular' }).Id;
        })
      );

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', '--permset-name', 'ScheduleOnce__Custom_Set', '--json']);
      expect(result.permissionSet.id).to.equal(custom);

      const err = await failure(['-o', 'acme', '--permset-name', 'Nope']);
      expect(err.name).to.equal('PermsetNotFoundError');
      expect(err.message).to.equal('No permission set named "Nope" was found in the org of acme.');
    });

    it('explains an expired session instead of failing with a raw error', async () => {
      await serve();
      ctx.emu.faults.expiredSession();

      const err = await failure(['-o', 'acme']);

      expect(err.name).to.equal('SessionRefusedError');
      expect(err.actions?.[0]).to.include('sf org login web --alias acme');
    });
  });

  describe('human output', () => {
    it('prints a table per outcome and a summary line', async () => {
      await serve(acme().withPermsetAssigned('user2@acme.example'));

      await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', 'user2@acme.example', 'user4@acme.example']);

      const tables = ux.table.args.map((a) => a[0] as { title: string; data: Array<Record<string, string>>; columns: Array<{ key: string; name: string }> });
      expect(tables.map((t) => t.title)).to.deep.equal(['Assigned', 'Already assigned', 'Failed']);
      expect(tables[0].data).to.deep.equal([{ username: 'user1@acme.example', userId: userId('user1@acme.example') }]);
      expect(tables[0].columns.map((c) => c.name)).to.deep.equal(['Username', 'User Id']);
      expect(tables[2].columns.map((c) => c.name)).to.deep.equal(['Username', 'Error Code', 'Message']);
      expect(ux.log.args.flat()).to.deep.equal(['Permission set "OnceHub connector for Salesforce": 1 assigned, 1 already assigned, 1 failed.']);
      expect(progress.start.called).to.equal(false);
      expect(process.exitCode).to.equal(68);
    });

    it('names the permission set group of a user who holds the set through one, and inserts nothing', async () => {
      await serve(acme().withPermsetViaGroup({ usernames: ['user1@acme.example'] }));

      const result = await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example', '--json']);

      expect(result.alreadyAssigned).to.deep.equal([{ username: 'user1@acme.example', userId: userId('user1@acme.example'), via: ONCEHUB_GROUP_LABEL }]);
      expect(result.assigned).to.deep.equal([]);
      expect(ctx.emu.log.writes()).to.have.length(0);
      await PermsetAssign.run(['-o', 'acme', '-b', 'user1@acme.example']);
      const table = ux.table.lastCall.args[0] as { title: string; columns: Array<{ key: string; name: string }> };
      expect(table.title).to.equal('Already assigned');
      expect(table.columns.map((c) => c.name)).to.deep.equal(['Username', 'User Id', 'Through permission set group']);
    });
  });
});
