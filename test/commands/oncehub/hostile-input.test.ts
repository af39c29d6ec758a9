/**
 * Issue #15, command by command in-process: blank flags are errors, a damaged state file is read as empty with a
 * warning naming it, and JUnit stays well-formed whatever a setup file holds. What needs the real process and the
 * real file system (symlinks, FIFOs, two runs racing, a printed fix pasted into bash, the warning on sf's stderr) is
 * test/e2e/hostile-input.e2e.test.ts.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Disconnect from '../../../src/commands/oncehub/disconnect.js';
import Doctor from '../../../src/commands/oncehub/doctor.js';
import PermsetAssign from '../../../src/commands/oncehub/permset/assign.js';
import Status from '../../../src/commands/oncehub/status.js';
import { forgetStateWarnings, statePath } from '../../../src/lib/connection/state.js';
import { ADMIN_USERNAME, scenarios } from '../../../emulator/index.js';
import { rawStateFile, useRealStateFile } from '../../lib/connection/state-file.js';
import { emulatorContext, failureOf, type EmulatorContext } from '../../support/emulator-context.js';

const failure = failureOf;

describe('hostile input, per command (issue #15)', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    await useRealStateFile($$);
    ctx = await emulatorContext($$, scenarios.demo().build(), { username: ADMIN_USERNAME, alias: 'acme' });
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  it('permset assign -b "" (or blank, or only commas) is an error, never the default user: exit 1, no request', async () => {
    for (const value of ['', ' ', ',']) {
      const err = await failure(() => PermsetAssign.run(['--target-org', 'acme', '--on-behalf-of', value]));
      expect(err.name, JSON.stringify(value)).to.equal('BlankError');
      expect(err.message).to.include('--on-behalf-of is empty or blank');
      expect(err.exitCode).to.equal(1);
    }
    expect(ctx.emu.log.dataRequests()).to.have.length(0);
  });

  describe('a damaged state file', () => {
    const plant = async (text: string): Promise<void> => {
      await mkdir(dirname(statePath()), { recursive: true });
      await writeFile(statePath(), text);
    };
    const warnings = (): string[] => ux.warn.getCalls().map((c) => c.args[0] as string);

    it('[1,2]: status, doctor and disconnect warn naming the file and how to fix it, and go on as if it were empty', async () => {
      await plant('[1,2]');
      const commands: Array<[string, () => Promise<unknown>]> = [
        ['status', () => Status.run([])],
        ['doctor', () => Doctor.run(['--target-org', 'acme'])],
        ['disconnect', () => Disconnect.run(['--production'])],
      ];
      for (const [name, run] of commands) {
        forgetStateWarnings(); // each command is a process of its own under sf: each warns once
        ux.warn.resetHistory();
        process.exitCode = undefined;
        await run();
        expect(process.exitCode ?? 0, name).to.not.equal(10);
        expect(warnings(), name).to.have.length(1);
        expect(warnings()[0], name).to.include(statePath()).and.include('sf oncehub connect');
      }
      expect(await rawStateFile()).to.equal('[1,2]');
    });

    it('wrong types: doctor --json reports, warning (into the JSON warnings) with the file and the bad path; no TypeError', async () => {
      await plant(JSON.stringify({ production: { username: 42, orgId: ['x'], mode: {} } }));

      const report = await Doctor.run(['--target-org', 'acme', '--json']);

      expect(report.phases).to.have.length(5);
      expect(ux.logJson.firstCall.args[0]).to.deep.include({ result: report });
      // sf-plugins-core's warn() puts it in the JSON document's warnings (stubbed here, so seen as the call).
      expect(warnings()).to.have.length(1);
      expect(warnings()[0]).to.include(statePath()).and.include('/production');
    });
  });

  it('JUnit stays well-formed with two ]]> in a value from the setup file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hostile-junit-'));
    const config = join(dir, 'setup.json');
    await writeFile(config, JSON.stringify({ apiUser: 'x]]><injected/>]]><b>@acme.example' }));

    await Doctor.run(['--target-org', 'acme', '--config', config, '--result-format', 'junit', '--output-dir', dir]);

    const xml = await readFile(join(dir, 'oncehub-doctor.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).to.equal(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as object;
    expect(JSON.stringify(parsed)).to.not.include('"injected"');
    expect(JSON.stringify(parsed)).to.include('x]]><injected/>]]><b>@acme.example');
  });
});
