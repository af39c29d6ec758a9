/**
 * `sf oncehub permset assign` end to end: the real sf binary with the built plugin, against the org emulator.
 * Needs `npm run build` first (npm test does it).
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

  async function open(org: OrgBuilder, latencyMs = 0, batchSize?: number): Promise<Session> {
    session = await startSession({ org: org.build(), latencyMs, batchSize });
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

  it('assigns 500 users of whom 120 already have the set within 3 + ⌈380/200⌉ requests', async () => {
    const s = await open(scenarios.base().withPackage().withExtraUsers(500, { assigned: 120 }));
    const usernames = Array.from({ length: 500 }, (_, i) => `user${String(i + 1).padStart(4, '0')}@acme.example`);

    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', ...usernames, '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.assigned).to.have.length(380);
    expect(run.json?.result.alreadyAssigned).to.have.length(120);
    expect(run.json?.result.failed).to.deep.equal([]);
    const requests = s.emulator.log.dataRequests();
    expect(requests.length, requests.map((r) => `${r.method} ${r.path}`).join('\n')).to.be.at.most(3 + Math.ceil(380 / 200));
    expect(s.emulator.log.writes().map((w) => `${w.method} ${w.path}`)).to.deep.equal([
      'POST /services/data/v66.0/composite/sobjects',
      'POST /services/data/v66.0/composite/sobjects',
    ]);
    expect(usernames.every((u) => holders(s.emulator).has(idOf(s.emulator, u)))).to.equal(true);
  });

  for (const batchSize of [200, 2000]) {
    it(`500 users (120 assigned) with the org paging query answers at ${batchSize} rows: ≤ 3 + ⌈380/200⌉ requests, no query-more`, async () => {
      const s = await open(scenarios.base().withPackage().withExtraUsers(500, { assigned: 120 }), 0, batchSize);
      const usernames = Array.from({ length: 500 }, (_, i) => `user${String(i + 1).padStart(4, '0')}@acme.example`);

      const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', ...usernames, '--json']);

      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.json?.result.assigned).to.have.length(380);
      expect(run.json?.result.alreadyAssigned).to.have.length(120);
      const requests = s.emulator.log.dataRequests();
      // Measured: 2 Composites of reads + 2 collection inserts = 4 at both page sizes.
      expect(requests.map((r) => `${r.method} ${r.path.replace(/^\/services\/data\/v66\.0/, '')}`)).to.deep.equal([
        'POST /composite',
        'POST /composite',
        'POST /composite/sobjects',
        'POST /composite/sobjects',
      ]);
      expect(requests.length).to.be.at.most(3 + Math.ceil(380 / 200));
    });
  }

  it('1000 users (120 assigned) paged at 200 rows: still within 3 + ⌈880/200⌉ requests', async () => {
    const s = await open(scenarios.base().withPackage().withExtraUsers(1000, { assigned: 120 }), 0, 200);
    const usernames = Array.from({ length: 1000 }, (_, i) => `user${String(i + 1).padStart(4, '0')}@acme.example`);

    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', ...usernames, '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.assigned).to.have.length(880);
    const requests = s.emulator.log.dataRequests();
    expect(requests.filter((r) => /\/query\//.test(r.path)), 'query-more calls').to.have.length(0);
    expect(requests.length).to.be.at.most(3 + Math.ceil(880 / 200));
  });

  it('lists a user holding the set through a permission set group under alreadyAssigned with via, and writes nothing', async () => {
    const s = await open(scenarios.base().withPackage().withPermsetViaGroup({ usernames: ['jane.doe@acme.example'] }));

    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', 'jane.doe@acme.example', '--json']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.assigned).to.deep.equal([]);
    expect(run.json?.result.alreadyAssigned).to.deep.equal([
      { username: 'jane.doe@acme.example', userId: idOf(s.emulator, 'jane.doe@acme.example'), via: 'OnceHub Users' },
    ]);
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(s.emulator.log.dataRequests().length).to.be.at.most(2);
  });

  it('counts an assignment made between its read and its insert as already assigned', async () => {
    const s = await open(scenarios.demo());
    // Slow down the insert so that "someone else" can assign jane first.
    s.emulator.faults.latencyMs(1500, { path: '/composite/sobjects', method: 'POST' });
    const running = s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', 'jane.doe@acme.example', 'sam.sales@acme.example', '--json']);
    await until(() => s.emulator.log.entries.some((e) => e.path.endsWith('/composite/sobjects')));
    s.emulator.org.insert('PermissionSetAssignment', {
      AssigneeId: idOf(s.emulator, 'jane.doe@acme.example'),
      PermissionSetId: permsetId(s.emulator),
      IsActive: true,
    });

    const run = await running;

    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(run.json?.result.assigned.map((r: { username: string }) => r.username)).to.deep.equal(['sam.sales@acme.example']);
    expect(run.json?.result.alreadyAssigned.map((r: { username: string }) => r.username)).to.deep.equal(['jane.doe@acme.example']);
    expect(run.json?.result.failed).to.deep.equal([]);
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

  it('exits 1 when no user got the set', async () => {
    const s = await open(scenarios.demo());
    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', 'ghost@acme.example', '--json']);
    expect(run.exitCode).to.equal(1);
    expect(run.json?.result.failed.map((r: { errorCode: string }) => r.errorCode)).to.deep.equal(['USER_NOT_FOUND']);
    expect(s.emulator.log.writes()).to.have.length(0);
  });

  it("assigns a user whose username contains a quote (escaped SOQL)", async () => {
    const s = await open(scenarios.demo().withUsernameContainingQuote());
    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', "o'brien@acme.example", '--json']);
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.json?.result.assigned.map((r: { username: string }) => r.username)).to.deep.equal(["o'brien@acme.example"]);
    expect(s.emulator.log.queries().some((q) => q.includes("'o\\'brien@acme.example'"))).to.equal(true);
  });

  it('writes nothing with --dry-run and says so', async () => {
    const s = await open(scenarios.demo());
    const before = holders(s.emulator).size;

    const run = await s.sf(['oncehub', 'permset', 'assign', '-o', 'acme', '-b', 'jane.doe@acme.example', '--dry-run']);

    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Would be assigned');
    expect(run.stdout).to.include('jane.doe@acme.example');
    expect(run.stdout).to.include('Dry run: nothing was written.');
    expect(s.emulator.log.writes()).to.have.length(0);
    expect(holders(s.emulator).size).to.equal(before);
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

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
