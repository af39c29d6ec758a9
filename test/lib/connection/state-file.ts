import { readFile, rm } from 'node:fs/promises';
import type { TestContext } from '@salesforce/core/testSetup';
import { type ConnectionRecord, OncehubState } from '../../../src/lib/connection/state.js';

/**
 * TestContext keeps every ConfigFile in memory. The plugin's state file is what these tests are about, so let it
 * really be written (to TestContext's per-test global folder under the private TMPDIR) and read back from disk.
 */
export async function useRealStateFile($$: TestContext): Promise<void> {
  const realRead = $$.stubs.configRead.wrappedMethod as (this: OncehubState, throwOnNotFound: boolean, force: boolean) => Promise<unknown>;
  const realWrite = $$.stubs.configWrite.wrappedMethod as (this: OncehubState) => Promise<unknown>;
  $$.configStubs.OncehubState = {
    readFn(this: OncehubState) {
      // force: TestContext has already marked the file as read, which would make the real read skip the disk.
      return realRead.call(this, false, true) as never;
    },
    writeFn(this: OncehubState) {
      return realWrite.call(this) as never;
    },
  };
  // TestContext's folder lives as long as the TestContext, not the test: start every test without a state file.
  await rm((await OncehubState.load()).getPath(), { force: true });
}

/** The state file's raw text, or undefined when it was never written. */
export async function rawStateFile(): Promise<string | undefined> {
  const path = (await OncehubState.load()).getPath();
  return readFile(path, 'utf8').catch(() => undefined);
}

/** A recorded production connection of api@acme.example, with the fields a test cares about overridden. */
export const connectionRecord = (overrides: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
  environment: 'production',
  alias: 'oncehub-api',
  username: 'api@acme.example',
  userId: '0055g00000ApiUsAAA',
  orgId: '00D5g000000ProdAAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  mode: 'standard',
  connectedAt: '2026-11-23T10:00:00.000Z',
  ...overrides,
});
