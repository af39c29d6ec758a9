/**
 * `sf oncehub permset assign` end to end: the real sf binary with the built plugin, against the org emulator.
 * Needs `npm run build` first (npm test does it). Only what the sf process shows is tested here (exit codes, the JSON
 * document, tables on stdout, errors without stack traces, sf's aliases); the rest of the command's behaviour (bulk,
 * paging, groups, races, dry run, escaping) is in test/commands/oncehub/permset/assign.test.ts.
 */
import { expect } from 'chai';
import { ADMIN_USERNAME, PERMSET_NAME, scenarios, type Emulator, type OrgBuilder } from '../../emulator/index.js';
import { type Session, startSession } from './harness.js';

const permsetId = (emu: Emulator): string =>
  String(emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME && p.NamespacePrefix === 'ScheduleOnce')?.Id);

const holders = (emu: Emulator): Set<string> =>
  new Set(emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === permsetId(emu)).map((a) => String(a.AssigneeId)));

const idOf = (emu: Emulator, username: string): string => String(emu.org.requireUser(username).Id);

describe('e2e: sf oncehub permset assign', function () {
  this.timeout(180_000);
  let session: Session | undefined;

  async function open(org: OrgBuilder): Promise<Session> {
    session = await startSession({ org: org.build() });
    await session.login(ADMIN_USERNAME, 'acme');
    session.emulator.log.clear();
    return session;
  }

  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it('assigns the authenticated user in at most 3 requests, and a second run writes nothing', async () => {
    const s = await open(scenarios.demo());

    const first = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '--json']);

    expect(first.exitCode, first.stderr).to.equal(0);
    expect(first.json?.status).to.equal(0);
    expect(first.json?.result).to.deep.equal({
      permissionSet: { id: permsetId(s.emulator), name: PERMSET_NAME, label: 'OnceHub connector for Salesforce', namespacePrefix: 'ScheduleOnce' },
      assigned: [{ username: ADMIN_USERNAME, userId: idOf(s.emulator, ADMIN_USERNAME) }],
      alreadyAssigned: [],
      failed: [],
    });
    expect(s.emulator.log.dataRequests().length).to.be.at.most(3);
    expect(holders(s.emulator).has(idOf(s.emulator, ADMIN_USERNAME))).to.equal(true);

    s.emulator.log.clear();
    const second = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '--json']);

    expect(second.exitCode).to.equal(0);
    expect(second.json?.result.assigned).to.deep.equal([]);
    expect(second.json?.result.alreadyAssigned).to.deep.equal([{ username: ADMIN_USERNAME, userId: idOf(s.emulator, ADMIN_USERNAME) }]);
    expect(s.emulator.log.writes()).to.have.length(0);
  });

  it('reports license mismatches, unknown and inactive users as failed rows and exits 68', async () => {
    const s = await open(scenarios.demo());

    const run = await s.sf([
      'oncehub', 'permset', 'assign', '-o', 'acme',
      '-b', 'pat.platform@acme.example', 'ghost@acme.example', 'former.employee@acme.example', 'jane.doe@acme.example',
      '--json',
    ]);

    expect(run.exitCode, run.stderr).to.equal(68);
    expect(run.json?.status).to.equal(68);
    expect(run.json?.result.assigned.map((r: { username: string }) => r.username)).to.deep.equal(['jane.doe@acme.example']);
    expect(run.json?.result.failed).to.deep.equal([
      {
        username: 'ghost@acme.example',
        errorCode: 'USER_NOT_FOUND',
        message: 'No user with username "ghost@acme.example" exists in this org (sf aliases are resolved; the User.Alias field is not).',
      },
      {
        username: 'former.employee@acme.example',
        errorCode: 'INACTIVE_USER',
        message: "former.employee@acme.example is inactive; activate the user in Setup > Users before assigning the permission set (OnceHub's API user must be active).",
      },
      {
        username: 'pat.platform@acme.example',
        errorCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: 'The permission set "OnceHub connector for Salesforce" requires the Salesforce user license, but pat.platform@acme.example has "Salesforce Platform".',
      },
    ]);
  });

  it('prints tables and a summary line for humans, with no stack trace', async () => {
    const s = await open(scenarios.demo().withPermsetAssigned('sam.sales@acme.example'));

    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', 'jane.doe@acme.example', 'sam.sales@acme.example', 'ghost@acme.example']);

    expect(run.exitCode).to.equal(68);
    expect(run.stdout).to.match(/Assigned[\s\S]*jane\.doe@acme\.example/);
    expect(run.stdout).to.match(/Already assigned[\s\S]*sam\.sales@acme\.example/);
    expect(run.stdout).to.match(/Failed[\s\S]*USER_NOT_FOUND/);
    expect(run.stdout).to.include('Permission set "OnceHub connector for Salesforce": 1 assigned, 1 already assigned, 1 failed.');
    expect(run.stderr).not.to.match(/\n\s+at /);
  });

  it('explains an unknown alias with the login command, for both installation commands', async () => {
    const s = await open(scenarios.demo());
    for (const command of [['permset', 'assign'], ['layout', 'add-fields']]) {
      const run = await s.sf(['oncehub', ...command, '-o', 'no-such-alias']);
      expect(run.exitCode, command.join(' ')).to.equal(1);
      expect(run.stderr).to.include('sf org login web --alias no-such-alias');
      expect(run.stderr).not.to.match(/\n\s+at /);
    }
    expect(s.emulator.log.dataRequests()).to.have.length(0);
  });

  it('says the package is not installed when the permission set does not exist', async () => {
    const s = await open(scenarios.base());

    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '--json']);

    expect(run.exitCode).to.equal(1);
    expect(run.json?.name).to.equal('PackageNotInstalledError');
    expect(run.json?.message).to.include('Installation step 1');
    expect(run.json?.actions?.join('\n')).to.include('AppExchange');
    expect(s.emulator.log.writes()).to.have.length(0);
  });
});
