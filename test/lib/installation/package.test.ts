import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import {
  detectPackage,
  INSTALLED_PACKAGE_QUERY,
  ONCEHUB_NAMESPACE,
  packageDetectionFromError,
  parsePackageDetection,
} from '../../../src/lib/installation/package.js';
import { ADMIN_USERNAME, scenarios } from '../../../emulator/index.js';
import { emulatorContext } from '../../support/emulator-context.js';

/** The shape of the HttpApiError jsforce throws for a non-2xx REST answer (for the pure error mapping). */
const apiError = (errorCode: string, message: string, status = 400): Error =>
  Object.assign(new Error(message), { name: errorCode, errorCode, data: { errorCode, message }, status });

const row = (namespace: string | null, name: string, version = { Id: '04t000000000001AAA', MajorVersion: 2, MinorVersion: 7, PatchVersion: 1, BuildNumber: 4 }) => ({
  Id: '0A3000000000001AAA',
  SubscriberPackage: { NamespacePrefix: namespace, Name: name },
  SubscriberPackageVersion: version,
});

describe('installation/package', () => {
  it('queries every installed package through the documented Tooling fields and leaves the namespace to the client', () => {
    expect(ONCEHUB_NAMESPACE).to.equal('ScheduleOnce');
    expect(INSTALLED_PACKAGE_QUERY).to.match(/FROM InstalledSubscriberPackage$/);
    for (const field of ['SubscriberPackage.NamespacePrefix', 'SubscriberPackage.Name', 'SubscriberPackageVersion.Id', 'SubscriberPackageVersion.MajorVersion', 'SubscriberPackageVersion.BuildNumber']) {
      expect(INSTALLED_PACKAGE_QUERY).to.include(field);
    }
    expect(INSTALLED_PACKAGE_QUERY).not.to.include('WHERE');
  });

  describe('parsePackageDetection', () => {
    it('finds the ScheduleOnce package among others and reports its name, version and version id', () => {
      const detection = parsePackageDetection([row('other', 'Other App'), row('ScheduleOnce', 'OnceHub connector for Salesforce')]);
      expect(detection).to.deep.equal({
        status: 'installed',
        name: 'OnceHub connector for Salesforce',
        version: '2.7.1.4',
        versionId: '04t000000000001AAA',
      });
    });

    it('matches the namespace case-insensitively, as Salesforce does', () => {
      expect(parsePackageDetection([row('scheduleonce', 'ScheduleOnce connector')]).status).to.equal('installed');
    });

    it('reports missing when no package has the namespace (unmanaged packages have none)', () => {
      expect(parsePackageDetection([row(null, 'Unmanaged'), row('other', 'Other')])).to.deep.equal({ status: 'missing' });
      expect(parsePackageDetection([])).to.deep.equal({ status: 'missing' });
    });
  });

  describe('packageDetectionFromError', () => {
    it('turns "sObject type is not supported" into unreadable, naming the missing permission', () => {
      const detection = packageDetectionFromError(
        apiError('INVALID_TYPE', "sObject type 'InstalledSubscriberPackage' is not supported.")
      );
      expect(detection.status).to.equal('unreadable');
      expect(detection.status === 'unreadable' && detection.reason).to.include('View Setup and Configuration');
    });

    it('treats a refused read (INSUFFICIENT_ACCESS) the same way', () => {
      expect(packageDetectionFromError(apiError('INSUFFICIENT_ACCESS', 'no')).status).to.equal('unreadable');
    });

    it('rethrows errors that are not about reading packages (expired session, other INVALID_TYPE)', () => {
      const expired = apiError('INVALID_SESSION_ID', 'Session expired or invalid', 401);
      expect(() => packageDetectionFromError(expired)).to.throw(expired);
      const other = apiError('INVALID_TYPE', 'something else');
      expect(() => packageDetectionFromError(other)).to.throw(other);
    });
  });

  describe('detectPackage', () => {
    const $$ = new TestContext();

    it('asks the Tooling API once and reports the package', async () => {
      const { emu, conn } = await emulatorContext($$, scenarios.base().withPackage({ version: '1.42.0.3' }).build(), { username: ADMIN_USERNAME });

      const detection = await detectPackage(conn);

      expect(detection).to.deep.include({ status: 'installed', version: '1.42.0.3' });
      expect(emu.log.dataRequests().map((e) => `${e.method} ${e.path.replace(/^\/services\/data\/v\d+\.0/, '')}`)).to.deep.equal(['GET /tooling/query']);
      expect(emu.log.queries()).to.deep.equal([INSTALLED_PACKAGE_QUERY]);
    });

    it('reports unreadable, not a crash, for a user who cannot see installed packages (no View Setup)', async () => {
      const { conn } = await emulatorContext($$, scenarios.base().withPackage().build(), { username: 'jane.doe@acme.example' });

      const detection = await detectPackage(conn);

      expect(detection.status).to.equal('unreadable');
    });

    it('reports missing when the org has no ScheduleOnce package', async () => {
      const { conn } = await emulatorContext($$, scenarios.base().build(), { username: ADMIN_USERNAME });
      expect(await detectPackage(conn)).to.deep.equal({ status: 'missing' });
    });
  });
});
