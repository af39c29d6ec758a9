import { OrgConfigProperties } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { orgFlagDefaultHelp, targetOrgFlag } from '../../src/lib/flags.js';

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
});
