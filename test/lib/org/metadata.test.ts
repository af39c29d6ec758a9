import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import { ADMIN_USERNAME, scenarios } from '../../../emulator/index.js';
import { readMetadata, updateMetadata } from '../../../src/lib/org/metadata.js';
import { emulatorContext, type EmulatorContext } from '../../support/emulator-context.js';

describe('org/metadata: dropped connections', () => {
  const $$ = new TestContext();
  let ctx: EmulatorContext;

  const soapCalls = (): string[] => ctx.emu.log.filter({ api: 'metadata' }).map((e) => `${e.kind}${e.fault ? ` ${e.fault}` : ''}`);

  beforeEach(async () => {
    ctx = await emulatorContext($$, scenarios.demo().build(), { username: ADMIN_USERNAME });
  });

  it('a readMetadata call is sent again after a drop', async () => {
    ctx.emu.faults.resetConnections({ times: 1, path: '/services/Soap/m/' });

    const [layout] = await readMetadata(ctx.conn, 'Layout', ['Event-Event Layout']);

    expect(layout?.fullName).to.equal('Event-Event Layout');
    expect(soapCalls()).to.deep.equal(['read resetConnection', 'read']);
  });

  it('an updateMetadata call is never sent twice: the drop is thrown, even when the org saved it', async () => {
    const [layout] = await readMetadata(ctx.conn, 'Layout', ['Event-Event Layout']);
    ctx.emu.log.clear();
    ctx.emu.faults.closeConnections({ times: 1, path: '/services/Soap/m/', when: 'midAnswer' });

    const err = await updateMetadata(ctx.conn, 'Layout', [layout!]).then(
      () => undefined,
      (e: unknown) => e as Error
    );

    expect(err?.message).to.equal('fetch failed');
    expect(soapCalls()).to.deep.equal(['write closeConnection']);
  });
});
