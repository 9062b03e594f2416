import * as z from 'zod';

/**
 * `GET /frontdoor/status` (admins only): the routing policy, which region serves, and each region as the
 * front door's health checker sees it with what the region reports about itself. A field the region
 * reports is null while the region cannot be asked (down, or not answering in time). The operator CLI
 * and the chaos tool parse answers with this schema; the web console takes its type.
 */

const lagMsSchema = z.object({
  last: z.number().optional(),
  p50: z.number().optional(),
  p99: z.number().optional(),
  max: z.number().optional(),
});

/** One peer this region pulls changes from; the region may add diagnostics (cursors, counts). */
export const peerReplicationSchema = z.looseObject({
  peer: z.string(),
  connected: z.boolean(),
  /** Lag of the item changes applied over the last minute, and of the last one. */
  lagMs: lagMsSchema,
  /** How long ago the peer last answered a pull (grows while the link is cut or the peer is down). */
  lastPulledAgoMs: z.number().optional(),
});

export const regionReplicationSchema = z.looseObject({
  peers: z.array(peerReplicationSchema),
  conflicts: z.number(),
});

/** How busy the region's event loop was over its last window. */
export const eventLoopLoadSchema = z.object({
  /** Share of the window the loop spent running code rather than waiting for I/O (0–1). */
  utilization: z.number(),
  /** How late timers fired: roughly how long a request waited behind other work. */
  delayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  windowMs: z.number(),
});

/** What the region's closed orders still owe. */
export const regionSettlementSchema = z.object({
  /** Orders owing at least one compensation. */
  owed: z.number(),
  oldestSince: z.string().nullable(),
  oldestAgeMs: z.number().nullable(),
  /** When the settlement sweep last ran. */
  lastSweepAt: z.string().nullable().optional(),
});

/** The region's payment reconciler. */
export const regionReconciliationSchema = z.object({
  /** When the last pass finished (null before the first). */
  lastRunAt: z.string().nullable(),
  /** Why the last pass failed, if it did (the provider may be down). */
  lastError: z.string().nullable(),
  unresolved: z.array(z.object({ orderId: z.string(), reason: z.string() })),
  fixedTotal: z.number(),
  /** Open orders the reconciler looks at again until they close. */
  watching: z.number(),
});

export const routingPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('failover'), primary: z.string() }),
  z.object({ kind: z.literal('home-region'), defaultRegion: z.string() }),
]);

export const regionStatusSchema = z.object({
  name: z.string(),
  url: z.string(),
  healthy: z.boolean(),
  consecutiveFailures: z.number(),
  lastCheckedAt: z.number().optional(),
  lastError: z.string().optional(),
  lastLatencyMs: z.number().optional(),
  link: z.enum(['up', 'cut']).nullable(),
  /** The highest p99 lag over the region's peers; null when it has none to report. */
  replicationLagMs: z.number().nullable(),
  replication: regionReplicationSchema.nullable(),
  /** Events committed but not yet published by the region's outbox relay. */
  outboxDepth: z.number().nullable(),
  deadLetters: z.number().nullable(),
  eventLoop: eventLoopLoadSchema.nullable(),
  settlement: regionSettlementSchema.nullable(),
  reconciliation: regionReconciliationSchema.nullable(),
});

export const frontDoorStatusSchema = z.object({
  policy: routingPolicySchema,
  /** The region the front door sends traffic to; null when none is healthy. */
  serving: z.string().nullable(),
  regions: z.array(regionStatusSchema),
});

/** `GET /status` of the launcher's control server (`/frontdoor/control/status`, local mode only). */
export const controlStatusSchema = z.object({
  link: z.enum(['up', 'cut']),
  regions: z.array(
    z.object({ name: z.string(), url: z.string(), running: z.boolean(), pid: z.number().nullable() }),
  ),
  provider: z
    .object({ name: z.string(), url: z.string(), running: z.boolean(), pid: z.number().nullable() })
    .optional(),
  /** The launcher and every process it manages, for tools that read their CPU time. */
  processes: z.array(z.object({ name: z.string(), pid: z.number().nullable() })),
});

export type FrontDoorStatus = z.infer<typeof frontDoorStatusSchema>;
export type RegionStatus = z.infer<typeof regionStatusSchema>;
export type RegionReplication = z.infer<typeof regionReplicationSchema>;
export type RegionSettlement = z.infer<typeof regionSettlementSchema>;
export type RegionReconciliation = z.infer<typeof regionReconciliationSchema>;
export type EventLoopLoad = z.infer<typeof eventLoopLoadSchema>;
export type RoutingPolicy = z.infer<typeof routingPolicySchema>;
export type ControlStatus = z.infer<typeof controlStatusSchema>;
