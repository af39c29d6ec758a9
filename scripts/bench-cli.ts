/**
 * Benchmark of the start-up, latency and install quality bars (README, "Performance") through the REAL
 * sf binary (the @salesforce/cli devDependency) with the plugin as users get it: `npm pack`, the tarball installed with
 * its production dependencies only in a folder outside the repository, then linked into sf (test/e2e/harness.ts).
 *
 *  1. Start-up, each beside its core equivalent (bar: at most +100 ms): `sf oncehub doctor --help` vs `sf org display
 *     --help` (help loads the command module: target-org has dynamic help), `sf oncehub status` vs `sf org list` (a
 *     local command), `sf oncehub status --help` vs `sf org list --help`, `sf oncehub --help` vs `sf org --help`, with
 *     `sf --version` as the floor.
 *  2. Latency: with 150 ms of simulated network delay per request, `doctor` finishes within CLI start-up + 1 s.
 *     `sf oncehub doctor -o <alias> --json` on an emulated org (the demo scenario with two Event layouts, and a completed
 *     org with the setup file, i.e. all five phases) vs `sf oncehub status --json` (same command stack, no org
 *     traffic). Also `sf oncehub connect` (one request expected), and `sf oncehub compare` on a sandbox and a production
 *     org at once (≤ 8 requests in all, same bar).
 *  3. Install footprint of the staged install: packages, bytes, seconds of `npm install` (bars: ≤ 10 packages, ≤ 15 MB).
 *
 * A benchmark, not a test: it prints tables (stdout) and progress (stderr) and never fails on a time. It exits 1 only
 * when a command did not work at all (no result), since its timing would then mean nothing. Child processes are timed
 * by this script (wall time of the sf process as seen from here; hyperfine is not used). Commands are run round-robin
 * (one run of each in turn) after one warm-up each, so that drift of the machine hits all of them alike.
 *
 *   npm run bench                                  (builds first, then runs scripts/bench.ts and this script)
 *   npm run build && tsx scripts/bench-cli.ts      (with node_modules/.bin first on PATH: Node 22)
 *   BENCH_RUNS=11 tsx scripts/bench-cli.ts         (more runs per command; default 7)
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ADMIN_USERNAME, SANDBOX_ADMIN_USERNAME, scenarios, startEmulator, type Emulator, type OrgBuilder } from '../emulator/index.js';
import type { LogEntry } from '../emulator/log.js';
import { installFootprint, REPO_ROOT, startSession, type Session, type SfResult } from '../test/e2e/harness.js';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7) || 7);
const WARMUPS = 1;
const LATENCY_MS = 150;
const STARTUP_BAR_MS = 100;
const LATENCY_BAR_MS = 1000;
const PACKAGES_BAR = 10;
const MEGABYTES_BAR = 15;
const ALIAS = 'acme';
const SETUP_FILE = join(REPO_ROOT, 'test', 'fixtures', 'setup', 'valid.json');

const started = performance.now();
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------------------------------
// Statistics and tables

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
function median(xs: number[]): number {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const min = (xs: number[]): number => Math.min(...xs);
const max = (xs: number[]): number => Math.max(...xs);
const ms = (x: number): string => `${Math.round(x)}`;
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${Math.round(x)}`;

function table(header: string[], rows: string[][], rightAligned: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const cell = (c: string, i: number): string => (rightAligned.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]));
  const format = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(format)].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------------
// Measuring

type Sample = {
  ms: number;
  exitCode: number;
  ok: boolean;
  /** Data requests of this run (the command's own round trips), as `METHOD path (n sub)`. */
  data: string[];
  /** sf's own auth / API-version traffic of this run (excluded from `data`). */
  own: string[];
  /** Time during which at least one data request was in flight (union of their intervals). */
  networkMs: number;
  writes: number;
};

type Bench = {
  label: string;
  args: string[];
  /** Judges a finished run: did the command work (whatever its exit code means)? */
  ok: (r: SfResult) => boolean;
  samples: Sample[];
  /** Other emulated orgs the command talks to (compare's source org): their requests count too. */
  alsoOn?: Emulator[];
};

