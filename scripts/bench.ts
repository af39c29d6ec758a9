/**
 * Benchmark: `sf oncehub permset assign` against the core `sf org assign permset` (from the @salesforce/cli
 * devDependency), both through the real sf binary in the same isolated HOME, on the same emulated org with 150 ms of
 * latency per request, for 1, 50 and 500 users. Counts the requests each made (the emulator's log, without sf's own
 * login and API-version traffic) and the wall time. Assignments are reset between runs so both do the same work.
 *
 *   npm run bench            (builds first; prints the table on stdout, progress on stderr)
 */
import { ADMIN_USERNAME, NAMESPACE, PERMSET_NAME, scenarios, type Emulator } from '../emulator/index.js';
import { startSession, type SfResult } from '../test/e2e/harness.js';

const LATENCY_MS = 150;
const SIZES = [1, 50, 500];
const EXTRA_USERS = Math.max(...SIZES);

type Run = { requests: number; writes: number; seconds: number; ok: boolean };

const usernames = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `user${String(i + 1).padStart(4, '0')}@acme.example`);

const progress = (line: string): void => void process.stderr.write(`${line}\n`);

function packageSetId(emu: Emulator): string {
  const ps = emu.org.records('PermissionSet').find((p) => p.Name === PERMSET_NAME && p.NamespacePrefix === NAMESPACE);
  if (!ps) throw new Error('The scenario has no OnceHub permission set');
  return String(ps.Id);
}

/** Removes every assignment of the OnceHub set, so the next run assigns the same users from scratch. */
function resetAssignments(emu: Emulator): void {
  const psId = packageSetId(emu);
  for (const a of emu.org.where('PermissionSetAssignment', (x) => x.PermissionSetId === psId)) {
    emu.org.delete('PermissionSetAssignment', String(a.Id));
  }
}

function holders(emu: Emulator, users: string[]): number {
  const psId = packageSetId(emu);
  const ids = new Set(emu.org.where('PermissionSetAssignment', (a) => a.PermissionSetId === psId).map((a) => String(a.AssigneeId)));
  return users.filter((u) => ids.has(String(emu.org.requireUser(u).Id))).length;
}

/** Start-up noise dominates short runs: those are repeated, alternating the two commands, and the median is kept. */
const repeatsFor = (users: number): number => (users === 1 ? 5 : 1);

async function measureOnce(emu: Emulator, users: string[], run: () => Promise<SfResult>): Promise<Run> {
  resetAssignments(emu);
  emu.log.clear();
  const result = await run();
  return {
    requests: emu.log.dataRequests().length,
    writes: emu.log.writes().length,
    seconds: result.ms / 1000,
    ok: result.exitCode === 0 && holders(emu, users) === users.length,
  };
}

function median(runs: Run[]): Run {
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return { ...runs[runs.length - 1], seconds, ok: runs.every((r) => r.ok) };
}

function table(rows: Array<{ users: number; oncehub: Run; core: Run }>): string {
  const header = ['users', 'oncehub requests', 'oncehub time', 'core requests', 'core time', 'requests saved', 'speed-up'];
  const lines = rows.map(({ users, oncehub, core }) => [
    String(users),
    `${oncehub.requests}${oncehub.ok ? '' : ' (FAILED)'}`,
    `${oncehub.seconds.toFixed(1)} s`,
    `${core.requests}${core.ok ? '' : ' (FAILED)'}`,
    `${core.seconds.toFixed(1)} s`,
    `${core.requests - oncehub.requests}`,
    `${(core.seconds / oncehub.seconds).toFixed(1)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

async function main(): Promise<void> {
  const org = scenarios.base().withPackage().withExtraUsers(EXTRA_USERS).build();
  const session = await startSession({ org, latencyMs: LATENCY_MS });
  const rows: Array<{ users: number; oncehub: Run; core: Run }> = [];
  try {
    progress(`Emulated org on ${session.emulator.url}, ${LATENCY_MS} ms per request; logging in…`);
    await session.login(ADMIN_USERNAME, 'bench');
    const emu = session.emulator;
    // Warm both commands' module caches so that the first measured run is not also a cold start.
    await session.sf(['oncehub', 'permset', 'assign', '--help']);
    await session.sf(['org', 'assign', 'permset', '--help']);
    for (const size of SIZES) {
      const users = usernames(size);
      const onBehalfOf = users.flatMap((u) => ['-b', u]);
      const runs = { oncehub: [] as Run[], core: [] as Run[] };
      // Runs never overlap: they share the org and its request log.
      for (let i = 0; i < repeatsFor(size); i++) {
        progress(`${size} user(s): sf oncehub permset assign…`);
        const oncehub = await measureOnce(emu, users, () =>
          session.sf(['oncehub', 'permset', 'assign', '-o', 'bench', ...onBehalfOf, '--json'], { timeoutMs: 600_000 })
        );
        progress(`  ${oncehub.requests} requests, ${oncehub.seconds.toFixed(1)} s${oncehub.ok ? '' : ' — FAILED'}`);
        progress(`${size} user(s): sf org assign permset (core)…${size >= 500 ? ' (a few minutes)' : ''}`);
        const core = await measureOnce(emu, users, () =>
          session.sf(['org', 'assign', 'permset', '-o', 'bench', '-n', `${NAMESPACE}__${PERMSET_NAME}`, ...onBehalfOf, '--json'], {
            timeoutMs: 900_000,
          })
        );
        progress(`  ${core.requests} requests, ${core.seconds.toFixed(1)} s${core.ok ? '' : ' — FAILED'}`);
        runs.oncehub.push(oncehub);
        runs.core.push(core);
      }
      rows.push({ users: size, oncehub: median(runs.oncehub), core: median(runs.core) });
    }
  } finally {
    await session.stop();
  }
  process.stdout.write(
    `\npermset assign: sf oncehub vs core sf org assign permset (emulated org, ${LATENCY_MS} ms latency per request;\n` +
      'requests = data requests seen by the org, excluding login and API-version discovery; time = wall time of the sf\n' +
      `process including CLI start-up, median of ${repeatsFor(1)} alternating runs for 1 user)\n\n` +
      `${table(rows)}\n`
  );
  if (rows.some((r) => !r.oncehub.ok || !r.core.ok)) process.exitCode = 1;
}

await main();
