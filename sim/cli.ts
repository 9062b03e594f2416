import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isKnownBug, KNOWN_BUGS, type KnownBug } from './bugs/known-bugs';
import { FAULT_KINDS, type FaultKind } from './faults/fault-plan';
import { describeViolation, replayCommand, shortenedTrace } from './report';
import { runSeed, type SeedOptions, type SeedResult } from './run-seed';
import { shrink } from './shrink';

const USAGE = `Deterministic simulation of the whole platform (see docs/simulation.md).

  npm run -s sim -- --seed S              run one seed; prints "seed S trace <hash>"
  npm run -s sim -- --seeds N [--from S]  run N seeds (S, S+1, …; default from 1)
  npm run -s sim -- --seed-file FILE      run the seeds listed in FILE (sim/regression-seeds.json)

  --regions 2|3      regions per run (default 2)
  --orders K         orders per run (default 50)
  --bug NAME         switch a known bug back on (${Object.keys(KNOWN_BUGS).join(', ')})
  --without KIND     draw no faults of this kind (${FAULT_KINDS.join(', ')})
  --trace            print the whole trace of a single seed
  --shrink           for a failing single seed, look for fewer orders and fault kinds that still fail
  --teeth            switch each known bug on alone and count the seeds until one fails (at most --max, 1000);
                     with --rate, run all --max seeds for each bug and report the share that caught it
  --report FILE      write a JSON report (CI)
  --stop-at-first    stop a multi-seed run at its first failure`;

interface Run extends Omit<SeedOptions, 'keepTrace'> {
  without: FaultKind[];
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      seeds: { type: 'string' },
      from: { type: 'string' },
      'seed-file': { type: 'string' },
      regions: { type: 'string' },
      orders: { type: 'string' },
      bug: { type: 'string', multiple: true },
      without: { type: 'string', multiple: true },
      trace: { type: 'boolean' },
      shrink: { type: 'boolean' },
      teeth: { type: 'boolean' },
      rate: { type: 'boolean' },
      max: { type: 'string' },
      report: { type: 'string' },
      'stop-at-first': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const integer = (name: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min) fail(`--${name} must be an integer ≥ ${min}`);
    return value;
  };
  const regions = integer('regions', values.regions, 2, 2);
  if (regions !== 2 && regions !== 3) fail('--regions must be 2 or 3');
  const bugs = new Set<KnownBug>();
  for (const bug of values.bug ?? []) {
    if (!isKnownBug(bug)) fail(`unknown bug ${bug}`);
    bugs.add(bug);
  }
  const without: FaultKind[] = [];
  for (const kind of values.without ?? []) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) fail(`unknown fault kind ${kind}`);
    without.push(kind as FaultKind);
  }
  const base = {
    regions: regions as 2 | 3,
    orders: integer('orders', values.orders, 50, 1),
    bugs,
    faults: new Set(FAULT_KINDS.filter((kind) => !without.includes(kind))),
    without,
  };
  let runs: Run[];
  if (values.teeth) runs = [];
  else if (values.seed !== undefined) runs = [{ ...base, seed: integer('seed', values.seed, 0, 0) }];
  else if (values.seeds !== undefined) {
    const from = integer('from', values.from, 1, 0);
    runs = Array.from({ length: integer('seeds', values.seeds, 1, 1) }, (_, index) => ({
      ...base,
      seed: from + index,
    }));
  } else if (values['seed-file'] !== undefined) runs = regressionRuns(values['seed-file']);
  else fail('say which seeds to run');
  return {
    runs,
    single: values.seed !== undefined,
    values,
    base,
    max: integer('max', values.max, 1000, 1),
    from: integer('from', values.from, 1, 0),
  };
}

/** The regression seeds kept in the repo: each failed once and must pass from then on. */
function regressionRuns(file: string): Run[] {
  const entries = JSON.parse(readFileSync(file, 'utf8')) as Array<{
    seed: number;
    regions?: 2 | 3;
    orders?: number;
    without?: FaultKind[];
  }>;
  return entries.map((entry) => ({
    seed: entry.seed,
    regions: entry.regions ?? 2,
    orders: entry.orders ?? 50,
    bugs: new Set<KnownBug>(),
    without: entry.without ?? [],
    faults: new Set(FAULT_KINDS.filter((kind) => !(entry.without ?? []).includes(kind))),
  }));
}

function summary(result: SeedResult, run: Run): string {
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  return `  ${run.regions} regions, ${run.orders} orders: ${result.acknowledged} acknowledged (${statuses}); ${(result.simulatedMs / 60_000).toFixed(1)} min simulated in ${(result.realMs / 1000).toFixed(2)} s; ${result.tasks} tasks, ${result.messages} messages`;
}

async function explainFailure(run: Run, result: SeedResult): Promise<void> {
  for (const violation of result.violations.slice(0, 8)) console.log(`  ✗ ${describeViolation(violation)}`);
  if (result.violations.length > 8) console.log(`  … and ${result.violations.length - 8} more`);
  console.log(`  replay: ${replayCommand(run)}`);
  const traced = result.trace.length > 0 ? result : await runSeed({ ...run, keepTrace: true });
  console.log('  trace leading to the violation (shortened):');
  for (const line of shortenedTrace(traced)) console.log(`    ${line}`);
}

/**
 * Proof that the simulator has teeth: each known bug alone, seed after seed from `from`, until a run
 * fails (or `max` seeds passed, which fails the check).
 */
