import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { marked, type Token, type Tokens } from 'marked';
import { escapeMarkdown, MARKDOWN_FILE_NAME, markdownReport, writeMarkdownReport } from '../../../src/lib/doctor/markdown.js';
import { buildReport } from '../../../src/lib/doctor/report.js';
import { completedFacts, fetched } from './hand-made-facts.js';

/** The text a reader sees in a run of inline tokens (escapes resolved, <br> as a newline). */
function plain(tokens: readonly Token[] = []): string {
  return tokens
    .map((t) => {
      if (t.type === 'html' && /^<br>$/i.test(t.raw)) return '\n';
      if ('tokens' in t && t.tokens) return plain(t.tokens);
      return 'text' in t ? String(t.text) : t.raw;
    })
    .join('');
}

const tables = (markdown: string): Array<{ header: string[]; rows: string[][] }> =>
  marked
    .lexer(markdown)
    .filter((t): t is Tokens.Table => t.type === 'table')
    .map((t) => ({ header: t.header.map((c) => plain(c.tokens)), rows: t.rows.map((r) => r.map((c) => plain(c.tokens))) }));

const headings = (markdown: string): Array<{ depth: number; text: string }> =>
  marked
    .lexer(markdown)
    .filter((t): t is Tokens.Heading => t.type === 'heading')
    .map((t) => ({ depth: t.depth, text: plain(t.tokens) }));

describe('doctor/markdown', () => {
  it('has a heading with the org and the progress, then one table per phase with a row per check', () => {
    const facts = completedFacts();
    const markdown = markdownReport(buildReport(facts), facts);
    expect(headings(markdown)).to.deep.equal([
      { depth: 2, text: 'OnceHub setup of Acme Inc. (00D5g000000ProdAAA): production, Enterprise Edition — 3 of 5 phases complete' },
      { depth: 3, text: '✓ API connection' },
      { depth: 3, text: '✓ Installation' },
      { depth: 3, text: '✓ Field validation' },
      { depth: 3, text: '○ Field mapping' },
      { depth: 3, text: '○ Creation rules' },
    ]);
    const parsed = tables(markdown);
    expect(parsed).to.have.length(5);
    expect(parsed[0].header).to.deep.equal(['Status', 'Check', 'Result']);
    expect(parsed[0].rows.map((r) => r[1])).to.deep.equal([
      'Org edition has API access (api-access)',
      'API user is active (user-active)',
      'API user has the Salesforce license (user-license)',
      'API user has the System Administrator profile (user-profile)',
      'API user has API Enabled (api-enabled)',
      'API user has Modify All Data (modify-all-data)',
      'OnceHub connection recorded for this org and user (recorded-connection)',
      'Org has API requests left today (api-usage)',
    ]);
    expect(parsed[0].rows.at(-1)).to.deep.equal(['✓', 'Org has API requests left today (api-usage)', '118 of 15000 daily API requests used (0 %).']);
    expect(parsed[3].rows).to.have.length(1);
    expect(parsed[3].rows[0][0]).to.equal('○');
    expect(marked.lexer(markdown).some((t) => t.type === 'list')).to.equal(false);
  });

  it('marks each status and ends with the numbered fixes in phase order', () => {
    const facts = completedFacts({
      connections: {},
      installation: { ...completedFacts().installation, apiUserAssigned: fetched(false) },
      apiUsage: { used: 14_250, limit: 15_000 },
    });
    const markdown = markdownReport(buildReport(facts), facts);
    const [api, installation] = tables(markdown);
    expect(api.rows.map((r) => r[0])).to.deep.equal(['✓', '✓', '✓', '✓', '✓', '✓', '⚠', '⚠']);
    expect(api.rows.at(-1)?.[2]).to.match(/^14250 of 15000 daily API requests used \(95 %\)/);
    expect(installation.rows.map((r) => r[0])).to.deep.equal(['✓', '✗', '✓', '○']);
    const list = marked.lexer(markdown).find((t): t is Tokens.List => t.type === 'list');
    expect(list?.ordered).to.equal(true);
    const items = list!.items.map((i) => plain(i.tokens));
    expect(items[0]).to.equal('⚠ sf oncehub connect -o acme-api');
    expect(items[1]).to.match(/^⚠ Find what uses the API \(Setup > System Overview, or "sf org list limits -o <alias>"/);
    expect(items[2]).to.match(/^✗ sf oncehub permset assign --target-org acme --on-behalf-of /);
  });

  it('keeps a | or a newline in a message inside its cell', () => {
    const facts = completedFacts({
      validationRules: fetched([{ object: 'Lead', name: 'Pipe_Rule', errorMessage: 'Region | Country\nmust be *set* <now>' }]),
    });
    const [, , validation] = tables(markdownReport(buildReport(facts), facts));
    expect(validation.rows).to.have.length(3);
    expect(validation.rows[1]).to.have.length(3);
    expect(validation.rows[1][2]).to.include('Lead.Pipe_Rule ("Region | Country\nmust be *set* <now>")');
  });

  it('escapes table and inline syntax', () => {
    expect(escapeMarkdown('a|b\nc <d> *e* Region__c `g` [h]')).to.equal('a\\|b<br>c \\<d\\> \\*e\\* Region__c \\`g\\` \\[h\\]');
  });

  it('writes oncehub-doctor.md through a temporary file, leaving nothing else', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'oncehub-md-')), 'reports');
    const path = await writeMarkdownReport('# report\n', dir);
    expect(path).to.equal(join(dir, MARKDOWN_FILE_NAME));
    expect(await readFile(path, 'utf8')).to.equal('# report\n');
    expect(await readdir(dir)).to.deep.equal([MARKDOWN_FILE_NAME]);
  });

  it('hostile values (issue #15): |, backticks, newlines and control characters stay inside their cell', () => {
    const hostile = 'a | b `code` c\nd\r\ne \u001b[31m | <script> [x](y) **z**';
    const facts = completedFacts();
    const report = buildReport(facts);
    const copy = structuredClone(report);
    const first = copy.phases[0].checks[0];
    copy.phases[0].checks[0] = { ...first, status: 'fail', title: `T ${hostile}`, message: `M ${hostile}`, fix: `F ${hostile}` };
    const markdown = markdownReport(copy, facts);
    const [table] = tables(markdown);
    expect(table.header).to.have.lengthOf(3);
    expect(table.rows.every((r) => r.length === 3)).to.equal(true);
    expect(table.rows).to.have.lengthOf(report.phases[0].checks.length);
    expect(table.rows[0][2]).to.equal('M a | b `code` c\nd\ne \\e[31m | <script> [x](y) **z**');
    expect(table.rows[0][1]).to.equal(`T a | b `+'`code`'+` c\nd\ne \\e[31m | <script> [x](y) **z** (${first.id})`);
    expect(markdown).to.not.match(/\u001b/);
    const list = marked.lexer(markdown).filter((t): t is Tokens.List => t.type === 'list');
    expect(plain(list.at(-1)?.items[0].tokens)).to.include('F a | b `code` c\nd\ne \\e[31m');
  });
});
