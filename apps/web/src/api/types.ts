import type {
  allotmentSchema,
  deadLetterSchema,
  EventEnvelope,
  executionEventSchema,
  executionSchema,
  orderSchema,
  PlaceOrderBody,
  productSchema,
  reconciliationReportSchema,
  settlementSchema,
} from '@meridian/contracts';
import type * as z from 'zod';

// Type-only imports: the API's own zod schemas describe what the app reads, and nothing of zod is bundled.
export type Product = z.infer<typeof productSchema>;
export type Allotment = z.infer<typeof allotmentSchema>;
export type Order = z.infer<typeof orderSchema>;
export type OrderStatus = Order['status'];
export type TimelineEntry = Order['timeline'][number];
export type DeadLetter = z.infer<typeof deadLetterSchema>;
export type Execution = z.infer<typeof executionSchema>;
export type ExecutionEvent = z.infer<typeof executionEventSchema>;
/** A compensation a closed order still owes (refundPayment, cancelShipment, voidPayment, releaseInventory). */
export type CompensationStep = NonNullable<Order['settlement']>['owed'][number];
/** One owed settlement as `GET /admin/settlements` lists it. */
export type Settlement = z.infer<typeof settlementSchema>;
export type ReconciliationReport = z.infer<typeof reconciliationReportSchema>;
/** `GET /admin/reconciliation`: the last pass of the answering region's reconciler (null before the first). */
export interface Reconciliation {
  report: ReconciliationReport | null;
  watching: number;
}
export type { EventEnvelope, PlaceOrderBody };

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** One region as the front door's health checker sees it (apps/local/src/front-door/health-checker.ts). */
export interface RegionStatus {
  name: string;
  url: string;
  healthy: boolean;
  consecutiveFailures: number;
  lastCheckedAt?: number;
  lastError?: string;
  lastLatencyMs?: number;
  /** Added with two-region replication: absent, or null while the region cannot be asked. */
  replicationLagMs?: number | null;
  link?: 'up' | 'cut' | null;
  /** Events committed but not yet published by the region's outbox relay. */
  outboxDepth?: number | null;
  deadLetters?: number | null;
  /** What the region's closed orders still owe (null while the region cannot be asked). */
  settlement?: RegionSettlement | null;
  /** The region's payment reconciler (null while the region cannot be asked). */
  reconciliation?: RegionReconciliation | null;
}

export interface RegionSettlement {
  /** Orders owing at least one compensation. */
  owed: number;
  oldestSince: string | null;
  oldestAgeMs: number | null;
  /** When the settlement sweep last ran. */
  lastSweepAt?: string | null;
}

export interface RegionReconciliation {
  /** When the last pass finished (null before the first). */
  lastRunAt: string | null;
  /** Why the last pass failed, if it did (the provider may be down). */
  lastError: string | null;
  unresolved: Array<{ orderId: string; reason: string }>;
  fixedTotal: number;
  /** Open orders the reconciler looks at again until they close. */
  watching: number;
}

export type RoutingPolicy =
  | { kind: 'failover'; primary: string }
  | { kind: 'home-region'; defaultRegion: string };

export interface FrontDoorStatus {
  policy: RoutingPolicy;
  serving: string | null;
  regions: RegionStatus[];
}

/** The launcher's control plane (`GET /frontdoor/control/status`, local mode only). */
export interface ControlStatus {
  link: 'up' | 'cut';
  regions: Array<{ name: string; url: string; running: boolean; pid: number | null }>;
  provider?: { name: string; url: string; running: boolean; pid: number | null };
}

export interface DemoUser {
  id: string;
  name: string;
  groups: string[];
}
