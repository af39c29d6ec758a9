import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeControl } from '../../../src/lib/cli/command-line.js';
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
    expect(parsed.testsuites['@_tests']).to.equal('17');
    expect(parsed.testsuites['@_failures']).to.equal('1');
    expect(parsed.testsuites['@_skipped']).to.equal('3');
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
    expect(parse(await readFile(path, 'utf8')).testsuites['@_tests']).to.equal('17');
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

  describe('hostile values (issue #15)', () => {
    // A value from a setup file or an org, as it may reach a check's text.
    const hostile = 'api@acme.example ]]><injected/>]]><![CDATA[ x ]]> \u001b[31m red \u0000 nul \u202e rtl & <b>';
    const hostileReport = (): typeof report => {
      const copy = structuredClone(report);
      const [first, second, third] = copy.phases[0].checks;
      copy.phases[0].checks[0] = { ...first, status: 'fail', title: `T ${hostile}`, message: `M ${hostile}`, fix: `F ${hostile}` };
      copy.phases[0].checks[1] = { ...second, status: 'warn', message: `W ${hostile}`, fix: `G ${hostile}` };
      copy.phases[0].checks[2] = { ...third, status: 'pass', message: `P ${hostile}` };
      return copy;
    };

    it('stays well-formed: every ]]> is escaped, no element is injected, the texts read back intact', async () => {
      const xml = await junitXml(hostileReport());
      expect(XMLValidator.validate(xml)).to.equal(true);
      expect(xml).to.not.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      const parsed = parse(xml);
      const cases = parsed.testsuites.testsuite[0].testcase;
      const shown = 'api@acme.example ]]><injected/>]]><![CDATA[ x ]]> \\e[31m red \\x00 nul \\u202e rtl & <b>';
      expect(cases[0]['@_name']).to.equal(`T ${shown} (${report.phases[0].checks[0].id})`);
      expect(cases[0].failure?.['@_message']).to.equal(`M ${shown}`);
      expect(cases[0].failure?.['#text']).to.equal(`Fix: F ${shown}`);
      expect(cases[1]['system-out']).to.equal(`Warning: W ${shown}\nFix: G ${shown}`);
      expect(cases[2]['system-out']).to.equal(`P ${shown}`);
      expect(cases.map((c) => Object.keys(c).filter((k) => !k.startsWith('@_')))).to.not.deep.include(['injected']);
    });

    it('property: any text placed in a check reads back from the XML as its escaped form', async () => {
      const { default: fc } = await import('fast-check');
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(']]>', ']]]]>', '<x/>', '&amp;', '\uE000'), async (text, piece) => {
          const value = `${text}${piece}${text}${piece}`;
          const copy = structuredClone(report);
          copy.phases[0].checks[0] = { ...copy.phases[0].checks[0], status: 'pass', message: value };
          const xml = await junitXml(copy);
          expect(XMLValidator.validate(xml)).to.equal(true);
          const untrimmed = new XMLParser({ trimValues: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) });
          const out = (untrimmed.parse(xml) as Parsed).testsuites.testsuite[0].testcase[0]['system-out'];
          // Lines are kept; everything else that is a control character shows as its escape.
          const expected = value.split('\n').map((line) => escapeControl(line).replaceAll('\uE000', '\\ue000')).join('\n');
          expect(String(out ?? '')).to.equal(expected);
        }),
        { numRuns: 100 }
      );
    });
  });
});
