import type {
  allotmentSchema,
  ControlStatus,
  deadLetterSchema,
  EventEnvelope,
  executionEventSchema,
  executionSchema,
  FrontDoorStatus,
  orderSchema,
  PlaceOrderBody,
  productSchema,
  RegionReconciliation,
  RegionSettlement,
  RegionStatus,
  RoutingPolicy,
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
/** The front door's region status and the launcher's control status, as `@meridian/contracts` describes them. */
export type {
  ControlStatus,
  EventEnvelope,
  FrontDoorStatus,
  PlaceOrderBody,
  RegionReconciliation,
  RegionSettlement,
  RegionStatus,
  RoutingPolicy,
};

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface DemoUser {
  id: string;
  name: string;
  groups: string[];
}
