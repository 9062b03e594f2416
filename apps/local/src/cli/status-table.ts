import type { EventLoopLoad } from '../region/event-loop-monitor';

/** One region as `status` reports it: the front door's view joined with the launcher's. */
export interface RegionStatus {
  region: string;
  url: string;
  process: string;
  healthy: boolean;
  serving: boolean;
  link: string;
  replicationLagMs: { p50: number | null; p99: number | null; max: number | null };
  lastPulledAgoMs: number | null;
  conflicts: number | null;
  outboxDepth: number | null;
  deadLetters: number | null;
  eventLoop: EventLoopLoad | null;
  owed: { orders: number; oldestAgeMs: number | null } | null;
  reconciler: { fixed: number; unresolved: number } | null;
}

/** A connected peer answers a pull at least once a second; longer without one is worth showing. */
const STALE_PULL_MS = 3_000;

/** The regions as a text table, one line each under a header, columns padded to line up. */
export function statusTable(regions: RegionStatus[]): string[] {
  const rows = [
    [
      'REGION',
      'URL',
      'PROCESS',
      'HEALTH',
      'SERVES',
      'LINK',
      'LAG p50/p99 ms',
      'CONFLICTS',
      'OUTBOX',
      'DEAD LETTERS',
      'OWED',
      'RECONCILER',
      'LOOP BUSY/p99',
    ],
    ...regions.map((r) => [
      r.region,
      r.url,
      r.process,
      r.healthy ? 'healthy' : 'UNHEALTHY',
      r.serving ? 'yes' : '',
      r.link,
      `${r.replicationLagMs.p50 ?? '-'}/${r.replicationLagMs.p99 ?? '-'}${
        (r.lastPulledAgoMs ?? 0) > STALE_PULL_MS
          ? ` (nothing pulled for ${Math.round((r.lastPulledAgoMs ?? 0) / 1000)} s)`
          : ''
      }`,
      String(r.conflicts ?? '-'),
      String(r.outboxDepth ?? '-'),
      String(r.deadLetters ?? '-'),
      r.owed
        ? r.owed.orders === 0
          ? '0'
          : `${r.owed.orders} (oldest ${Math.round((r.owed.oldestAgeMs ?? 0) / 1000)} s)`
        : '-',
      r.reconciler ? `fixed ${r.reconciler.fixed}, unresolved ${r.reconciler.unresolved}` : '-',
      r.eventLoop
        ? `${Math.round(r.eventLoop.utilization * 100)}%/${Math.round(r.eventLoop.delayMs.p99)}ms`
        : '-',
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
}
