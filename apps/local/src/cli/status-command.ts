import type { EventLoopLoad } from '../region/event-loop-monitor';
import { type CliContext, call } from './control-client';
import { type RegionStatus, statusTable } from './status-table';

interface FrontDoorStatus {
  policy: unknown;
  serving: string | null;
  regions: Array<{
    name: string;
    url: string;
    healthy: boolean;
    link: string | null;
    replication: {
      peers: Array<{ lagMs: { p50?: number; p99?: number; max?: number }; lastPulledAgoMs?: number }>;
      conflicts: number;
    } | null;
    outboxDepth: number | null;
    deadLetters: number | null;
    eventLoop: EventLoopLoad | null;
    settlement: { owed: number; oldestAgeMs: number | null } | null;
    reconciliation: { unresolved: unknown[]; fixedTotal: number } | null;
  }>;
}

export async function status({ config, frontDoor, io, admin }: CliContext, json: boolean): Promise<void> {
  const front = (await call(
    `${frontDoor}/frontdoor/status`,
    await admin(),
    'GET',
    config.dataDir,
  )) as FrontDoorStatus;
  const control = (await call(`${config.controlUrl}/status`, await admin()).catch(() => undefined)) as
    | {
        link: string;
        regions: Array<{ name: string; running: boolean; pid: number | null }>;
        provider?: { url: string; running: boolean; pid: number | null };
      }
    | undefined;
  const regions = front.regions.map((region): RegionStatus => {
    const process = control?.regions.find((candidate) => candidate.name === region.name);
    const lags = region.replication?.peers ?? [];
    const worstOf = (values: Array<number | undefined>) => {
      const known = values.filter((value): value is number => value !== undefined);
      return known.length ? Math.max(...known) : null;
    };
    const worst = (key: 'p50' | 'p99' | 'max') => worstOf(lags.map((peer) => peer.lagMs[key]));
    return {
      region: region.name,
      url: region.url,
      process: process ? (process.running ? `running (pid ${process.pid})` : 'stopped') : 'unknown',
      healthy: region.healthy,
      serving: region.name === front.serving,
      link: region.link ?? control?.link ?? 'unknown',
      replicationLagMs: { p50: worst('p50'), p99: worst('p99'), max: worst('max') },
      // Lag is measured on the changes applied; while nothing arrives (a cut link, a dead peer) this
      // tells how long this region has heard nothing from its slowest peer.
      lastPulledAgoMs: worstOf(lags.map((peer) => peer.lastPulledAgoMs)),
      conflicts: region.replication?.conflicts ?? null,
      outboxDepth: region.outboxDepth,
      deadLetters: region.deadLetters,
      eventLoop: region.eventLoop,
      // Compensations closed orders still owe (retried until they succeed), and how long the oldest has.
      owed: region.settlement
        ? { orders: region.settlement.owed, oldestAgeMs: region.settlement.oldestAgeMs }
        : null,
      reconciler: region.reconciliation
        ? { fixed: region.reconciliation.fixedTotal, unresolved: region.reconciliation.unresolved.length }
        : null,
    };
  });
  if (json) {
    io.out(
      JSON.stringify(
        {
          frontDoor,
          policy: front.policy,
          serving: front.serving,
          link: control?.link ?? null,
          provider: control?.provider ?? null,
          regions,
        },
        null,
        2,
      ),
    );
    return;
  }
  for (const line of statusTable(regions)) io.out(line);
  const provider = control?.provider;
  io.out(
    provider
      ? `payment provider ${provider.url}: ${provider.running ? `running (pid ${provider.pid})` : 'STOPPED (start it: provider start)'}`
      : 'payment provider: unknown (the launcher did not answer)',
  );
  if (front.serving === null) io.err('No region is healthy: none serves.');
}
