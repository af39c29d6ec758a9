import type { AuthFields } from '@salesforce/core';
import { MockTestOrgData } from '@salesforce/core/testSetup';

/**
 * What is left of the regex fake org (the connect tests now run against the emulator, test/support/emulator-context.ts):
 * the login helper a few tests still use. To be deleted with them.
 */

/**
 * A login as sf keeps it after `sf org login`: with the org facts sf reads at login (edition, namespace, sandbox), so
 * that sfdx-core does not query the org itself when the command starts. `environment: 'unknown'` leaves them out.
 */
export function sfLogin(
  username: string,
  options: { instanceUrl?: string; environment?: 'production' | 'sandbox' | 'scratch' | 'unknown' } = {}
): MockTestOrgData {
  const login = new MockTestOrgData(undefined, { username });
  if (options.instanceUrl) login.instanceUrl = options.instanceUrl;
  const environment = options.environment ?? 'production';
  const getConfig = login.getConfig.bind(login);
  login.getConfig = async (): Promise<AuthFields> => {
    const config = await getConfig();
    if (environment === 'unknown') return config;
    return {
      ...config,
      namespacePrefix: null as unknown as string,
      isSandbox: environment === 'sandbox',
      isScratch: environment === 'scratch',
    };
  };
  return login;
}
