/**
 * `sf oncehub doctor` end to end, for the CI-facing parts: the Markdown report (parsed with a Markdown parser, table
 * rows checked) and the `api-usage` check read from the Sforce-Limit-Info header of the answers (no extra request).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { marked, type Token, type Tokens } from 'marked';
import { scenarios, type OrgBuilder } from '../../emulator/index.js';
import { type Session, type SfResult, startSession } from './harness.js';

type Check = { id: string; status: string; message: string; fix?: string };

const plain = (tokens: readonly Token[] = []): string =>
  tokens.map((t) => ('tokens' in t && t.tokens ? plain(t.tokens) : 'text' in t ? String(t.text) : t.raw)).join('');

const apiUsage = (run: SfResult): Check =>
  (run.json?.result as { phases: Array<{ checks: Check[] }> }).phases.flatMap((p) => p.checks).find((c) => c.id === 'api-usage')!;

describe('e2e: sf oncehub doctor --result-format markdown, api-usage', function () {
  this.timeout(300_000);
  const sessions: Session[] = [];

  async function open(org: OrgBuilder): Promise<Session> {
    const session = await startSession({ org: org.build() });
    sessions.push(session);
    await session.login('admin@acme.example', 'acme');
    return session;
  }

  async function doctor(s: Session, args: string[]): Promise<SfResult> {
    s.emulator.log.clear();
    const run = await s.sf(['oncehub', 'doctor', '-o', 'acme', ...args]);
    expect(s.emulator.log.dataRequests().length, 'requests to the org').to.be.at.most(4);
    expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
    return run;
  }

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  it('api-usage passes with used / limit from the header of the answers, without a request of its own', async () => {
    const s = await open(scenarios.demo());
    const run = await doctor(s, ['--json']);
    // The emulator counts each request against the day's usage, as Salesforce does: 118 before this run.
    expect(apiUsage(run).status).to.equal('pass');
    expect(apiUsage(run).message).to.match(/^1[1-3]\d of 15000 daily API requests used \(0 %\)\.$/);
    expect(s.emulator.log.dataRequests().map((r) => r.path)).to.not.include.members(['/services/data/v66.0/limits']);
  });

  it('api-usage warns at 95 % used, naming used / limit', async () => {
    const s = await open(scenarios.nearApiLimit());
    const run = await doctor(s, ['--json']);
    const check = apiUsage(run);
    expect(check.status).to.equal('warn');
    expect(check.message).to.match(/^142[5-9]\d of 15000 daily API requests used \(95 %\)/);
    expect(check.fix).to.include('sf org list limits');
    expect(s.emulator.log.dataRequests().some((r) => r.path.endsWith('/limits'))).to.equal(false);
  });

  it('prints GitHub-flavoured Markdown only: a heading with the progress, a table per phase, the numbered fixes', async () => {
    const s = await open(scenarios.demo());
    const run = await doctor(s, ['--result-format', 'markdown']);
    expect(run.exitCode).to.equal(1);
    const tokens = marked.lexer(run.stdout);
    const headings = tokens.filter((t): t is Tokens.Heading => t.type === 'heading').map((t) => plain(t.tokens));
    expect(headings[0]).to.equal(`OnceHub setup of Acme Corporation (${s.emulator.org.orgId}): production, Enterprise Edition — 1 of 5 phases complete`);
    expect(headings.slice(1, 6)).to.deep.equal(['⚠ API connection', '✗ Installation', '⚠ Field validation', '○ Field mapping', '○ Creation rules']);
    const tables = tokens.filter((t): t is Tokens.Table => t.type === 'table');
    expect(tables).to.have.length(5);
    const rows = (i: number): string[][] => tables[i].rows.map((r) => r.map((c) => plain(c.tokens)));
    expect(tables[0].header.map((c) => plain(c.tokens))).to.deep.equal(['Status', 'Check', 'Result']);
    expect(rows(0).map((r) => r[1])).to.include('Org has API requests left today (api-usage)');
    expect(rows(1).map((r) => [r[0], r[1]])).to.deep.equal([
      ['✓', 'OnceHub package is installed (package-installed)'],
      ['✗', 'API user has the OnceHub permission set (permset-assigned)'],
      ['⚠', 'Event page layouts show the OnceHub fields (layout-fields)'],
      ['○', "The project's Event layout files show the OnceHub fields (source-layouts)"],
    ]);
    expect(rows(2).find((r) => r[1].endsWith('(validation-rules)'))?.[2]).to.include('Lead.Phone_Required ("Please enter a phone number.")');
    const fixes = tokens.find((t): t is Tokens.List => t.type === 'list');
    expect(fixes?.ordered).to.equal(true);
    expect(fixes!.items.map((i) => plain(i.tokens)).some((text) => text.startsWith('✗ sf oncehub permset assign'))).to.equal(true);
    expect(run.stdout).to.not.include('Fixes, in order:\n  1.');
  });

  it('with --output-dir also writes oncehub-doctor.md, the same Markdown', async () => {
    const s = await open(scenarios.demo());
    const outputDir = join(mkdtempSync(join(tmpdir(), 'doctor-md-')), 'summary');
    const run = await doctor(s, ['--result-format', 'markdown', '--output-dir', outputDir]);
    expect(readdirSync(outputDir)).to.deep.equal(['oncehub-doctor.md']);
    expect(readFileSync(join(outputDir, 'oncehub-doctor.md'), 'utf8')).to.equal(run.stdout);
    expect(run.stderr).to.include(`Wrote the Markdown report to ${join(outputDir, 'oncehub-doctor.md')}`);
  });
});
