import { join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import type { Builder } from 'junit-report-builder';
import { writeFileSafely } from '../files.js';
import type { DoctorReport } from './report.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.doctor');

/**
 * `--result-format junit`: one testsuite per phase, one testcase per check (classname = phase id), for CI test
 * reporters. A failure is a `<failure>` with the message and the fix; a skip is `<skipped/>`; a warning passes but
 * carries its message and fix in `<system-out>`.
 */

export const JUNIT_FILE_NAME = 'oncehub-doctor.xml';

export async function junitXml(report: DoctorReport): Promise<string> {
  // junit-report-builder bundles an XML writer: load it only when a JUnit file is asked for.
  // Its types declare an ES default export; Node hands the CommonJS module.exports (the builder itself) as default.
  const loaded = (await import('junit-report-builder')).default as unknown as Builder | { default: Builder };
  const builder = ('newBuilder' in loaded ? loaded : loaded.default).newBuilder();
  for (const phase of report.phases) {
    const suite = builder.testSuite().name(`${phase.title} (${phase.id})`);
    for (const check of phase.checks) {
      const testCase = suite.testCase().className(phase.id).name(`${check.title} (${check.id})`);
      const fix = check.fix ? messages.getMessage('junit.fix', [check.fix]) : '';
      if (check.status === 'fail') testCase.failure(check.message, check.id).stacktrace(fix || check.message);
      else if (check.status === 'skip') testCase.skipped().standardOutput(check.message);
      else if (check.status === 'warn') testCase.standardOutput(messages.getMessage('junit.warning', [check.message, fix]));
      else testCase.standardOutput(check.message);
    }
  }
  return builder.build();
}

/** Writes the report to <dir>/oncehub-doctor.xml (creating dir) through a temporary file, so a reader never sees half a file. */
export async function writeJunitReport(report: DoctorReport, outputDir: string): Promise<string> {
  const path = join(resolve(outputDir), JUNIT_FILE_NAME);
  await writeFileSafely(path, await junitXml(report), { overwrite: true });
  return path;
}
