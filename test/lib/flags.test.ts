import { OrgConfigProperties } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  configFlag,
  onBehalfOfFlag,
  orgFlagDefaultHelp,
  requireNonBlank,
  requireUsername,
  requireUsernameList,
  targetOrgFlag,
} from '../../src/lib/flags.js';

describe('flags', () => {
  const $$ = new TestContext();

  describe('orgFlagDefaultHelp (the "[default: …]" of -o in --help, without building an Org)', () => {
    it('names the username behind the configured target-org alias, as sf-plugins-core does', async () => {
      $$.stubAliases({ acme: 'admin@acme.example' });
      await $$.stubConfig({ [OrgConfigProperties.TARGET_ORG]: 'acme' });
      expect(await orgFlagDefaultHelp()).to.equal('admin@acme.example');
    });

    it('keeps a configured username as it is', async () => {
      await $$.stubConfig({ [OrgConfigProperties.TARGET_ORG]: 'api@acme.example' });
      expect(await orgFlagDefaultHelp()).to.equal('api@acme.example');
    });

    it('has no default when no target-org is configured', async () => {
      expect(await orgFlagDefaultHelp()).to.equal(undefined);
    });
  });

  it('targetOrgFlag is sf-plugins-core required org flag (-o, required) with the light help default', () => {
    const flag = targetOrgFlag();
    expect(flag.char).to.equal('o');
    expect(flag.required).to.equal(true);
    expect(flag.defaultHelp).to.equal(orgFlagDefaultHelp);
  });

  describe('no silent defaults (issue #15)', () => {
    const failure = (fn: () => unknown): { name: string; message: string; exitCode?: number } | undefined => {
      try {
        fn();
        return undefined;
      } catch (err) {
        return err as { name: string; message: string; exitCode?: number };
      }
    };

    it('an empty or blank value is an error with exit code 1', () => {
      for (const value of ['', ' ', '\t\n']) {
        const err = failure(() => requireNonBlank('--config', value));
        expect(err?.name).to.equal('BlankError');
        expect(err?.exitCode).to.equal(1);
        expect(err?.message).to.include('--config is empty or blank');
      }
      expect(requireNonBlank('--config', 'oncehub-setup.json')).to.equal('oncehub-setup.json');
    });

    it('-b with only separators is blank too; each username is at most 80 characters', () => {
      expect(failure(() => requireUsernameList('--on-behalf-of', ' , '))?.name).to.equal('BlankError');
      expect(requireUsernameList('--on-behalf-of', 'a@x.example, b@x.example')).to.equal('a@x.example, b@x.example');
      const long = `${'a'.repeat(70)}@x.example.com`;
      const err = failure(() => requireUsernameList('--on-behalf-of', `ok@x.example,${long}`));
      expect(err?.name).to.equal('TooLongError');
      expect(err?.message).to.include('84 characters').and.include('at most 80');
      expect(requireUsername('--api-user', `${'a'.repeat(68)}@x.example`)).to.have.lengthOf(78);
    });

    it('prints a too-long value with its control characters escaped', () => {
      const err = failure(() => requireUsername('--api-user', `\u001b[2J${'a'.repeat(90)}`));
      expect(err?.message).to.include('\\e[2J').and.not.include('\u001b');
    });

    it('the shared flags run these checks when parsed', async () => {
      const context = {} as never;
      const parse = async (flag: { parse: (input: string, ctx: never, opts: never) => Promise<unknown> }, value: string) =>
        flag.parse(value, context, flag as never).then(
          () => undefined,
          (e: Error) => e.name
        );
      const messages = { getMessage: (key: string) => key } as never;
      expect(await parse(onBehalfOfFlag(messages), '')).to.equal('BlankError');
      expect(await parse(configFlag(messages), ' ')).to.equal('BlankError');
      expect(await parse(onBehalfOfFlag(messages), 'api@acme.example')).to.equal(undefined);
    });
  });
});
