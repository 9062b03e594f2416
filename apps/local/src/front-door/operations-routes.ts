import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EventLoopLoad } from '../region/event-loop-monitor';
import type { HealthChecker, RegionTarget } from './health-checker';
import {
  DEFAULT_REGION_EVENTS_OPTIONS,
  followRegionEvents,
  type RegionEventsOptions,
  readHeadSeq,
} from './region-events';
import { type RoutingPolicy, servingRegion } from './routing-policy';

interface RegionInternalStatus {
  link: 'up' | 'cut';
  replication: {
    peers: Array<{
      peer: string;
      connected: boolean;
      lagMs: { last?: number; p50?: number; p99?: number; max?: number };
      lastPulledAgoMs?: number;
    }>;
    conflicts: number;
  };
  outbox: { unpublished: number };
  bus: { pendingDeliveries: number; deadLetters: number; archivedEvents: number };
  eventLoop?: EventLoopLoad | null;
  settlement?: { owed: number; oldestSince: string | null; oldestAgeMs: number | null };
  reconciliation?: {
    lastRunAt: string | null;
    lastError: string | null;
    unresolved: Array<{ orderId: string; reason: string }>;
    fixedTotal: number;
    watching: number;
  };
}

async function internalStatus(region: RegionTarget): Promise<RegionInternalStatus | undefined> {
  try {
    const response = await fetch(`${region.url}/internal/status`, { signal: AbortSignal.timeout(500) });
    return response.ok ? ((await response.json()) as RegionInternalStatus) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Operator endpoints of the front door: region status with replication lag, the control plane (local
 * mode: kill/start regions, cut/heal the link) and a live stream of every region's events.
 */
export function registerOperationsRoutes(
  app: Hono,
  options: {
    regions: readonly RegionTarget[];
    policy: RoutingPolicy;
    checker: HealthChecker;
    controlUrl?: string;
    /** How the live event stream polls the regions (tests shorten the pauses). */
    regionEvents?: RegionEventsOptions;
  },
): void {
  app.get('/frontdoor/status', async (c) => {
    // None when no region is healthy: the unhealthy ones are tried as a last resort, but none "serves".
    const serving = servingRegion(options.regions, options.policy, (name) => options.checker.isHealthy(name));
    const health = options.checker.snapshot();
    const regions = await Promise.all(
      health.map(async (region) => {
        const status = await internalStatus(region);
        const lags =
          status?.replication.peers.map((peer) => peer.lagMs.p99).filter((lag) => lag !== undefined) ?? [];
        return {
          ...region,
          link: status?.link ?? null,
          replicationLagMs: lags.length > 0 ? Math.max(...(lags as number[])) : null,
          replication: status?.replication ?? null,
          outboxDepth: status?.outbox.unpublished ?? null,
          deadLetters: status?.bus.deadLetters ?? null,
          eventLoop: status?.eventLoop ?? null,
          settlement: status?.settlement ?? null,
          reconciliation: status?.reconciliation ?? null,
        };
      }),
    );
    return c.json({ policy: options.policy, serving: serving?.name ?? null, regions });
  });

  app.all('/frontdoor/control/*', async (c) => {
    if (!options.controlUrl)
      return c.json({ code: 'not_available', detail: 'No control plane in this mode.' }, 404);
    const path = c.req.path.replace('/frontdoor/control', '');
    try {
      const response = await fetch(`${options.controlUrl}${path}`, {
        method: c.req.method,
        signal: AbortSignal.timeout(90_000),
      });
      return new Response(response.body, { status: response.status, headers: response.headers });
    } catch (error) {
      const detail = `The control plane did not answer: ${error instanceof Error ? error.message : String(error)}`;
      return c.json({ code: 'control_unavailable', detail }, 502);
    }
  });

  // Server-Sent Events: one message per event committed in any region, as each region publishes it.
  app.get('/frontdoor/events', (c) =>
    streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      // Every region's current head first, then `ready`: a client that acts once it sees `ready` (the
      // operator CLI, a test) is sure to receive every event committed after that. A region that does not
      // answer has no known position yet: its events are streamed from the head it first answers.
      const heads = await Promise.all(options.regions.map((region) => readHeadSeq(region, abort.signal)));
      await stream.writeSSE({
        event: 'ready',
        data: JSON.stringify({ regions: options.regions.map((region) => region.name) }),
      });
      await Promise.all(
        options.regions.map((region, index) =>
          followRegionEvents(
            region,
            heads[index],
            (event) => stream.writeSSE({ event: 'event', data: JSON.stringify(event) }),
            abort.signal,
            options.regionEvents ?? DEFAULT_REGION_EVENTS_OPTIONS,
          ),
        ),
      );
    }),
  );
}
