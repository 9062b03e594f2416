import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InvariantResult } from './invariant';
import { REPO_ROOT } from './platform-control';

export interface ChaosMetrics {
  ordersAcknowledged: number;
  ordersLost: number;
  /** Keys with more than one order (two regions accepted them), each left with at most one live order. */
  ordersDuplicated: number;
  ordersStuck: number;
  /** Keys whose card was captured for two orders (the extra one refunded when the platform resolved it). */
  keysChargedTwice: number;
  unitsOversold: number;
  /** Highest per-region p99 lag (each region's trailing window) among the 1 s status samples. */
  maxP99ReplicationLagMs: number | null;
  /** Highest lag of a region's most recently applied change among the 1 s status samples. */
  maxLastReplicationLagMs: number | null;
  failoverMs: number | null;
  /** From the SIGSTOP of the serving region to the first 202 from another region. */
  freezeFailoverMs: number | null;
  restartMs: number | null;
  convergenceMs: number | null;
  unacknowledgedOrdersInStores: number;
  unfinishedKeys: number;
  clientAttempts: number;
  replicationConflicts: number;
  deadLetters: number;
  /** Provider faults injected, by kind ("kill", "errors", "latency"), with their lengths in ms. */
  providerFaults: string;
  /** From the kill -9 during the provider outage to the first 202 from another region. */
  compensationFailoverMs: number | null;
  /** Orders the regions owed together when the provider was back for good (the 1 s status samples). */
  ordersOwedWhenProviderBack: number | null;
  /** The most orders the regions owed together at any 1 s status sample. */
  mostOrdersOwed: number;
  /** From the provider back for good to the last settlement or release of a closed order. */
  timeToSettleMs: number | null;
  /** Same-key pairs sent to two regions with the link cut, and how many both accepted. */
  sameKeyPairs: string;
}

export interface ChaosReport {
  at: string;
  command: string;
  passed: boolean;
  invariantsPassed: number;
  invariantsFailed: number;
  metrics: ChaosMetrics;
  invariants: InvariantResult[];
  /** Anything else worth keeping: scenario, phases, client failures, samples, process exits. */
  context: Record<string, unknown>;
}

const METRIC_LABELS: Array<[keyof ChaosMetrics, string]> = [
  ['ordersAcknowledged', 'orders acknowledged (202)'],
  ['ordersLost', 'orders lost'],
  ['ordersDuplicated', 'keys with two orders (one kept)'],
  ['ordersStuck', 'orders stuck (non-terminal)'],
  ['keysChargedTwice', 'keys charged twice (then refunded)'],
  ['unitsOversold', 'units oversold'],
  ['maxP99ReplicationLagMs', 'replication lag p99 (trailing window), highest 1 s sample (ms)'],
  ['maxLastReplicationLagMs', 'replication lag of last applied change, highest 1 s sample (ms)'],
  ['failoverMs', 'failover time after kill -9 (ms)'],
  ['freezeFailoverMs', 'failover time after freeze (ms)'],
  ['restartMs', 'region restart (ms)'],
  ['convergenceMs', 'convergence (ms)'],
  ['unacknowledgedOrdersInStores', 'stored orders no client got'],
  ['unfinishedKeys', 'keys never acknowledged'],
  ['clientAttempts', 'POST attempts'],
  ['replicationConflicts', 'replication conflicts'],
  ['deadLetters', 'dead letters (max seen)'],
  ['providerFaults', 'provider faults'],
  ['compensationFailoverMs', 'failover time after the kill in the provider outage (ms)'],
  ['mostOrdersOwed', 'most orders owing money at once'],
  ['ordersOwedWhenProviderBack', 'orders owing money when the provider was back'],
  ['timeToSettleMs', 'time to settle after the provider was back (ms)'],
  ['sameKeyPairs', 'same-key pairs (accepted by both regions)'],
];

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  const [head, ...body] = rows;
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}

/** What every suite's verdict holds: its figures, one row per invariant, and the counts. */
interface Verdict {
  passed: boolean;
  invariantsPassed: number;
  invariantsFailed: number;
  metrics: object;
  invariants: InvariantResult[];
}

/** The verdict as a person reads it at the terminal: the numbers (the chaos suite's labels by default), then one row per invariant. */
export function printReport(
  report: Verdict,
  labels: ReadonlyArray<readonly [string, string]> = METRIC_LABELS,
): void {
  const values = report.metrics as Record<string, unknown>;
  const metrics = labels.map(([key, label]) => [label, String(values[key] ?? 'n/a')]);
  console.log(`\n${table([['metric', 'value'], ...metrics])}\n`);
  console.log(invariantTable(report.invariants));
  for (const row of report.invariants.filter((candidate) => !candidate.passed && !candidate.informational)) {
    console.log(`\nFAIL ${row.name}:\n${JSON.stringify(row.details ?? null, null, 2).slice(0, 4000)}`);
  }
  console.log(
    `\n${report.invariantsPassed} invariants passed, ${report.invariantsFailed} failed: ${report.passed ? 'PASS' : 'FAIL'}`,
  );
}

/** What an aborted run (timeout, crash, signal) knows: enough to tell how far it got and why it stopped. */
export interface AbortedRun {
  reason: string;
  phaseReached: string;
  elapsedMs: number;
  facts: Array<[string, string]>;
  /** Rows that could be judged before the abort (e.g. the failover), then one FAIL row for the abort. */
  invariants: InvariantResult[];
}

export function printAbortReport(run: AbortedRun): void {
  const facts: Array<[string, string]> = [
    ['aborted', run.reason],
    ['phase reached', run.phaseReached],
    ['elapsed (s)', (run.elapsedMs / 1000).toFixed(1)],
    ...run.facts,
  ];
  console.log(`\n${table([['what', 'value'], ...facts])}\n`);
  console.log(invariantTable(run.invariants));
  console.log('\nFAIL: the run did not finish');
}

/** One row per invariant: INFO rows are shown but judge nothing. */
function invariantTable(invariants: readonly InvariantResult[]): string {
  const rows = invariants.map((row) => [
    row.informational ? 'INFO' : row.passed ? 'PASS' : 'FAIL',
    row.name,
    row.summary,
  ]);
  return table([['result', 'invariant', 'summary'], ...rows]);
}

/** chaos/results/<timestamp>.json (gitignored): the whole report, evidence included. */
export function writeReport<T extends { at: string }>(report: T): string {
  const dir = join(REPO_ROOT, 'chaos/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** {"passed":N,"failed":M} for CI's summary (.ci/chaos-suite.sh). */
export function writeSummary(file: string, passed: number, failed: number): void {
  writeFileSync(file, `${JSON.stringify({ passed, failed })}\n`);
}
