import { join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import type { Builder } from 'junit-report-builder';
import { escapeControl } from '../cli/command-line.js';
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

/** Stands for `]]>` while the builder runs: it splits only the first `]]>` of a CDATA section (xmlbuilder). */
const CDATA_END = '\uE000';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text fit for XML 1.0 and shown as it is meant: lines kept, control and reordering characters as visible escapes
 * (XML cannot hold most C0 characters at all), lone surrogates replaced, and the placeholder character escaped.
 */
function xmlText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .split('\n')
    .map((line) => escapeControl(line).replaceAll(CDATA_END, '\\ue000'))
    .join('\n');
}

/** Text for a CDATA section: every `]]>` (not only the first) becomes the placeholder, split after build(). */
const cdataText = (text: string): string => xmlText(text).replaceAll(']]>', CDATA_END);

export async function junitXml(report: DoctorReport): Promise<string> {
  // junit-report-builder bundles an XML writer: load it only when a JUnit file is asked for.
  // Its types declare an ES default export; Node hands the CommonJS module.exports (the builder itself) as default.
  const loaded = (await import('junit-report-builder')).default as unknown as Builder | { default: Builder };
  const builder = ('newBuilder' in loaded ? loaded : loaded.default).newBuilder();
  for (const phase of report.phases) {
    const suite = builder.testSuite().name(xmlText(`${phase.title} (${phase.id})`));
    for (const check of phase.checks) {
      const testCase = suite.testCase().className(xmlText(phase.id)).name(xmlText(`${check.title} (${check.id})`));
      const fix = check.fix ? messages.getMessage('junit.fix', [check.fix]) : '';
      if (check.status === 'fail') testCase.failure(xmlText(check.message), xmlText(check.id)).stacktrace(cdataText(fix || check.message));
      else if (check.status === 'skip') testCase.skipped().standardOutput(cdataText(check.message));
      else if (check.status === 'warn') testCase.standardOutput(cdataText(messages.getMessage('junit.warning', [check.message, fix])));
      else testCase.standardOutput(cdataText(check.message));
    }
  }
  // Attributes hold `]]>` as it is (legal there); in CDATA each one is closed and reopened around the `>`.
  return builder.build().replaceAll(CDATA_END, ']]]]><![CDATA[>');
}

/** Writes the report to <dir>/oncehub-doctor.xml (creating dir) through a temporary file, so a reader never sees half a file. */
export async function writeJunitReport(report: DoctorReport, outputDir: string): Promise<string> {
  const path = join(resolve(outputDir), JUNIT_FILE_NAME);
  await writeFileSafely(path, await junitXml(report), { overwrite: true });
  return path;
}
