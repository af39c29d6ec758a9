/**
 * `sf oncehub doctor --result-format markdown` end to end, for what only the real sf binary shows: stdout is
 * GitHub-flavoured Markdown and nothing else (parsed with a Markdown parser, table rows checked), the same text is
 * written to --output-dir, and the note saying so goes to stderr. The rendering in detail is
 * test/lib/doctor/markdown.test.ts; the api-usage check read from the Sforce-Limit-Info header is
 * test/commands/oncehub/doctor.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { marked, type Token, type Tokens } from 'marked';
import { scenarios } from '../../emulator/index.js';
import { type Session, startSession } from './harness.js';

const plain = (tokens: readonly Token[] = []): string =>
  tokens.map((t) => ('tokens' in t && t.tokens ? plain(t.tokens) : 'text' in t ? String(t.text) : t.raw)).join('');

describe('e2e: sf oncehub doctor --result-format markdown', function () {
  this.timeout(300_000);
  let s: Session | undefined;

  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('prints GitHub-flavoured Markdown only (a heading with the progress, a table per phase, the numbered fixes) and writes the same to oncehub-doctor.md', async () => {
    s = await startSession({ org: scenarios.demo().build() });
    await s.login('admin@acme.example', 'acme');
    const outputDir = join(mkdtempSync(join(tmpdir(), 'doctor-md-')), 'summary');
    s.emulator.log.clear();

    const run = await s.sf(['oncehub', 'doctor', '-o', 'acme', '--result-format', 'markdown', '--output-dir', outputDir]);

    expect(run.exitCode).to.equal(1);
    expect(s.emulator.log.dataRequests().length, 'requests to the org').to.be.at.most(4);
    expect(run.stderr).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
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

    expect(readdirSync(outputDir)).to.deep.equal(['oncehub-doctor.md']);
    expect(readFileSync(join(outputDir, 'oncehub-doctor.md'), 'utf8')).to.equal(run.stdout);
    expect(run.stderr).to.include(`Wrote the Markdown report to ${join(outputDir, 'oncehub-doctor.md')}`);
  });
});