async function teeth(
  base: Omit<Run, 'seed'>,
  from: number,
  max: number,
  report?: string,
  rate = false,
): Promise<void> {
  const rows: Array<{ bug: KnownBug; seeds: number | null; seed: number | null; invariant: string | null }> =
    [];
  for (const bug of Object.keys(KNOWN_BUGS) as KnownBug[]) {
    let caught: { seed: number; invariant: string } | undefined;
    let tried = 0;
    let caughtBy = 0;
    for (let seed = from; seed < from + max && (rate || !caught); seed++) {
      const result = await runSeed({ ...base, seed, bugs: new Set([bug]), keepTrace: false });
      const first = result.violations[0];
      if (first) caughtBy++;
      if (!caught) tried++;
      if (first && !caught) caught = { seed, invariant: first.invariant };
    }
    if (rate)
      console.log(`${bug}: caught by ${caughtBy} of ${max} seeds (${((caughtBy / max) * 100).toFixed(0)} %)`);
    rows.push({
      bug,
      seeds: caught ? tried : null,
      seed: caught?.seed ?? null,
      invariant: caught?.invariant ?? null,
    });
    console.log(
      caught
        ? `${bug}: caught after ${tried} seed${tried === 1 ? '' : 's'} (seed ${caught.seed}: ${caught.invariant}); replay: ${replayCommand({ ...base, seed: caught.seed, bugs: new Set([bug]) })}`
        : `${bug}: NOT caught in ${max} seeds`,
    );
  }
  const missed = rows.filter((row) => row.seeds === null).length;
  if (report)
    writeFileSync(
      report,
      `${JSON.stringify({ passed: rows.length - missed, failed: missed, bugs: rows }, null, 2)}\n`,
    );
  console.log(`${rows.length} known bugs, ${missed} not caught within ${max} seeds`);
  if (missed > 0) process.exitCode = 1;
}

/** Median and quartiles of the seeds' simulated lengths, in minutes. */
function spread(lengthsMs: readonly number[]): string {
  const sorted = [...lengthsMs].sort((a, b) => a - b);
  const at = (share: number) => {
    const value = sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
    return `${(value / 60_000).toFixed(0)} min`;
  };
  return `median ${at(0.5)}, quartiles ${at(0.25)} and ${at(0.75)}, from ${at(0)} to ${at(1)}`;
}

async function main(): Promise<void> {
  const { runs, single, values, base, max, from } = parse();
  // Many seeds: no error keeps a stack (nothing reads one, and building them, through source maps, costs
  // a few percent of a run). A single seed, a replay, keeps them for whoever debugs it.
  if (!single) Error.stackTraceLimit = 0;
  if (values.teeth) return teeth(base, from, max, values.report, values.rate === true);
  if (single) {
    const run = runs[0] as Run;
    const result = await runSeed({ ...run, keepTrace: true });
    console.log(`seed ${run.seed} trace ${result.hash}`);
    console.log(summary(result, run));
    if (result.failures.length > 0)
      console.log(
        `  failed because: ${result.failures.map(([reason, count]) => `${reason} (${count})`).join('; ')}`,
      );
    if (values.trace) for (const line of result.trace) console.log(line);
    if (result.violations.length === 0) return;
    await explainFailure(run, result);
    if (values.shrink) {
      const smaller = await shrink(run, result, (line) => console.log(line));
      console.log(`  smallest failing run found: ${replayCommand(smaller)}`);
    }
    process.exitCode = 1;
    return;
  }
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let simulatedMs = 0;
  const lengths: number[] = [];
  const failed: Array<{ seed: number; command: string; violations: string[] }> = [];
  let done = 0;
  for (const run of runs) {
    const result = await runSeed({ ...run, keepTrace: false });
    done++;
    simulatedMs += result.simulatedMs;
    lengths.push(result.simulatedMs);
    if (result.violations.length > 0) {
      console.log(`seed ${run.seed} FAILED (trace ${result.hash})`);
      await explainFailure(run, result);
      failed.push({
        seed: run.seed,
        command: replayCommand(run),
        violations: result.violations.map(describeViolation),
      });
      if (values['stop-at-first']) break;
    }
    if (done % 100 === 0) console.error(`… ${done}/${runs.length} seeds, ${failed.length} failed`);
  }
  const seconds = Math.max(0.001, (performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = Math.max(0.001, (cpu.user + cpu.system) / 1e6);
  const perMinute = (done / seconds) * 60;
  const simulatedPerSecond = simulatedMs / 1000 / seconds;
  console.log(
    `simulated ${(simulatedMs / 3_600_000).toFixed(1)} h in ${seconds.toFixed(1)} s (${Math.round(simulatedPerSecond)} simulated seconds per second, ${(simulatedMs / Math.max(1, done) / 60_000).toFixed(1)} min per seed); ${cpuSeconds.toFixed(1)} s of CPU, ${((done / cpuSeconds) * 60).toFixed(0)} seeds per CPU-minute`,
  );
  console.log(`simulated per seed: ${spread(lengths)}`);
  if (values.report)
    writeFileSync(
      values.report,
      `${JSON.stringify({ passed: done - failed.length, failed: failed.length, seeds: done, seedsPerMinute: perMinute, seedsPerCpuMinute: (done / cpuSeconds) * 60, simulatedSecondsPerSecond: simulatedPerSecond, failures: failed }, null, 2)}\n`,
    );
  console.log(`${done} seeds, ${failed.length} failed, ${perMinute.toFixed(0)} seeds/min`);
  if (failed.length > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