/** Request end times, recorded by wrapping the log's `add` (entries carry only their duration). */
const endedAt = new WeakMap<LogEntry, number>();
function timeRequests(emu: Emulator): void {
  const add = emu.log.add.bind(emu.log);
  emu.log.add = (entry: LogEntry): void => {
    endedAt.set(entry, performance.now());
    add(entry);
  };
}

/** Length of the union of the requests' [start, end] intervals: the wall time spent waiting on the org. */
function busyMs(entries: LogEntry[]): number {
  const spans = entries
    .map((e) => {
      const end = endedAt.get(e) ?? 0;
      return [end - e.ms, end] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [s, e] of spans) {
    if (s > to) {
      if (to > from) total += to - from;
      [from, to] = [s, e];
    } else {
      to = Math.max(to, e);
    }
  }
  if (to > from) total += to - from;
  return total;
}

const describeEntry = (e: LogEntry): string =>
  `${e.method} ${e.path}${e.subrequests ? ` (${e.subrequests.length} sub)` : ''}${e.status >= 400 ? ` → ${e.status}` : ''}`;

async function runOnce(session: Session, bench: Bench): Promise<Sample> {
  const logs = [session.emulator, ...(bench.alsoOn ?? [])].map((emu) => emu.log);
  for (const log of logs) log.clear();
  const result = await session.sf(bench.args, { timeoutMs: 120_000 });
  const data = logs.flatMap((log) => log.dataRequests());
  const own = logs.flatMap((log) => log.filter({ data: false }));
  return {
    ms: result.ms,
    exitCode: result.exitCode,
    ok: bench.ok(result),
    data: data.map(describeEntry),
    own: own.map(describeEntry),
    networkMs: busyMs(data),
    writes: logs.reduce((n, log) => n + log.writes().length, 0),
  };
}

/** One warm-up per bench, then RUNS rounds of one run of each bench in turn (runs never overlap). */
async function measure(session: Session, benches: Bench[], title: string): Promise<void> {
  for (const bench of benches) {
    progress(`  warm-up: sf ${bench.args.join(' ')}`);
    for (let i = 0; i < WARMUPS; i++) {
      const warm = await runOnce(session, bench);
      if (!warm.ok) progress(`    warm-up did not work (exit ${warm.exitCode})`);
    }
  }
  for (let round = 1; round <= RUNS; round++) {
    const line: string[] = [];
    for (const bench of benches) {
      const sample = await runOnce(session, bench);
      bench.samples.push(sample);
      line.push(`${bench.label} ${ms(sample.ms)} ms${sample.ok ? '' : ' (FAILED)'}`);
    }
    progress(`  ${title} round ${round}/${RUNS}: ${line.join(', ')}`);
  }
}

const helpOk = (r: SfResult): boolean => r.exitCode === 0 && /USAGE/.test(r.stdout);
const jsonOk = (r: SfResult): boolean => r.exitCode === 0 && r.json?.status === 0 && r.json.result !== undefined;
/** The doctor exits 1 when a check fails (the demo org); it worked when it returned its report. */
const doctorOk = (r: SfResult): boolean =>
  (r.exitCode === 0 || r.exitCode === 1) && r.json?.result?.phases !== undefined && r.json.result.summary !== undefined;

const bench = (label: string, args: string[], ok: Bench['ok']): Bench => ({ label, args, ok, samples: [] });
const times = (b: Bench): number[] => b.samples.map((s) => s.ms);
const allOk = (b: Bench): boolean => b.samples.length > 0 && b.samples.every((s) => s.ok);
const failedNote = (b: Bench): string => (allOk(b) ? '' : ` (${b.samples.filter((s) => !s.ok).length} FAILED)`);

/** A value that is the same in every run, else its range. */
function steady(values: number[]): string {
  const [lo, hi] = [min(values), max(values)];
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// 1. Start-up

async function startup(): Promise<{ benches: Bench[]; text: string }> {
  progress(`Start-up: ${RUNS} runs of each command after ${WARMUPS} warm-up, round-robin…`);
  const session = await startSession(); // an idle emulated org: help never talks to it
  const version = bench('sf --version', ['--version'], (r) => r.exitCode === 0 && /@salesforce\/cli/.test(r.stdout));
  const orgHelp = bench('sf org --help', ['org', '--help'], helpOk);
  const orgDisplayHelp = bench('sf org display --help', ['org', 'display', '--help'], helpOk);
  const orgList = bench('sf org list', ['org', 'list'], (r) => r.exitCode === 0);
  const orgListHelp = bench('sf org list --help', ['org', 'list', '--help'], helpOk);
  const oncehubHelp = bench('sf oncehub --help', ['oncehub', '--help'], helpOk);
  const doctorHelp = bench('sf oncehub doctor --help', ['oncehub', 'doctor', '--help'], helpOk);
  const status = bench('sf oncehub status', ['oncehub', 'status'], (r) => r.exitCode === 0 && /production/.test(r.stdout));
  const statusHelp = bench('sf oncehub status --help', ['oncehub', 'status', '--help'], helpOk);
  const benches = [version, orgDisplayHelp, doctorHelp, orgList, status, orgListHelp, statusHelp, orgHelp, oncehubHelp];
  try {
    await measure(session, benches, 'start-up');
  } finally {
    await session.stop();
  }

  const floor = median(times(version));
  const perCommand = table(
    ['command', 'runs', 'median ms', 'min ms', 'max ms', 'median − sf --version'],
    benches.map((b) => [
      `${b.label}${failedNote(b)}`,
      String(b.samples.length),
      ms(median(times(b))),
      ms(min(times(b))),
      ms(max(times(b))),
      b === version ? '(floor)' : signed(median(times(b)) - floor),
    ]),
    [1, 2, 3, 4, 5]
  );
  const pairs: Array<[Bench, Bench]> = [
    [doctorHelp, orgDisplayHelp],
    [status, orgList],
    [statusHelp, orgListHelp],
    [oncehubHelp, orgHelp],
  ];
  const comparisons = table(
    ['oncehub − core equivalent', 'Δ median ms', 'Δ min ms', 'bar', 'within bar?'],
    pairs.map(([plugin, core]) => {
      const delta = median(times(plugin)) - median(times(core));
      return [
        `${plugin.label} − ${core.label}`,
        signed(delta),
        signed(min(times(plugin)) - min(times(core))),
        `≤ ${STARTUP_BAR_MS} ms`,
        delta <= STARTUP_BAR_MS ? 'yes' : `NO (+${Math.round(delta - STARTUP_BAR_MS)} ms over)`,
      ];
    }),
    [1, 2]
  );
  const text =
    `Start-up: the plugin's commands vs their core equivalents (real sf, ${RUNS} runs each after ${WARMUPS} warm-up,\n` +
    'round-robin; wall time of the sf process; isolated HOME; the packed plugin installed outside the repository with\n' +
    'its production dependencies only, then linked)\n\n' +
    `${perCommand}\n\n${comparisons}\n`;
  return { benches, text };
}

// ---------------------------------------------------------------------------------------------------------------------
// 2. Latency

/** Every step of the setup done for the default API user, as in test/e2e/doctor.e2e.test.ts. */
const completed = (): OrgBuilder =>
  scenarios.base().withPackage().withPermsetAssigned().withEventLayoutFields().withAssignmentRules().withRequiredLeadRegion();

/** doctor and compare must finish within start-up + 1 s (README, "Performance"). */
const hasLatencyBar = (b: Bench): boolean => /doctor|compare/.test(b.label);

type LatencyRow = { bench: Bench; org: string; expectedRequests?: string };

async function latency(helpMedian: number): Promise<{ benches: Bench[]; text: string }> {
  const status = bench('sf oncehub status --json', ['oncehub', 'status', '--json'], jsonOk);
  const rows: LatencyRow[] = [];

  progress(`Latency (${LATENCY_MS} ms per request): demo org with two Event layouts…`);
  const demo = await startSession({ org: scenarios.demo().withTwoEventLayouts().build(), latencyMs: LATENCY_MS });
  try {
    timeRequests(demo.emulator);
    await demo.login(ADMIN_USERNAME, ALIAS);
    const doctorDemo = bench('sf oncehub doctor', ['oncehub', 'doctor', '-o', ALIAS, '--json'], doctorOk);
    await measure(demo, [status, doctorDemo], 'demo');
    rows.push({ bench: doctorDemo, org: 'demo, two Event layouts', expectedRequests: '≤ 4' });
  } finally {
    await demo.stop();
  }

  progress(`Latency (${LATENCY_MS} ms per request): completed org, connect then doctor with the setup file…`);
  const done = await startSession({ org: completed().build(), latencyMs: LATENCY_MS });
  try {
    timeRequests(done.emulator);
    await done.login(ADMIN_USERNAME, ALIAS);
    const connect = bench('sf oncehub connect', ['oncehub', 'connect', '-o', ALIAS, '--production', '--json'], jsonOk);
    const doctorDone = bench(
      'sf oncehub doctor --config',
      ['oncehub', 'doctor', '-o', ALIAS, '--config', SETUP_FILE, '--json'],
      (r) => doctorOk(r) && r.exitCode === 0
    );
    // connect first: its warm-up records the connection that the completed doctor then finds.
    await measure(done, [connect, status, doctorDone], 'completed');
    rows.push({ bench: doctorDone, org: 'completed + setup file (5 phases)', expectedRequests: '≤ 4' });
    rows.push({ bench: connect, org: 'completed', expectedRequests: '1' });
  } finally {
    await done.stop();
  }

  progress(`Latency (${LATENCY_MS} ms per request): compare, a sandbox and a production org at once…`);
  const sandbox = await startEmulator({ org: scenarios.sandboxReady().build(), latencyMs: LATENCY_MS });
  const production = await startSession({ org: scenarios.productionForDemo().build(), latencyMs: LATENCY_MS });
  try {
    for (const emu of [sandbox, production.emulator]) timeRequests(emu);
    await production.login(ADMIN_USERNAME, ALIAS);
    await production.login(SANDBOX_ADMIN_USERNAME, `${ALIAS}-uat`, { emulator: sandbox });
    const compare = bench(
      'sf oncehub compare --config',
      ['oncehub', 'compare', '-s', `${ALIAS}-uat`, '-o', ALIAS, '--config', join(REPO_ROOT, 'examples', 'oncehub-compare.json'), '--json'],
      (r) => r.json?.result?.ready !== undefined
    );
    compare.alsoOn = [sandbox];
    await measure(production, [status, compare], 'compare');
    rows.push({ bench: compare, org: 'sandbox + production (demo pair)', expectedRequests: '≤ 8' });
  } finally {
    await production.stop();
    await sandbox.stop();
  }

  const startupMedian = median(times(status));
  const statusTraffic = status.samples.reduce((n, s) => n + s.data.length + s.own.length, 0);
  const main = table(
    [
      'command',
      'org',
      'runs',
      'median ms',
      'min ms',
      'data requests',
      'sf auth/version reqs (excl.)',
      'waiting on org ms',
      '≈ round trips',
      '− start-up ms',
      'min − start-up min',
      'bar',
      'within bar?',
    ],
    [
      [
        `${status.label}${failedNote(status)}`,
        'none (start-up baseline)',
        String(status.samples.length),
        ms(startupMedian),
        ms(min(times(status))),
        String(statusTraffic),
        '-',
        '-',
        '-',
        '0',
        '0',
        '',
        '',
      ],
      ...rows.map(({ bench: b, org, expectedRequests }) => {
        const delta = median(times(b)) - startupMedian;
        const network = median(b.samples.map((s) => s.networkMs));
        return [
          `${b.label}${failedNote(b)}`,
          org,
          String(b.samples.length),
          ms(median(times(b))),
          ms(min(times(b))),
          `${steady(b.samples.map((s) => s.data.length))} (exp. ${expectedRequests ?? '?'})`,
          steady(b.samples.map((s) => s.own.length)),
          ms(network),
          (network / LATENCY_MS).toFixed(1),
          signed(delta),
          signed(min(times(b)) - min(times(status))),
          hasLatencyBar(b) ? `≤ ${LATENCY_BAR_MS} ms` : '',
          hasLatencyBar(b) ? (delta <= LATENCY_BAR_MS ? 'yes' : `NO (+${Math.round(delta - LATENCY_BAR_MS)} ms over)`) : '',
        ];
      }),
    ],
    [2, 3, 4, 7, 8, 9, 10]
  );

  const vsHelp = table(
    ['command', 'median ms', '− sf oncehub status', '− sf oncehub --help (start-up table)'],
    rows.map(({ bench: b }) => [
      b.label,
      ms(median(times(b))),
      signed(median(times(b)) - startupMedian),
      signed(median(times(b)) - helpMedian),
    ]),
    [1, 2, 3]
  );

  const details = rows
    .map(({ bench: b, org }) => {
      const last = b.samples[b.samples.length - 1];
      const writes = steady(b.samples.map((s) => s.writes));
      const own = last.own.length ? last.own.join('; ') : 'none';
      return (
        `  ${b.label} on ${org} (last run, exit ${last.exitCode}; writes ${writes}):\n` +
        last.data.map((d) => `    - ${d}\n`).join('') +
        `    sf's own auth/version traffic (excluded): ${own}\n`
      );
    })
    .join('');

  const text =
    `Latency: doctor with ${LATENCY_MS} ms per request vs CLI start-up (sf oncehub status --json: the same sf-plugins-core\n` +
    `command stack, no org traffic), ${RUNS} runs each after ${WARMUPS} warm-up, round-robin. "data requests" = emu.log.dataRequests()\n` +
    '(without sf\'s login/versions/identity traffic, counted separately); "waiting on org" = wall time with at least one\n' +
    `data request in flight (union of intervals), "≈ round trips" = that / ${LATENCY_MS} ms.\n` +
    '"− start-up" = median − median of sf oncehub status (the bar\'s measure); "min − start-up min" is less sensitive to\n' +
    'other load on the machine.\n\n' +
    `${main}\n\n${vsHelp}\n\nRequests per command:\n${details}`;
  return { benches: [status, ...rows.map((r) => r.bench)], text };
}

// ---------------------------------------------------------------------------------------------------------------------
// 3. Install footprint

async function footprint(): Promise<string> {
  const f = await installFootprint();
  const mb = f.bytes / 1e6;
  const rows = [
    ['packages (the plugin included)', String(f.packages), `≤ ${PACKAGES_BAR}`, f.packages <= PACKAGES_BAR ? 'yes' : 'NO'],
    ['size of node_modules', `${mb.toFixed(1)} MB (${f.bytes} bytes)`, `≤ ${MEGABYTES_BAR} MB`, mb <= MEGABYTES_BAR ? 'yes' : 'NO'],
    ['npm install --omit=dev', `${f.installSeconds.toFixed(1)} s`, '', ''],
  ];
  return (
    'Install footprint: `npm pack`, then `npm install <tarball> --omit=dev` in an empty folder outside the repository\n' +
    '(what `sf plugins install` does); packages = folders with a package.json under its node_modules, size = apparent bytes\n\n' +
    `${table(['measure', 'value', 'bar', 'within bar?'], rows)}\n`
  );
}

// ---------------------------------------------------------------------------------------------------------------------

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' / ');

async function main(): Promise<void> {
  const loadAtStart = load();
  progress(`bench-cli: ${RUNS} runs per command; load average ${loadAtStart} on ${cpus().length} CPUs`);
  const install = await footprint(); // stages the plugin once for the whole run
  const start = await startup();
  const helpMedian = median(times(start.benches.find((b) => b.label === 'sf oncehub --help')!));
  process.stdout.write(`\n${start.text}\n`);
  const lat = await latency(helpMedian);
  process.stdout.write(`${lat.text}\n${install}\n`);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `bench-cli finished in ${seconds.toFixed(1)} s (${RUNS} runs per command, ${WARMUPS} warm-up; ${cpus().length} CPUs, ` +
      `load average ${loadAtStart} at start, ${load()} at end: other processes on the machine add noise).\n`
  );
  const broken = [...start.benches, ...lat.benches].filter((b) => !allOk(b));
  if (broken.length) {
    process.stderr.write(`Commands that did not work in some runs: ${broken.map((b) => b.label).join(', ')}\n`);
    process.exitCode = 1;
  }
}

await main();
