import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { JUNIT_FILE_NAME, junitXml, writeJunitReport } from '../../../src/lib/doctor/junit.js';
import { buildReport } from '../../../src/lib/doctor/report.js';
import { completedFacts, fetched } from './hand-made-facts.js';

type Case = { '@_classname': string; '@_name': string; failure?: { '@_message': string; '#text': string }; skipped?: string; 'system-out'?: string };
type Suite = { '@_name': string; '@_tests': string; '@_failures': string; '@_skipped': string; testcase: Case[] };
type Parsed = { testsuites: { '@_tests': string; '@_failures': string; '@_skipped': string; testsuite: Suite[] } };

const parse = (xml: string): Parsed =>
  new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml) as Parsed;

const report = buildReport(
  completedFacts({
    installation: { ...completedFacts().installation, apiUserAssigned: fetched(false) },
    duplicateRules: fetched([{ object: 'Lead', name: 'Std', label: 'Standard Lead Duplicate Rule' }]),
  })
);

describe('doctor/junit', () => {
  it('has one suite per phase and one testcase per check, classname = phase id', async () => {
    const parsed = parse(await junitXml(report));
    expect(parsed.testsuites['@_tests']).to.equal('16');
    expect(parsed.testsuites['@_failures']).to.equal('1');
    expect(parsed.testsuites['@_skipped']).to.equal('2');
    expect(parsed.testsuites.testsuite.map((s) => s['@_name'])).to.deep.equal([
      'API connection (api-connection)',
      'Installation (installation)',
      'Field validation (field-validation)',
      'Field mapping (field-mapping)',
      'Creation rules (creation-rules)',
    ]);
    const cases = parsed.testsuites.testsuite.flatMap((s) => s.testcase);
    expect(cases.map((c) => `${c['@_classname']}/${c['@_name']}`)).to.include.members([
      'api-connection/Org edition has API access (api-access)',
      'installation/API user has the OnceHub permission set (permset-assigned)',
      'field-mapping/Mapped fields fit the org (mapping)',
    ]);
  });

  it('writes a failure with the message and the fix, a skip as <skipped/>, a warning as passing with system-out', async () => {
    const cases = parse(await junitXml(report)).testsuites.testsuite.flatMap((s) => s.testcase);
    const find = (id: string): Case => cases.find((c) => c['@_name'].endsWith(`(${id})`))!;

    const failed = find('permset-assigned');
    expect(failed.failure?.['@_message']).to.include('does not have the permission set');
    expect(failed.failure?.['#text']).to.equal('Fix: sf oncehub permset assign --target-org acme --on-behalf-of api@acme.example');

    const skipped = find('mapping');
    expect(skipped).to.have.property('skipped');
    expect(skipped['system-out']).to.include('Not checked');

    const warned = find('duplicate-rules');
    expect(warned.failure).to.equal(undefined);
    expect(warned.skipped).to.equal(undefined);
    expect(warned['system-out']).to.match(/^Warning: Active duplicate rules \(1\) .*\nFix: In Setup > Duplicate Management/s);

    expect(find('api-access')['system-out']).to.equal('Enterprise Edition has API access.');
  });

  it('writes oncehub-doctor.xml into a new folder, leaving no temporary file', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'junit-')), 'deep', 'reports');
    const path = await writeJunitReport(report, dir);
    expect(path).to.equal(join(dir, JUNIT_FILE_NAME));
    expect(await readdir(dir)).to.deep.equal([JUNIT_FILE_NAME]);
    expect(parse(await readFile(path, 'utf8')).testsuites['@_tests']).to.equal('16');
  });

  it('replaces an earlier report whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junit-'));
    await writeFile(join(dir, JUNIT_FILE_NAME), 'old and much longer '.repeat(1000));
    await writeJunitReport(report, dir);
    expect(await readFile(join(dir, JUNIT_FILE_NAME), 'utf8')).to.match(/^<\?xml[^]*<\/testsuites>$/);
  });

  it('fails without leaving a temporary file when the folder cannot be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junit-'));
    await writeFile(join(dir, 'file'), 'x');
    let error: unknown;
    try {
      await writeJunitReport(report, join(dir, 'file'));
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
    expect(await readdir(dir)).to.deep.equal(['file']);
  });
});
