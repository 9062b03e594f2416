import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EventLoopLoad } from '../region/event-loop-monitor';
import type { HealthChecker, RegionTarget } from './health-checker';
import { candidateRegions, type RoutingPolicy } from './routing-policy';

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
  },
): void {
  app.get('/frontdoor/status', async (c) => {
    const serving = candidateRegions(options.regions, options.policy, (name) =>
      options.checker.isHealthy(name),
    )[0];
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
      // operator CLI, a test) is sure to receive every event committed after that.
      const heads = await Promise.all(options.regions.map(headSeq));
      await stream.writeSSE({
        event: 'ready',
        data: JSON.stringify({ regions: options.regions.map((region) => region.name) }),
      });
      await Promise.all(
        options.regions.map(async (region, index) => {
          let after = heads[index] ?? 0;
          while (!abort.signal.aborted) {
            // One controller per poll, unhooked when the poll ends: AbortSignal.any() on the stream's signal
            // (which lives as long as the client stays) keeps every combined signal reachable on Node 20.
            const poll = new AbortController();
            const stopPoll = () => poll.abort();
            abort.signal.addEventListener('abort', stopPoll);
            const timer = setTimeout(stopPoll, 5000);
            try {
              const response = await fetch(
                `${region.url}/internal/replication/events?after=${after}&waitMs=1000&limit=200&from=observer`,
                { signal: poll.signal },
              );
              const body = (await response.json()) as { items: Array<{ seq: number; event: unknown }> };
              for (const item of body.items) {
                await stream.writeSSE({ event: 'event', data: JSON.stringify(item.event) });
                after = item.seq;
              }
            } catch {
              // The region is down or restarting: keep trying until the client leaves.
              await new Promise((resolve) => setTimeout(resolve, 1000));
              after = after === 0 ? await headSeq(region) : after;
            } finally {
              clearTimeout(timer);
              abort.signal.removeEventListener('abort', stopPoll);
            }
          }
        }),
      );
    }),
  );
}

async function headSeq(region: RegionTarget): Promise<number> {
  try {
    const response = await fetch(`${region.url}/internal/replication/events/head`, {
      signal: AbortSignal.timeout(1000),
    });
    return ((await response.json()) as { seq: number }).seq;
  } catch {
    return 0;
  }
}
