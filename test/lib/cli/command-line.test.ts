import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { commandLine, escapeControl, hasControl, quoteArg, sfCommand } from '../../../src/lib/cli/command-line.js';

/**
 * A printed command must run exactly as shown when pasted into a shell. The proof: bash runs the printed line with a
 * stub `sf` on PATH that prints its arguments NUL-separated, in a folder where a planted command would leave a canary.
 */
describe('command-line', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oncehub-cmdline-'));
    const stub = join(dir, 'bin', 'sf');
    execFileSync('mkdir', ['-p', join(dir, 'bin'), join(dir, 'work')]);
    writeFileSync(stub, '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done\n');
    chmodSync(stub, 0o755);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The arguments the stub sf received when bash ran the line, or the failure. */
  function runInBash(line: string): string[] {
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', line], {
      cwd: join(dir, 'work'),
      env: { PATH: `${join(dir, 'bin')}${delimiter}/usr/bin${delimiter}/bin`, LANG: 'C.UTF-8', HOME: join(dir, 'work') },
      encoding: 'utf8',
    });
    const args = out.split('\0');
    args.pop();
    return args;
  }

  const canary = (): string => join(dir, 'work', 'canary');

  describe('quoteArg', () => {
    it('leaves plain words bare', () => {
      for (const word of ['sf', '--on-behalf-of', 'api@acme.example', 'a.b_c:d/e=f+g-h', 'Prod1']) {
        expect(quoteArg(word)).to.equal(word);
      }
    });

    it('single-quotes anything else, with an embedded quote as \'\\\'\'', () => {
      expect(quoteArg('')).to.equal("''");
      expect(quoteArg('api@acme.example$(touch /tmp/x)')).to.equal("'api@acme.example$(touch /tmp/x)'");
      expect(quoteArg("o'brien@acme.example")).to.equal("'o'\\''brien@acme.example'");
      expect(quoteArg('a b')).to.equal("'a b'");
      expect(quoteArg('~root')).to.equal("'~root'");
      expect(quoteArg('über')).to.equal("'über'");
    });

    it('prints control characters as ANSI-C escapes, never raw', () => {
      expect(quoteArg('a\nb')).to.equal("$'a\\nb'");
      expect(quoteArg("it's\t\u001b[31m")).to.equal("$'it\\'s\\t\\e[31m'");
      expect(quoteArg('back\\slash\u0001')).to.equal("$'back\\\\slash\\x01'");
      expect(quoteArg('rtl\u202eevil')).to.equal("$'rtl\\u202eevil'");
      expect(hasControl(quoteArg('x\u0085\u2028\u0000y'))).to.equal(false);
    });
  });

  describe('escapeControl', () => {
    it('makes control and reordering characters visible and keeps the rest', () => {
      expect(escapeControl('a\nb\tc\u001b[0m\u0000\u202e')).to.equal('a\\nb\\tc\\e[0m\\x00\\u202e');
      expect(escapeControl('C:\\path über $(x)')).to.equal('C:\\path über $(x)');
    });
  });

  describe('commandLine', () => {
    it('keeps sf, subcommands and flag names bare and quotes values', () => {
      expect(sfCommand('oncehub', 'permset', 'assign', '-o', 'my org', '--on-behalf-of', "o'brien@x.example")).to.equal(
        "sf oncehub permset assign -o 'my org' --on-behalf-of 'o'\\''brien@x.example'"
      );
    });

    it('the issue #15 probe: a planted $(touch) in apiUser is passed literally and runs nothing', () => {
      const value = `api@acme.example$(touch ${canary()})`;
      const line = sfCommand('oncehub', 'permset', 'assign', '--on-behalf-of', value);
      expect(runInBash(line)).to.deep.equal(['oncehub', 'permset', 'assign', '--on-behalf-of', value]);
      expect(existsSync(canary())).to.equal(false);
    });

    // Pieces a hostile setup file would combine: expansions, separators, quotes, globs, redirections, control chars.
    const hostilePiece = fc.oneof(
      fc.constantFrom(
        `$(touch ${'canary'})`,
        '`touch canary`',
        ';touch canary',
        '&& touch canary',
        '| tee canary',
        '> canary',
        "'",
        '"',
        "'\\''",
        '\\',
        '$HOME',
        '${PATH}',
        '*',
        '?',
        '[a]',
        '~',
        '#',
        '!',
        '{a,b}',
        ' ',
        '\n',
        '\t',
        '\r',
        '\u001b[2J',
        '\u007f',
        '\u0085',
        '\u202e',
        '\u2028',
        '$\'',
        '-',
        '='
      ),
      fc.string({ unit: 'binary', maxLength: 6 }).map((s) => s.replaceAll('\0', '')),
      fc.string({ maxLength: 8 })
    );
    const hostileValue = fc.array(hostilePiece, { maxLength: 6 }).map((pieces) => pieces.join(''));

    it('property: bash receives exactly the intended arguments and nothing else runs', () => {
      fc.assert(
        fc.property(fc.array(hostileValue, { minLength: 1, maxLength: 4 }), (values) => {
          const argv = ['oncehub', 'doctor', ...values.flatMap((v) => ['--api-user', v])];
          const line = commandLine(['sf', ...argv]);
          expect(hasControl(line), 'no raw control character is printed').to.equal(false);
          expect(runInBash(line)).to.deep.equal(argv);
          expect(existsSync(canary())).to.equal(false);
        }),
        { numRuns: 150 }
      );
    });
  });
});
