/**
 * `sf oncehub setup-file generate` end to end: generate from an org, then `doctor --config` on the same org shows no
 * failing check in Field validation, Field mapping and Creation rules. JSON and YAML, --json, and never overwriting
 * without --force.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
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

  it('on an org with required picklist, number, date and email fields: each gets a value source, YAML by extension', async () => {
    const s = await open(scenarios.requiredFieldTypes());
    const run = await generate(s, ['--output-file', 'config/oncehub-setup.yaml']);
    expect(run.exitCode, run.stderr).to.equal(0);
    const path = join(s.home, 'config', 'oncehub-setup.yaml');
    const file = parse(readFileSync(path, 'utf8')) as { fieldValidation: Record<string, unknown>; apiUser?: string };
    expect(file.fieldValidation).to.deep.equal({
      'Lead.Region__c': { value: 'Unspecified' },
      'Lead.Lead_Type__c': { value: 'Inbound' },
      'Contact.Score__c': { value: 0 },
      'Account.Billing_Email__c': { value: 'email@example.com' },
      'Case.Due_Date__c': { from: 'Booking - Meeting time in UTC' },
    });
    expect(file.apiUser).to.equal(undefined);
    expect(run.stdout).to.include('No OnceHub connection is recorded for acme');
    const phases = await doctorPhases(s, path);
    expect(phases[0].checks.find((c) => c.id === 'required-fields')?.status).to.equal('pass');
  });

  it('never overwrites without --force; --json returns the generated content', async () => {
    const s = await open(scenarios.demo());
    const path = join(s.home, 'oncehub-setup.json');
    writeFileSync(path, '{"mode":"standard"}\n');
    const refused = await generate(s, ['--json']);
    expect(refused.exitCode).to.equal(1);
    expect(refused.json?.name).to.equal('FileExistsError');
    expect(refused.json?.actions?.join(' ')).to.include('--force');
    expect(s.emulator.log.dataRequests(), 'no request before the refusal').to.have.length(0);
    expect(readFileSync(path, 'utf8')).to.equal('{"mode":"standard"}\n');

    const forced = await generate(s, ['--force', '--json']);
    expect(forced.exitCode).to.equal(0);
    expect(forced.json?.result.path).to.equal(path);
    expect(forced.json?.result.format).to.equal('json');
    expect(JSON.parse(readFileSync(path, 'utf8'))).to.deep.equal(forced.json?.result.setupFile);
  });
});
