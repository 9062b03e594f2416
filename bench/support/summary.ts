export interface BenchResult {
  at: string;
  machine: { cpus: number; node: string };
  settings: {
    seconds: number;
    connections: number;
    lightRate: number;
    sagaConcurrency: string;
    routing: string;
    commit: string;
  };
  bareHttpRequestsPerSecond: number;
  intake: {
    /** Acknowledged (2xx) orders per second of the measured run: `acknowledged / seconds`. */
    ordersPerSecond: number;
    /** Orders answered 2xx. */
    acknowledged: number;
    /** The run's measured duration. */
    seconds: number;
    /** Of the acknowledged orders (autocannon records the latency of 2xx answers only). */
    latencyMs: { p50: number; p90: number; p99: number; max: number };
    /** Requests refused: answered with a status other than 2xx. */
    non2xx: number;
    /** Requests with no answer (connection errors, timeouts). */
    errors: number;
  };
  sagas: {
    offeredPerSecond: number;
    /** Orders the phase's load got accepted. */
    accepted: number;
    /** CPU time per accepted order while the phase's load and sagas ran (not reading them back). */
    cpuMsPerOrder: Array<{ process: string; ms: number }>;
    completed: number;
    confirmed: number;
    failed: number;
    completedPerSecond: number;
    p50: number | null;
    p99: number | null;
  };
  /** (c) again at 80 % of the rate (c) completed, when (c) offered more than the sagas kept up with. */
  sustainable?: BenchResult['sagas'];
  /** Accept → terminal at a light offered rate (BENCH_LIGHT_RATE, default 50/s): the latency floor. */
  lightLoad: BenchResult['sagas'];
  /** (c)'s offered rate again with orders homed in each region in turn: both regions serve. */
  activeActive?: BenchResult['sagas'];
  /**
   * The worst peer's replication lag over the last minute, read at the end of (c), once its sagas and
   * outboxes drained. Each region's lag is reset before (c), so no earlier phase counts; all of (c)
   * counts when its load and drain took less than the minute.
   */
  replicationLagMs: { p50: number; p99: number };
  failoverMs: { tries: number[]; median: number | null };
  peakRssMb: Array<{ region: string; peakMb: number }>;
  /**
   * CPU time (user + system) each process spent per order accepted in (b) and (c), sagas included:
   * it depends far less than rates on how busy the machine is, though it still moves with its speed.
   */
  cpuMsPerOrder: Array<{ process: string; ms: number }>;
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** `; 12 non-2xx, 3 errors` for the requests of intake that were not acknowledged, nothing when none. */
function notAcknowledged(intake: BenchResult['intake']): string {
  const parts = [
    ...(intake.non2xx > 0 ? [`${intake.non2xx} non-2xx`] : []),
    ...(intake.errors > 0 ? [`${intake.errors} errors`] : []),
  ];
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}
const total = (list: Array<{ ms: number }>) => list.reduce((sum, entry) => sum + entry.ms, 0).toFixed(2);

/** The markdown summary of one run, with each target of the two-region issue and whether it was met. */
export function renderSummary(r: BenchResult): string {
  const rows: Array<[string, string, string, string]> = [
    ['(a) bare node:http ceiling', `${r.bareHttpRequestsPerSecond} req/s`, '—', '—'],
    [
      '(b) order intake (front door), acknowledged (2xx) orders',
      `${r.intake.ordersPerSecond} orders/s (${r.intake.acknowledged} in ${r.intake.seconds} s), p50 ${r.intake.latencyMs.p50} ms, p99 ${r.intake.latencyMs.p99} ms${notAcknowledged(r.intake)}`,
      '≥ 3,000 orders/s',
      verdict(r.intake.ordersPerSecond >= 3000),
    ],
    [
      '(c) completed sagas',
      `${r.sagas.completedPerSecond}/s at ${r.sagas.offeredPerSecond}/s offered (${r.sagas.confirmed} confirmed)`,
      '≥ 1,000/s',
      verdict(r.sagas.completedPerSecond >= 1000),
    ],
    [
      '(c) accept → terminal',
      `p50 ${r.sagas.p50} ms, p99 ${r.sagas.p99} ms`,
      'p99 ≤ 100 ms',
      verdict((r.sagas.p99 ?? Infinity) <= 100),
    ],
    ...(r.sustainable
      ? [
          [
            "(c') accept → terminal at 80 % of what (c) completed",
            `${r.sustainable.completedPerSecond}/s at ${r.sustainable.offeredPerSecond}/s offered: p50 ${r.sustainable.p50} ms, p99 ${r.sustainable.p99} ms`,
            'p99 ≤ 100 ms',
            verdict((r.sustainable.p99 ?? Infinity) <= 100),
          ] as [string, string, string, string],
        ]
      : []),
    [
      '(g) accept → terminal at a light load',
      `${r.lightLoad.offeredPerSecond}/s offered: p50 ${r.lightLoad.p50} ms, p99 ${r.lightLoad.p99} ms (${r.lightLoad.confirmed} confirmed)`,
      '— (the target applies at 1,000/s)',
      '—',
    ],
    ...(r.activeActive
      ? [
          [
            '(h) active-active: (c) with orders homed in each region in turn',
            `${r.activeActive.completedPerSecond}/s at ${r.activeActive.offeredPerSecond}/s offered: p50 ${r.activeActive.p50} ms, p99 ${r.activeActive.p99} ms`,
            '≥ 1,000/s',
            verdict(r.activeActive.completedPerSecond >= 1000),
          ] as [string, string, string, string],
        ]
      : []),
    [
      '(d) replication lag over the last minute, read at the end of (c)',
      `p50 ${r.replicationLagMs.p50} ms, p99 ${r.replicationLagMs.p99} ms`,
      'p99 ≤ 100 ms',
      verdict(r.replicationLagMs.p99 <= 100),
    ],
    [
      '(e) failover (median)',
      `${r.failoverMs.median} ms (tries: ${r.failoverMs.tries.join(', ')})`,
      '≤ 2,000 ms',
      verdict((r.failoverMs.median ?? Infinity) <= 2000),
    ],
    [
      '(f) peak RSS per region',
      r.peakRssMb.map((p) => `${p.region} ${p.peakMb} MB`).join(', '),
      '≤ 300 MB',
      verdict(r.peakRssMb.every((p) => p.peakMb <= 300)),
    ],
  ];
  return [
    `# Meridian benchmark, ${r.at}`,
    '',
    `${r.machine.cpus} cores, Node ${r.machine.node}; ${r.settings.seconds} s phases, ${r.settings.connections} connections; everything (load tool, front door, two regions, payment simulator) on this machine.`,
    `Commit ${r.settings.commit}; sagas at once per region: ${r.settings.sagaConcurrency}; routing: ${r.settings.routing}.`,
    '',
    '| Measure | Result | Target | |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    "CPU time per accepted order, sagas, events and replication included: over (b) and (c) with the reading back of (c)'s orders, and over the load and sagas alone of (c) and (h):",
    '',
    `| Process | (b) and (c) | (c) |${r.activeActive ? ' (h) |' : ''}`,
    `| --- | --- | --- |${r.activeActive ? ' --- |' : ''}`,
    ...r.cpuMsPerOrder.map((p) => {
      const phase = (list: Array<{ process: string; ms: number }> | undefined) =>
        list?.find((entry) => entry.process === p.process)?.ms.toFixed(2) ?? '—';
      return `| ${p.process} | ${p.ms.toFixed(2)} | ${phase(r.sagas.cpuMsPerOrder)} |${r.activeActive ? ` ${phase(r.activeActive.cpuMsPerOrder)} |` : ''}`;
    }),
    `| all | ${total(r.cpuMsPerOrder)} | ${total(r.sagas.cpuMsPerOrder)} |${r.activeActive ? ` ${total(r.activeActive.cpuMsPerOrder)} |` : ''}`,
    '',
  ].join('\n');
}
