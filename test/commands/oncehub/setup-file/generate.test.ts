/**
 * `sf oncehub setup-file generate` on the emulated org: the file from one request, JSON or YAML by extension, that
 * `doctor --config` on the same org accepts (nothing fails in Field validation, Field mapping and Creation rules), and
 * never overwriting without --force. The build itself is test/lib/generate/build.test.ts.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { parse } from 'yaml';
import Doctor, { type DoctorReport } from '../../../../src/commands/oncehub/doctor.js';
import SetupFileGenerate from '../../../../src/commands/oncehub/setup-file/generate.js';
import { ADMIN_USERNAME, type OrgBuilder, scenarios } from '../../../../emulator/index.js';
import { useRealStateFile } from '../../../lib/connection/state-file.js';
import { emulatorContext, recordLogin, type EmulatorContext } from '../../../support/emulator-context.js';

const LATER_PHASES = ['field-validation', 'field-mapping', 'creation-rules'];

describe('oncehub setup-file generate', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let folder: string;

  const open = async (org: OrgBuilder): Promise<void> => {
    ctx = await emulatorContext($$, org.build(), { username: ADMIN_USERNAME, alias: 'acme' });
  };
  const logged = (): string[] => ux.log.getCalls().map((c) => c.args[0] as string);

  /** doctor --config on the same org: nothing fails in phases 3–5. */
  async function laterPhases(file: string): Promise<DoctorReport['phases']> {
    const report = await Doctor.run(['--target-org', 'acme', '--config', file, '--json']);
    const phases = report.phases.filter((p) => LATER_PHASES.includes(p.id));
    expect(phases.flatMap((p) => p.checks).filter((c) => c.status === 'fail'), JSON.stringify(phases, null, 1)).to.deep.equal([]);
    return phases;
  }

  beforeEach(async () => {
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    folder = await mkdtemp(join(tmpdir(), 'setup-file-generate-'));
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  it('on the demo org: a JSON file in the current folder from one request, that doctor --config accepts', async () => {
    await open(scenarios.demo());
    await recordLogin(ctx);
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      await SetupFileGenerate.run(['--target-org', 'acme']);
    } finally {
      process.chdir(cwd);
    }

    expect(ctx.emu.log.dataRequests()).to.have.length(1);
    expect(ctx.emu.log.writes()).to.have.length(0);
    const path = join(folder, 'oncehub-setup.json');
    expect(logged()).to.deep.equal([
      `Wrote ${path} from acme: 1 required-field value sources, 6 mapped fields, OnceHub's default creation rules.`,
      'Check it: sf oncehub doctor --target-org acme --config oncehub-setup.json',
    ]);
    const file = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(file).to.deep.include({ mode: 'standard', apiUser: ADMIN_USERNAME, fieldValidation: { 'Lead.Region__c': { value: 'Unspecified' } } });
    expect(file.creationRules).to.deep.equal({
      lead: { existing: { data: 'fill-empty', owner: 'keep' }, new: { owner: 'assignment-rules' } },
      contact: { existing: { data: 'fill-empty', owner: 'keep' } },
      case: { create: false },
    });
    const phases = await laterPhases(path);
    expect(phases.map((p) => `${p.id}:${p.status}`)).to.deep.equal(['field-validation:warn', 'field-mapping:pass', 'creation-rules:pass']);
    expect(phases[0].checks.find((c) => c.id === 'required-fields')?.status).to.equal('pass');
  });

  it('on an org with required picklist, number, date and email fields: each gets a value source, YAML by extension', async () => {
    await open(scenarios.requiredFieldTypes());
    const path = join(folder, 'config', 'oncehub-setup.yaml');
    await mkdir(join(folder, 'config'));

    const result = await SetupFileGenerate.run(['--target-org', 'acme', '--output-file', path]);

    expect(result.format).to.equal('yaml');
    const file = parse(await readFile(path, 'utf8')) as { fieldValidation: Record<string, unknown>; apiUser?: string };
    expect(file.fieldValidation).to.deep.equal({
      'Lead.Region__c': { value: 'Unspecified' },
      'Lead.Lead_Type__c': { value: 'Inbound' },
      'Contact.Score__c': { value: 0 },
      'Account.Billing_Email__c': { value: 'email@example.com' },
      'Case.Due_Date__c': { from: 'Booking - Meeting time in UTC' },
    });
    expect(file.apiUser).to.equal(undefined);
    expect(logged().join('\n')).to.include('No OnceHub connection is recorded for acme');
    const phases = await laterPhases(path);
    expect(phases[0].checks.find((c) => c.id === 'required-fields')?.status).to.equal('pass');
  });

  it('never overwrites without --force, before any request; --json returns the generated content', async () => {
    await open(scenarios.demo());
    const path = join(folder, 'oncehub-setup.json');
    await writeFile(path, '{"mode":"standard"}\n');

    let refused: SfError | undefined;
    try {
      await SetupFileGenerate.run(['--target-org', 'acme', '--output-file', path, '--json']);
    } catch (err) {
      refused = err as SfError;
    }

    expect(refused?.name).to.equal('FileExistsError');
    expect(refused?.exitCode).to.equal(1);
    expect(refused?.actions?.join(' ')).to.include('--force');
    expect(ctx.emu.log.dataRequests(), 'no request before the refusal').to.have.length(0);
    expect(await readFile(path, 'utf8')).to.equal('{"mode":"standard"}\n');

    process.exitCode = undefined;
    const forced = await SetupFileGenerate.run(['--target-org', 'acme', '--output-file', path, '--force', '--json']);

    expect(forced.path).to.equal(path);
    expect(forced.format).to.equal('json');
    expect(JSON.parse(await readFile(path, 'utf8'))).to.deep.equal(forced.setupFile);
    expect(ctx.emu.log.writes()).to.have.length(0);
  });
});
