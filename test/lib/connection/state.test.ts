import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Lifecycle } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  type ConnectionRecord,
  forgetConnection,
  forgetStateWarnings,
  readConnections,
  recordConnection,
  recordedEnvironments,
  recordForOrg,
  statePath,
} from '../../../src/lib/connection/state.js';
import { connectionRecord, rawStateFile, useRealStateFile } from './state-file.js';

const record = connectionRecord;

describe('connection/state', () => {
  const $$ = new TestContext();

  beforeEach(async () => {
    await useRealStateFile($$);
  });

  it('starts empty, without a file', async () => {
    expect(await readConnections()).to.deep.equal({});
    expect(await rawStateFile()).to.be.undefined;
  });

  it('keeps one record per environment; recording again replaces only that one', async () => {
    await recordConnection(record());
    await recordConnection(record({ environment: 'sandbox', username: 'api@acme.example.uat', orgId: '00D5g000000SbxxAAA' }));
    await recordConnection(record({ username: 'new@acme.example', mode: 'advanced-secure' }));

    const { production, sandbox } = await readConnections();
    expect(production).to.deep.include({ username: 'new@acme.example', mode: 'advanced-secure' });
    expect(sandbox).to.deep.include({ username: 'api@acme.example.uat' });
  });

  it('writes only the documented keys, whatever the caller passes', async () => {
    const withExtras = { ...record(), accessToken: '00Dxx!secret', refreshToken: 'r3fr3sh' } as ConnectionRecord;
    await recordConnection(withExtras);

    const raw = (await rawStateFile())!;
    expect(raw).to.not.include('secret');
    expect(raw).to.not.include('r3fr3sh');
    expect(Object.keys((JSON.parse(raw) as { production: object }).production)).to.deep.equal([
      'environment', 'alias', 'username', 'userId', 'orgId', 'instanceUrl', 'mode', 'connectedAt',
    ]);
  });

  it('forgets one environment and returns what it forgot', async () => {
    await recordConnection(record());
    await recordConnection(record({ environment: 'sandbox' }));

    expect(await forgetConnection('sandbox')).to.deep.equal(record({ environment: 'sandbox' }));
    expect(await forgetConnection('sandbox')).to.be.undefined;
    expect(Object.keys(await readConnections())).to.deep.equal(['production']);
  });

  it('recordedEnvironments lists production first', () => {
    expect(recordedEnvironments({ sandbox: record({ environment: 'sandbox' }), production: record() })).to.deep.equal(['production', 'sandbox']);
    expect(recordedEnvironments({})).to.deep.equal([]);
  });

  it('recordForOrg matches 15- and 18-character org ids', async () => {
    await recordConnection(record());
    expect(await recordForOrg('00D5g000000Prod')).to.deep.include({ environment: 'production' });
    expect(await recordForOrg('00D5g000000ProdAAA')).to.deep.include({ environment: 'production' });
    expect(await recordForOrg('00D5g000000Other')).to.be.undefined;
  });

  describe('a damaged state file (issue #15)', () => {
    let warnings: string[];

    beforeEach(() => {
      forgetStateWarnings();
      warnings = [];
      Lifecycle.getInstance().onWarning((warning) => {
        warnings.push(warning);
        return Promise.resolve();
      });
    });

    afterEach(() => Lifecycle.getInstance().removeAllListeners(Lifecycle.warningEventName));

    const plant = async (text: string): Promise<string> => {
      const path = statePath();
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    };

    const damaged: Array<[what: string, text: string, problem: string]> = [
      ['an array', '[1,2]', 'not a JSON object'],
      ['invalid JSON', '{"production": {', 'not valid JSON'],
      ['wrong types', JSON.stringify({ production: { ...record(), username: 42, mode: ['x'] } }), '/production/username must be string'],
      ['a record filed under the other environment', JSON.stringify({ sandbox: record() }), '/sandbox/environment'],
      ['a record missing keys', JSON.stringify({ production: { username: 'api@acme.example' } }), "must have required property"],
      ['null', 'null', 'not a JSON object'],
    ];

    for (const [what, text, problem] of damaged) {
      it(`reads ${what} as empty, with a warning naming the file and the fix (no TypeError)`, async () => {
        const path = await plant(text);
        expect(await readConnections()).to.deep.equal({});
        expect(await recordForOrg('00D5g000000ProdAAA')).to.equal(undefined);
        expect(warnings).to.have.lengthOf(1, 'warned once per process');
        expect(warnings[0]).to.include(path).and.include(problem).and.include('sf oncehub connect');
        expect(await rawStateFile()).to.equal(text, 'never rewritten by a read');
      });
    }

    it('connect keeps the damaged file as <name>.corrupt-<UTC time> beside the new one and says so', async () => {
      const path = await plant('{"sandbox": {"username": "uat@acme.example", ');
      await recordConnection(record(), () => new Date('2026-12-02T17:30:05.123Z'));
      const kept = `${path}.corrupt-20261202T173005Z`;
      expect(await readFile(kept, 'utf8')).to.equal('{"sandbox": {"username": "uat@acme.example", ');
      expect((await readConnections()).production).to.deep.equal(record());
      expect(warnings.join('\n')).to.include(kept).and.include(path);
      expect((await stat(path)).mode & 0o777).to.equal(0o600);
    });

    it('disconnect leaves a damaged file as it is and warns', async () => {
      await plant('[1,2]');
      expect(await forgetConnection('production')).to.equal(undefined);
      expect(await rawStateFile()).to.equal('[1,2]');
      expect(warnings).to.have.lengthOf(1);
    });

    it('reads a state file with a UTF-8 byte-order mark', async () => {
      await plant(`\uFEFF${JSON.stringify({ production: record() })}`);
      expect((await readConnections()).production).to.deep.equal(record());
      expect(warnings).to.deep.equal([]);
    });

    it('escapes control characters of the problem in the warning', async () => {
      await plant(JSON.stringify({ production: { ...record(), mode: 'x' }, ['\u001b[31m']: 1 }));
      await readConnections();
      expect(warnings[0]).to.not.match(/\u001b/);
    });

    it('never writes through a symlink planted at the state file', async () => {
      const path = statePath();
      await mkdir(dirname(path), { recursive: true });
      const victim = join(dirname(path), 'victim');
      const precious = JSON.stringify({ sandbox: record({ environment: 'sandbox' }) });
      await writeFile(victim, precious);
      await symlink(victim, path);
      const err = await recordConnection(record()).then(
        () => undefined,
        (e: Error) => e
      );
      expect(err?.name).to.equal('SymlinkTargetError');
      expect(await readFile(victim, 'utf8')).to.equal(precious);
      await rm(path);
      await rm(victim);
    });
  });
});
