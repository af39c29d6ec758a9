import { readFile, rm } from 'node:fs/promises';
import type { TestContext } from '@salesforce/core/testSetup';
import { type ConnectionRecord, forgetStateWarnings, statePath } from '../../../src/lib/connection/state.js';

/**
 * The plugin reads and writes its state file itself (not through a ConfigFile TestContext keeps in memory), in
 * TestContext's global folder under the private TMPDIR. TestContext's folder lives as long as the TestContext, not the
 * test: start every test without a state file (or its lock), and with warnings about it not yet given.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export async function useRealStateFile($$: TestContext): Promise<void> {
  forgetStateWarnings();
  await rm(statePath(), { force: true });
  await rm(`${statePath()}.lock`, { recursive: true, force: true });
}

/** The state file's raw text, or undefined when it was never written. */
export async function rawStateFile(): Promise<string | undefined> {
  return readFile(statePath(), 'utf8').catch(() => undefined);
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
