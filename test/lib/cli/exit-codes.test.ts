import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { expect } from 'chai';
import { EXIT_CODES, errorCodesHelp, exitCodeMeaning, exitCodeOf } from '../../../src/lib/cli/exit-codes.js';
import { MARKS } from '../../../src/lib/checks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);

describe('exit codes', () => {
  it('are the Salesforce CLI numbers: 0, 1, 2, 10, 20, 68, 130', () => {
    expect(EXIT_CODES).to.deep.equal({
      success: 0,
      failure: 1,
      flagError: 2,
      internalError: 10,
      salesforceError: 20,
      partialSuccess: 68,
      interrupted: 130,
    });
  });

  it("are the codes of README.md's exit-code table, no more and no fewer", async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'));
    const table = section.slice(0, section.indexOf('\n## ', 1) === -1 ? undefined : section.indexOf('\n## ', 1));
    const codes = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes).to.deep.equal(Object.values(EXIT_CODES));
  });

  it('each has its meaning in messages/exit-codes.md', () => {
    for (const code of Object.values(EXIT_CODES)) expect(exitCodeMeaning(code)).to.be.a('string').and.not.be.empty;
    expect(exitCodeMeaning(68)).to.match(/^Partial success/);
    expect(exitCodeMeaning(130)).to.match(/Ctrl-C/);
    expect(exitCodeMeaning(10)).to.match(/internal error/);
    expect(exitCodeMeaning(20)).to.match(/UNKNOWN_EXCEPTION/);
  });

  describe('exitCodeOf, the one rule', () => {
    it('is 0 when nothing failed, whatever succeeded', () => {
      expect(exitCodeOf({ failed: 0 })).to.equal(0);
      expect(exitCodeOf({ failed: 0, succeeded: 0 })).to.equal(0);
      expect(exitCodeOf({ failed: 0, succeeded: 3 })).to.equal(0);
    });

    it('is 1 when something failed and nothing else succeeded (all-or-nothing results leave succeeded out)', () => {
      expect(exitCodeOf({ failed: 1 })).to.equal(1);
      expect(exitCodeOf({ failed: 4, succeeded: 0 })).to.equal(1);
    });

    it('is 68 when some failed and others succeeded', () => {
      expect(exitCodeOf({ failed: 1, succeeded: 1 })).to.equal(68);
      expect(exitCodeOf({ failed: 2, succeeded: 5 })).to.equal(68);
    });

    it('gives permset assign its codes: every user ends up assigned 0, some 68, none 1', () => {
      const assign = (assigned: number, already: number, failed: number): number => exitCodeOf({ failed, succeeded: assigned + already });
      expect([assign(1, 1, 0), assign(0, 1, 0), assign(1, 0, 1), assign(0, 1, 1), assign(0, 0, 1)]).to.deep.equal([0, 0, 68, 68, 1]);
    });

    it('gives layout add-fields its codes: every layout complete 0, some 68, none 1, no layout 0', () => {
      const layouts = (ok: number, failed: number): number => exitCodeOf({ failed, succeeded: ok });
      expect([layouts(1, 0), layouts(1, 1), layouts(0, 1), layouts(0, 0)]).to.deep.equal([0, 68, 1, 0]);
    });
  });

  describe('errorCodesHelp', () => {
    type Section = { header: string; body: Array<{ name: string; description: string }> };
    const sectionOf = (codes: Parameters<typeof errorCodesHelp>[1]): Section => errorCodesHelp(bundle, codes) as Section;
    const bundle = Messages.loadMessages('plugin-oncehub', 'oncehub.permset.assign');

    it("uses the command's own text for each code, in ascending order", () => {
      const section = sectionOf([0, 68, 1]);
      expect(section.header).to.equal('ERROR CODES');
      expect(section.body.map((row) => row.name)).to.deep.equal(['0', '1', '68']);
      expect(section.body[2].description).to.equal(bundle.getMessage('errorCodes.68'));
    });

    it('falls back to the shared meaning for a code the command does not describe', () => {
      const section = sectionOf([0, 130]);
      expect(section.body[1]).to.deep.equal({ name: '130', description: exitCodeMeaning(130) });
    });
  });
});

describe('status symbols', () => {
  it('are one set for every output: ✓ pass, ⚠ warn, ✗ fail, ○ skip', () => {
    expect(MARKS).to.deep.equal({ pass: '✓', warn: '⚠', fail: '✗', skip: '○' });
  });

  it('are distinct, so a status can be read back from its symbol', () => {
    expect(new Set(Object.values(MARKS)).size).to.equal(4);
  });
});
