import type {
  EventLoopLoad,
  FrontDoorStatus,
  RegionReconciliation,
  RegionReplication,
  RegionSettlement,
  RegionStatus,
} from '@meridian/contracts';
import type { TokenVerifier } from '@meridian/domain';
import type { Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { regionKeyHeaders } from '../auth/region-key';
import type { ClientLimits } from './client-limits';
import type { HealthChecker, RegionTarget } from './health-checker';
import { type FrontDoorEnv, problemAnswer, requirePrincipal } from './operator-access';
import {
  DEFAULT_REGION_EVENTS_OPTIONS,
  followRegionEvents,
  type RegionEventsOptions,
  readHeadSeq,
} from './region-events';
import { type RoutingPolicy, servingRegion } from './routing-policy';

/** A region's `/internal/status`, as far as the front door passes it on. */
interface RegionInternalStatus {
  link: 'up' | 'cut';
  replication: RegionReplication;
  outbox: { unpublished: number };
  bus: { pendingDeliveries: number; deadLetters: number; archivedEvents: number };
  eventLoop?: EventLoopLoad | null;
  settlement?: RegionSettlement;
  reconciliation?: RegionReconciliation;
}

async function internalStatus(
  region: RegionTarget,
  regionKey: string,
): Promise<RegionInternalStatus | undefined> {
  try {
    const response = await fetch(`${region.url}/internal/status`, {
      headers: regionKeyHeaders(regionKey),
      signal: AbortSignal.timeout(500),
    });
    return response.ok ? ((await response.json()) as RegionInternalStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a principal may see an event: an admin every event, a customer the events of their own orders. */
export function mayWatch(principal: { subject: string; isAdmin: boolean }, event: unknown): boolean {
  if (principal.isAdmin) return true;
  const { source, detail } = (event ?? {}) as { source?: unknown; detail?: { customerId?: unknown } };
  return source === 'meridian.orders' && detail?.customerId === principal.subject;
}

/**
 * Operator endpoints of the front door: region status with replication lag and the control plane (local
 * mode: kill/start regions, cut/heal the link), for admins only; and a live stream of the regions' events,
 * for any signed-in principal (a customer sees their own orders' events, an admin every event).
 */
export function registerOperationsRoutes(
  app: Hono<FrontDoorEnv>,
  options: {
    regions: readonly RegionTarget[];
    policy: RoutingPolicy;
    checker: HealthChecker;
    /** Verifies the bearer tokens of operators and customers. */
    verifier: TokenVerifier;
    /** Caps each principal's live event streams. */
    limits: ClientLimits;
    /** The regions' key, for their /internal routes. */
    regionKey: string;
    controlUrl?: string;
    /** How the live event stream polls the regions (tests shorten the pauses). */
    regionEvents?: RegionEventsOptions;
  },
): void {
  const admin = requirePrincipal(options.verifier, { admin: true });
  app.use('/frontdoor/status', admin);
  app.use('/frontdoor/control/*', admin);
  app.use('/frontdoor/events', requirePrincipal(options.verifier, { admin: false }));
  const internal = regionKeyHeaders(options.regionKey);

  app.get('/frontdoor/status', async (c) => {
    // None when no region is healthy: the unhealthy ones are tried as a last resort, but none "serves".
    const serving = servingRegion(options.regions, options.policy, (name) => options.checker.isHealthy(name));
    const health = options.checker.snapshot();
    const regions = await Promise.all(
      health.map(async (region): Promise<RegionStatus> => {
        const status = await internalStatus(region, options.regionKey);
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
    const answer: FrontDoorStatus = { policy: options.policy, serving: serving?.name ?? null, regions };
    return c.json(answer);
  });

  app.all('/frontdoor/control/*', async (c) => {
    if (!options.controlUrl)
      return problemAnswer(c, {
        status: 404,
        code: 'not_available',
        detail: 'No control plane in this mode.',
      });
    const path = c.req.path.replace('/frontdoor/control', '');
    try {
      // The admin's token goes along: the control server checks it too, and takes nothing else from here.
      const response = await fetch(`${options.controlUrl}${path}`, {
        method: c.req.method,
        headers: { authorization: c.req.header('authorization') ?? '' },
        signal: AbortSignal.timeout(90_000),
      });
      return new Response(response.body, { status: response.status, headers: response.headers });
    } catch (error) {
      const detail = `The control plane did not answer: ${error instanceof Error ? error.message : String(error)}`;
      return problemAnswer(c, { status: 502, code: 'control_unavailable', detail });
    }
  });

  // Server-Sent Events: one message per event committed in any region, as each region publishes it.
  app.get('/frontdoor/events', (c) => {
    const principal = c.get('principal');
    const release = options.limits.openStream(principal.subject);
    if (!release)
      return problemAnswer(
        c,
        {
          status: 429,
          code: 'too_many_streams',
          detail: `At most ${options.limits.eventStreamsPerPrincipal} live event streams per user; close one first.`,
        },
        { 'retry-after': '5' },
      );
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      // The stream's place is given back when the client leaves or the stream fails, whichever comes first.
      abort.signal.addEventListener('abort', release, { once: true });
      try {
        await followEveryRegion(stream, abort.signal, (event) => mayWatch(principal, event));
      } finally {
        release();
      }
    });
  });

  const followEveryRegion = async (
    stream: SSEStreamingApi,
    signal: AbortSignal,
    shown: (event: unknown) => boolean,
  ): Promise<void> => {
    // Every region's current head first, then `ready`: a client that acts once it sees `ready` (the
    // operator CLI, a test) is sure to receive every event committed after that. A region that does not
    // answer has no known position yet: its events are streamed from the head it first answers.
    const heads = await Promise.all(options.regions.map((region) => readHeadSeq(region, signal, internal)));
    await stream.writeSSE({
      event: 'ready',
      data: JSON.stringify({ regions: options.regions.map((region) => region.name) }),
    });
    await Promise.all(
      options.regions.map((region, index) =>
        followRegionEvents(
          region,
          heads[index],
          async (event) => {
            if (shown(event)) await stream.writeSSE({ event: 'event', data: JSON.stringify(event) });
          },
          signal,
          options.regionEvents ?? DEFAULT_REGION_EVENTS_OPTIONS,
          internal,
        ),
      ),
    );
  };
}
