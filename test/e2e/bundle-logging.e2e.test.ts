/**
 * The bundled logger with sf's log file on (the default for users; the other e2e tests turn it off): pino starts its
 * transport in a worker thread that loads files by path, which only works because the bundle points pino and core at
 * its own worker files (scripts/patches/pino-worker-paths.ts). Without that patch, every command fails with "unable
 * to determine transport target".
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Session, startSession } from './harness.js';

describe('e2e: the bundle with sf log files on', function () {
  this.timeout(300_000);
  let s: Session | undefined;

  after(async () => {
    await s?.stop();
  });

  it('runs a command and writes the log file through pino\'s worker thread', async () => {
    s = await startSession();
    const run = await s.sf(['oncehub', 'status', '--json'], { env: { SF_DISABLE_LOG_FILE: 'false' } });

    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(run.json?.status).to.equal(0);
    expect(run.stderr).to.not.match(/transport target|Cannot find module/);
    expect(readdirSync(join(s.home, '.sf')).filter((f) => /^sf-\d{4}-\d{2}-\d{2}\.log$/.test(f))).to.have.lengthOf(1);
  });
});
