import * as z from 'zod';

/** Every event `source` Meridian publishes. */
export const EVENT_SOURCES = {
  orders: 'meridian.orders',
  catalog: 'meridian.catalog',
  inventory: 'meridian.inventory',
} as const;

const compensationStepSchema = z.enum(['refundPayment', 'cancelShipment', 'voidPayment', 'releaseInventory']);

const orderEventBase = z.object({
  schemaVersion: z.literal(1),
  orderId: z.string(),
  customerId: z.string(),
  /** The region that owns (writes) the order. */
  region: z.string(),
  status: z.enum(['PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED']),
  totalMinor: z.number().int().nonnegative(),
  currency: z.string(),
});

/** Order events: one detail schema per detail-type, each versioned by `schemaVersion`. */
export const orderEventSchemas = {
  OrderPlaced: orderEventBase.extend({
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })),
  }),
  OrderInventoryReserved: orderEventBase,
  OrderPaymentAuthorized: orderEventBase.extend({ authorizationId: z.string() }),
  OrderShipmentCreated: orderEventBase.extend({ carrier: z.string(), trackingNumber: z.string() }),
  OrderPaymentCaptured: orderEventBase.extend({ authorizationId: z.string() }),
  OrderConfirmed: orderEventBase,
  OrderCancelRequested: orderEventBase,
  OrderInventoryReleased: orderEventBase,
  // reconciled: the payment reconciler found the money still held at the provider and released it.
  OrderPaymentVoided: orderEventBase.extend({ reconciled: z.boolean().optional() }),
  OrderPaymentRefunded: orderEventBase.extend({
    amountMinor: z.number().int().nonnegative(),
    reconciled: z.boolean().optional(),
  }),
  OrderShipmentCancelled: orderEventBase,
  OrderShipped: orderEventBase.extend({ carrier: z.string(), trackingNumber: z.string() }),
  // A shipped order was cancelled (a duplicate of another order): the parcel is to come back.
  OrderReturnRequested: orderEventBase.extend({ carrier: z.string(), trackingNumber: z.string() }),
  // compensationFailures: the compensations that could not finish before the order closed
  // (`<step>: <error>`); owed: the same steps, which settlement retries until they succeed.
  OrderFailed: orderEventBase.extend({
    reason: z.string(),
    compensationFailures: z.array(z.string()).optional(),
    owed: z.array(compensationStepSchema).optional(),
  }),
  OrderCancelled: orderEventBase.extend({
    refundedMinor: z.number().int().nonnegative(),
    compensationFailures: z.array(z.string()).optional(),
    owed: z.array(compensationStepSchema).optional(),
    duplicateOf: z.string().optional(),
  }),
  // Every compensation a closed order still owed has now run.
  OrderSettled: orderEventBase.extend({
    refundedMinor: z.number().int().nonnegative(),
    settled: z.array(compensationStepSchema),
  }),
} as const;

export type OrderEventType = keyof typeof orderEventSchemas;
export type OrderEventDetail<T extends OrderEventType = OrderEventType> = z.infer<
  (typeof orderEventSchemas)[T]
>;

export const catalogEventSchemas = {
  ProductCreated: z.object({
    schemaVersion: z.literal(1),
    sku: z.string(),
    name: z.string(),
    priceMinor: z.number().int(),
  }),
  ProductUpdated: z.object({
    schemaVersion: z.literal(1),
    sku: z.string(),
    name: z.string(),
    priceMinor: z.number().int(),
  }),
} as const;

export const inventoryEventSchemas = {
  StockRestocked: z.object({
    schemaVersion: z.literal(1),
    sku: z.string(),
    allotments: z.array(z.object({ region: z.string(), quantity: z.number().int() })),
  }),
  StockTransferred: z.object({
    schemaVersion: z.literal(1),
    transferId: z.string(),
    sku: z.string(),
    fromRegion: z.string(),
    toRegion: z.string(),
    quantity: z.number().int().positive(),
    createdAt: z.string(),
  }),
} as const;

export const allEventSchemas = {
  ...orderEventSchemas,
  ...catalogEventSchemas,
  ...inventoryEventSchemas,
} as const;
export type EventDetailType = keyof typeof allEventSchemas;

/** Validates an event's detail against the schema of its detail-type; unknown types are rejected. */
export function parseEventDetail(detailType: string, detail: unknown): Record<string, unknown> {
  const schema = (allEventSchemas as Record<string, z.ZodType<Record<string, unknown>>>)[detailType];
  if (!schema) throw new Error(`unknown event detail-type: ${detailType}`);
  return schema.parse(detail);
}
