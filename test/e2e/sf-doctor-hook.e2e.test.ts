/**
 * The `sf doctor` hook of the bundled, installed plugin through the real sf: `sf doctor --plugin plugin-oncehub` runs the
 * plugin's checks on the default target org and reports them as sf doctor diagnostics and plugin data.
 */
import { expect } from 'chai';
import { ADMIN_USERNAME, scenarios } from '../../emulator/index.js';
import { type Session, startSession } from './harness.js';

describe('e2e: sf doctor --plugin plugin-oncehub (the sf-doctor hook)', function () {
  this.timeout(300_000);
  let s: Session | undefined;

  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('reports the checks of the default target org as diagnostics, with the summary as plugin data', async () => {
    s = await startSession({ org: scenarios.demo().withTwoEventLayouts().build() });
    await s.login(ADMIN_USERNAME, 'acme', { setDefault: true });

    const run = await s.sf(['doctor', '--plugin', 'plugin-oncehub', '--output-dir', s.home, '--json']);

    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    const diagnosis = run.json?.result as { diagnosticResults: Array<{ testName: string; status: string }>; pluginSpecificData: Record<string, unknown[]> };
    const ours = diagnosis.diagnosticResults.filter((d) => d.testName.startsWith('[plugin-oncehub] '));
    expect(ours.length).to.be.greaterThan(5);
    expect(ours.map((d) => d.status)).to.include('pass');
    expect(diagnosis.pluginSpecificData['plugin-oncehub'][0]).to.deep.include({ targetOrg: 'acme' });
  });
});
