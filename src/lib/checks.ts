/** The shape every judged requirement takes, in connect, doctor and the sf doctor hook. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export type Check = {
  /** Stable id: scripts match on it in the `--json` output, so it is never renamed. */
  id: string;
  title: string;
  status: CheckStatus;
  message: string;
  /** What to do when the check does not pass: an exact command where one exists, else the Setup path. */
  fix?: string;
};

/**
 * The one symbol of each status, in every human output: the doctor's checklist and its Markdown, the checks tables of
 * connect and setup, setup's steps and compare's table.
 */
export const MARKS: Readonly<Record<CheckStatus, string>> = { pass: '✓', warn: '⚠', fail: '✗', skip: '○' };

export const pass = (id: string, title: string, message: string): Check => ({ id, title, status: 'pass', message });
export const fail = (id: string, title: string, message: string, fix: string): Check => ({
  id,
  title,
  status: 'fail',
  message,
  fix,
});
export const warn = (id: string, title: string, message: string, fix: string): Check => ({
  id,
  title,
  status: 'warn',
  message,
  fix,
});
export const skip = (id: string, title: string, message: string): Check => ({ id, title, status: 'skip', message });

const severity: Record<CheckStatus, number> = { skip: 0, pass: 1, warn: 2, fail: 3 };

/** The worst status of a group of checks (fail > warn > pass); `skip` only when every check was skipped. */
export function worstStatus(checks: readonly Check[]): CheckStatus {
  const judged = checks.filter((c) => c.status !== 'skip');
  if (judged.length === 0) return 'skip';
  return judged.reduce<CheckStatus>((worst, c) => (severity[c.status] > severity[worst] ? c.status : worst), 'pass');
}
