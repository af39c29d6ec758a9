/**
 * `sf oncehub setup-file generate` end to end: generate from an org into sf's working folder, then `doctor --config`
 * on the same org shows no failing check in Field validation, Field mapping and Creation rules. YAML, --json and
 * never overwriting without --force are test/commands/oncehub/setup-file/generate.test.ts; a symlink, a FIFO and two
 * runs racing for the file are test/e2e/hostile-input.e2e.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { scenarios, type OrgBuilder } from '../../emulator/index.js';
import { type Session, type SfResult, startSession } from './harness.js';

type Check = { id: string; status: string; message: string };
type Phase = { id: string; status: string; checks: Check[] };

const LATER_PHASES = ['field-validation', 'field-mapping', 'creation-rules'];

describe('e2e: sf oncehub setup-file generate', function () {
  this.timeout(300_000);
  const sessions: Session[] = [];

  async function open(org: OrgBuilder): Promise<Session> {
    const session = await startSession({ org: org.build() });
    sessions.push(session);
    await session.login('admin@acme.example', 'acme');
    return session;
  }

  async function generate(s: Session, args: string[]): Promise<SfResult> {
    s.emulator.log.clear();
    const run = await s.sf(['oncehub', 'setup-file', 'generate', '-o', 'acme', ...args]);
    expect(s.emulator.log.writes(), 'writes to the org').to.have.length(0);
    expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
    return run;
  }

  /** doctor --config on the same org: nothing fails in phases 3–5. */
  async function doctorPhases(s: Session, file: string): Promise<Phase[]> {
    const run = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--config', file, '--json']);
    expect(run.json?.result, run.stdout + run.stderr).to.not.equal(undefined);
    const phases = (run.json!.result as { phases: Phase[] }).phases.filter((p) => LATER_PHASES.includes(p.id));
    expect(phases.flatMap((p) => p.checks).filter((c) => c.status === 'fail'), JSON.stringify(phases, null, 1)).to.deep.equal([]);
    return phases;
  }

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  it('on the demo org: a JSON file in one request that doctor --config accepts', async () => {
    const s = await open(scenarios.demo());
    expect((await s.sf(['oncehub', 'connect', '-o', 'acme'])).exitCode).to.equal(0);
    const run = await generate(s, []);
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(s.emulator.log.dataRequests()).to.have.length(1);
    const path = join(s.home, 'oncehub-setup.json');
    expect(run.stdout).to.include(`Wrote ${path} from acme: 1 required-field value sources, 6 mapped fields`);
    expect(run.stdout).to.include(`Check it: sf oncehub doctor --target-org acme --config oncehub-setup.json`);
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(file).to.deep.include({ mode: 'standard', apiUser: 'admin@acme.example', fieldValidation: { 'Lead.Region__c': { value: 'Unspecified' } } });
    expect(file.creationRules).to.deep.equal({
      lead: { existing: { data: 'fill-empty', owner: 'keep' }, new: { owner: 'assignment-rules' } },
      contact: { existing: { data: 'fill-empty', owner: 'keep' } },
      case: { create: false },
    });
    const phases = await doctorPhases(s, path);
    expect(phases.map((p) => `${p.id}:${p.status}`)).to.deep.equal(['field-validation:warn', 'field-mapping:pass', 'creation-rules:pass']);
    expect(phases[0].checks.find((c) => c.id === 'required-fields')?.status).to.equal('pass');
  });
});
