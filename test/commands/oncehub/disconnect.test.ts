import type { SfError } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import Disconnect from '../../../src/commands/oncehub/disconnect.js';
import { readConnections, recordConnection } from '../../../src/lib/connection/state.js';
import { connectionRecord, useRealStateFile } from '../../lib/connection/state-file.js';

const production = connectionRecord();
const sandbox = connectionRecord({
  environment: 'sandbox',
  alias: 'oncehub-uat',
  username: 'api@acme.example.uat',
  orgId: '00D5g000000SbxxAAA',
});

describe('oncehub disconnect', () => {
  const $$ = new TestContext();
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    await useRealStateFile($$);
    ux = stubSfCommandUx($$.SANDBOX);
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  it('forgets the only recorded connection when no flag is given, and says nothing changed in the org', async () => {
    await recordConnection(sandbox);

    const result = await Disconnect.run([]);

    expect(result).to.deep.equal({ environment: 'sandbox', forgotten: sandbox });
    expect(await readConnections()).to.deep.equal({});
    expect(ux.logSuccess.args.flat()).to.deep.equal([
      'Forgot the sandbox connection of api@acme.example.uat (org 00D5g000000SbxxAAA). Nothing in the org changed.',
    ]);
  });

  it('asks to choose when both environments are recorded, and forgets nothing', async () => {
    await recordConnection(production);
    await recordConnection(sandbox);

    let error: SfError | undefined;
    try {
      await Disconnect.run([]);
    } catch (err) {
      error = err as SfError;
    }

    expect(error?.name).to.equal('ChooseEnvironmentError');
    expect(error?.actions?.join('\n')).to.include('sf oncehub disconnect --sandbox');
    expect(error?.actions?.join('\n')).to.include('sf oncehub disconnect --production');
    expect(Object.keys(await readConnections()).sort()).to.deep.equal(['production', 'sandbox']);
  });

  it('--sandbox forgets the sandbox and keeps production', async () => {
    await recordConnection(production);
    await recordConnection(sandbox);

    const result = await Disconnect.run(['--sandbox']);

    expect(result.forgotten).to.deep.equal(sandbox);
    expect(await readConnections()).to.deep.equal({ production });
  });

  it('--production forgets production and keeps the sandbox', async () => {
    await recordConnection(production);
    await recordConnection(sandbox);

    const result = await Disconnect.run(['--production', '--json']);

    expect(result).to.deep.equal({ environment: 'production', forgotten: production });
    expect(await readConnections()).to.deep.equal({ sandbox });
    expect(ux.logSuccess.called).to.be.false;
  });

  it('says when the asked environment has no record, exit 0', async () => {
    await recordConnection(production);

    const result = await Disconnect.run(['--sandbox']);

    expect(result).to.deep.equal({ environment: 'sandbox', forgotten: null });
    expect(ux.log.args.flat()).to.deep.equal(['No sandbox connection was recorded.']);
    expect(process.exitCode ?? 0).to.equal(0);
    expect(await readConnections()).to.deep.equal({ production });
  });

  it('says when nothing at all is recorded, exit 0', async () => {
    const result = await Disconnect.run([]);

    expect(result).to.deep.equal({ environment: null, forgotten: null });
    expect(ux.log.args.flat()).to.deep.equal(['No connection was recorded.']);
    expect(process.exitCode ?? 0).to.equal(0);
  });

  it('refuses --sandbox together with --production', async () => {
    const error = await Disconnect.run(['--sandbox', '--production']).catch((err: Error) => err);
    expect(String((error as Error).message)).to.match(/cannot also be provided/);
  });
});
