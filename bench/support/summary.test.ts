import { describe, expect, it } from 'vitest';
import { type BenchResult, renderSummary } from './summary';

const cpu = (serving: number, replica: number) => [
  { process: 'us-east-1', ms: serving },
  { process: 'eu-west-1', ms: replica },
];
const phase = (offered: number, completed: number, p99: number): BenchResult['sagas'] => ({
  offeredPerSecond: offered,
  accepted: offered * 10,
  cpuMsPerOrder: cpu(3, 1),
  completed: offered * 10,
  confirmed: offered * 10,
  failed: 0,
  completedPerSecond: completed,
  p50: 20,
  p99,
});

const result: BenchResult = {
  at: '2026-11-26T18:00:00.000Z',
  machine: { cpus: 2, node: 'v20.20.2' },
  settings: {
    seconds: 10,
    connections: 32,
    lightRate: 50,
    sagaConcurrency: 'default',
    routing: 'home-region, default us-east-1',
    commit: 'abc1234',
  },
  bareHttpRequestsPerSecond: 40_000,
  intake: {
    ordersPerSecond: 600,
    acknowledged: 6_012,
    seconds: 10.02,
    latencyMs: { p50: 50, p90: 80, p99: 120, max: 200 },
    non2xx: 0,
    errors: 0,
  },
  sagas: phase(300, 250, 900),
  lightLoad: phase(50, 50, 30),
  activeActive: { ...phase(300, 280, 800), cpuMsPerOrder: cpu(2.5, 2.75) },
  replicationLagMs: { p50: 10, p99: 30 },
  failoverMs: { tries: [20, 30, 40], median: 30 },
  peakRssMb: [{ region: 'us-east-1', peakMb: 250 }],
  cpuMsPerOrder: cpu(3.5, 1),
};

describe('renderSummary', () => {
  it('names the build and compares the CPU per order of (b)+(c), (c) and (h) per process', () => {
    const summary = renderSummary(result);
    expect(summary).toContain('Commit abc1234; sagas at once per region: default; routing: home-region');
    expect(summary).toContain('| us-east-1 | 3.50 | 3.00 | 2.50 |');
    expect(summary).toContain('| eu-west-1 | 1.00 | 1.00 | 2.75 |');
    expect(summary).toContain('| all | 4.50 | 4.00 | 5.25 |');
    expect(summary).toMatch(
      /\| \(h\) active-active[^|]*\| 280\/s at 300\/s offered: p50 20 ms, p99 800 ms \| ≥ 1,000\/s \| MISSED \|/,
    );
  });

  it('leaves (h) out of a run without it, and marks met targets', () => {
    const { activeActive: _left, ...withoutH } = result;
    const summary = renderSummary({ ...withoutH, sagas: phase(1_200, 1_100, 90) });
    expect(summary).not.toContain('(h) active-active');
    expect(summary).toContain('| Process | (b) and (c) | (c) |\n');
    expect(summary).toMatch(
      /\| \(c\) completed sagas \| 1100\/s at 1200\/s offered[^|]*\| ≥ 1,000\/s \| met \|/,
    );
    expect(summary).toMatch(/\| \(c\) accept → terminal \| p50 20 ms, p99 90 ms \| p99 ≤ 100 ms \| met \|/);
  });

  it('gives intake as acknowledged orders, with the refused and unanswered ones only when there were any', () => {
    const intakeRow = (intake: Partial<BenchResult['intake']>) =>
      renderSummary({ ...result, intake: { ...result.intake, ...intake } })
        .split('\n')
        .find((line) => line.startsWith('| (b) '));
    expect(intakeRow({})).toBe(
      '| (b) order intake (front door), acknowledged (2xx) orders | 600 orders/s (6012 in 10.02 s), p50 50 ms, p99 120 ms | ≥ 3,000 orders/s | MISSED |',
    );
    expect(intakeRow({ ordersPerSecond: 23, acknowledged: 1_056, seconds: 45, non2xx: 162_066 })).toContain(
      '23 orders/s (1056 in 45 s), p50 50 ms, p99 120 ms; 162066 non-2xx |',
    );
    expect(intakeRow({ errors: 7 })).toContain('p99 120 ms; 7 errors |');
    expect(intakeRow({ non2xx: 5, errors: 7 })).toContain('p99 120 ms; 5 non-2xx, 7 errors |');
  });

  it('says (d) is the lag over the last minute, read at the end of (c)', () => {
    expect(renderSummary(result)).toContain(
      '| (d) replication lag over the last minute, read at the end of (c) | p50 10 ms, p99 30 ms | p99 ≤ 100 ms | met |',
    );
  });
});
