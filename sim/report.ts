import type { Violation } from './invariants/violation';
import { formatTime } from './kernel/trace';
import type { SeedOptions, SeedResult } from './run-seed';

const DEFAULT_ORDERS = 50;
const DEFAULT_REGIONS = 2;

/** The command that replays a run exactly. */
export function replayCommand(
  options: Pick<SeedOptions, 'seed' | 'regions' | 'orders' | 'bugs'> & { without: readonly string[] },
): string {
  const parts = ['npm run -s sim --', `--seed ${options.seed}`];
  if (options.regions !== DEFAULT_REGIONS) parts.push(`--regions ${options.regions}`);
  if (options.orders !== DEFAULT_ORDERS) parts.push(`--orders ${options.orders}`);
  for (const bug of options.bugs) parts.push(`--bug ${bug}`);
  for (const kind of options.without) parts.push(`--without ${kind}`);
  return parts.join(' ');
}

/**
 * The trace leading to the first violation, shortened: the lines about what the violations concern
 * (their orders, keys, SKUs), every fault and every process start or death, up to the moment a
 * violation found during the run was seen; at most `limit` lines, the latest kept.
 */
export function shortenedTrace(result: SeedResult, limit = 80): string[] {
  const subjects = new Set(
    result.violations.flatMap((violation) => violation.subjects).filter((subject) => subject.length > 2),
  );
  const until = Math.min(...result.violations.map((violation) => violation.at ?? Number.POSITIVE_INFINITY));
  const relevant = result.trace.filter((line) => {
    if (Number.isFinite(until) && parseTime(line) > until) return false;
    if (/ faults /.test(line) || / started \(incarnation/.test(line) || /DIED/.test(line)) return true;
    for (const subject of subjects) if (line.includes(subject)) return true;
    return false;
  });
  const kept = relevant.slice(-limit);
  const omitted = relevant.length - kept.length;
  return [
    ...(omitted > 0
      ? [`… ${omitted} earlier relevant lines and ${result.trace.length - relevant.length} others omitted`]
      : [`(${result.trace.length - relevant.length} unrelated lines omitted)`]),
    ...kept,
  ];
}

function parseTime(line: string): number {
  const match = /^(\d+):(\d\d):(\d\d)\.(\d\d\d)/.exec(line);
  if (!match) return 0;
  const [, h, m, s, ms] = match;
  return Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000 + Number(ms);
}

export function describeViolation(violation: Violation): string {
  return `${violation.invariant}: ${violation.detail}${violation.at === undefined ? '' : ` (at ${formatTime(violation.at)})`}`;
}
