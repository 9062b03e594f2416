import type {
  allotmentSchema,
  deadLetterSchema,
  EventEnvelope,
  executionEventSchema,
  executionSchema,
  orderSchema,
  PlaceOrderBody,
  productSchema,
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
}

export type RoutingPolicy =
  | { kind: 'failover'; primary: string }
  | { kind: 'home-region'; defaultRegion: string };

export interface FrontDoorStatus {
  policy: RoutingPolicy;
  serving: string | null;
  regions: RegionStatus[];
}

export interface DemoUser {
  id: string;
  name: string;
  groups: string[];
}
