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
    ordersPerSecond: number;
    latencyMs: { p50: number; p90: number; p99: number; max: number };
    non2xx: number;
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
const total = (list: Array<{ ms: number }>) => list.reduce((sum, entry) => sum + entry.ms, 0).toFixed(2);

/** The markdown summary of one run, with each target of the two-region issue and whether it was met. */
export function renderSummary(r: BenchResult): string {
  const rows: Array<[string, string, string, string]> = [
    ['(a) bare node:http ceiling', `${r.bareHttpRequestsPerSecond} req/s`, '—', '—'],
    [
      '(b) order intake (front door)',
      `${r.intake.ordersPerSecond} orders/s, p50 ${r.intake.latencyMs.p50} ms, p99 ${r.intake.latencyMs.p99} ms`,
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
      '(d) replication lag during (c)',
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
