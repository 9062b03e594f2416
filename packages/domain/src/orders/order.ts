import type { Product } from '../catalog/product';
import { MeridianError } from '../shared/errors';
import { multiplyMinor, sumMinor } from '../shared/money';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'FAILED' | 'CANCELLED';
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'FAILED', 'CANCELLED'];

/** What happened to an order, in order; the saga appends one entry per effective step. */
export type TimelineEntryType =
  | 'PLACED'
  | 'INVENTORY_RESERVED'
  | 'PAYMENT_AUTHORIZED'
  | 'SHIPMENT_CREATED'
  | 'PAYMENT_CAPTURED'
  | 'CONFIRMED'
  | 'CANCEL_REQUESTED'
  | 'PAYMENT_REFUNDED'
  | 'SHIPMENT_CANCELLED'
  | 'PAYMENT_VOIDED'
  | 'INVENTORY_RELEASED'
  | 'SHIPPED'
  | 'FAILED'
  | 'CANCELLED'
  | 'SETTLED'
  | 'RETURN_REQUESTED';

export interface TimelineEntry {
  type: TimelineEntryType;
  at: string;
  detail?: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  unitPriceMinor: number;
  quantity: number;
  lineTotalMinor: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

/** Where the order's stock is: reserved in the owning region's allotments, then sold, or given back. */
export type InventoryState = 'NONE' | 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'RESTORED';

export interface OrderPayment {
  authorizationId: string;
  status: 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED';
  amountMinor: number;
  refundedMinor: number;
}

export interface OrderShipment {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  /** RETURN_REQUESTED: the parcel had left when the order was cancelled; a return is expected. */
  status: 'CREATED' | 'SHIPPED' | 'CANCELLED' | 'RETURN_REQUESTED';
}

/** The saga's compensations, in the order they run (statemachines/order-saga.asl.json). */
export const COMPENSATION_STEPS = [
  'refundPayment',
  'cancelShipment',
  'voidPayment',
  'releaseInventory',
] as const;
export type CompensationStep = (typeof COMPENSATION_STEPS)[number];

/**
 * What a closed order still owes: compensations that could not finish when it closed. They are retried
 * until they succeed (see settlement/settle-order.ts); the order never claims them done before.
 */
export interface OrderSettlement {
  status: 'PENDING' | 'SETTLED';
  /** The compensations not yet done (empty once settled). */
  owed: CompensationStep[];
  /** When the order closed owing them. */
  since: string;
  settledAt?: string;
}

export interface Order {
  orderId: string;
  /** The region that accepted the order; the only region that writes it. */
  region: string;
  customerId: string;
  /**
   * The Idempotency-Key it was placed with (absent on orders stored before keys were kept): if two
   * regions accept one key, the order whose key record lost the collision finds the winner through it.
   */
  idempotencyKey?: string;
  status: OrderStatus;
  cancelRequested: boolean;
  lines: OrderLine[];
  currency: string;
  subtotalMinor: number;
  shippingMinor: number;
  totalMinor: number;
  shippingAddress: ShippingAddress;
  paymentMethod: string;
  inventory: InventoryState;
  payment?: OrderPayment;
  shipment?: OrderShipment;
  failureReason?: string;
  /**
   * Set once, when the saga first compensates the order. Compensation is one-way: from then on no
   * forward step acts on the order again (not a resumed execution, a repeated start or an admin route).
   */
  compensation?: { startedAt: string };
  /** Present once the order closed owing a compensation; PENDING until every one has run. */
  settlement?: OrderSettlement;
  /** The order that kept this order's Idempotency-Key, when two regions accepted one key and this one lost. */
  duplicateOf?: string;
  timeline: TimelineEntry[];
  createdAt: string;
  updatedAt: string;
}

export class OrderNotFoundError extends MeridianError {
  constructor(readonly orderId: string) {
    super('order_not_found', `No order ${orderId}.`);
  }
}

export class InvalidOrderError extends MeridianError {
  constructor(message: string) {
    super('invalid_order', message);
  }
}

export class OrderNotCancellableError extends MeridianError {
  constructor(message: string) {
    super('order_not_cancellable', message);
  }
}

/** The customer asked to cancel while the saga was running; the saga compensates and ends CANCELLED. */
export class OrderCancelledError extends MeridianError {
  constructor(orderId: string) {
    super('order_cancelled', `Order ${orderId} was cancelled at the customer's request.`);
  }
}

/** A saga step found the order already FAILED or CANCELLED: nothing more may be done for it. */
export class OrderClosedError extends MeridianError {
  constructor(orderId: string, status: string) {
    super('order_closed', `Order ${orderId} is already ${status}: no further step is taken for it.`);
  }
}

/** A forward step found that the order's compensation has begun: it never runs forward again. */
export class OrderCompensatingError extends MeridianError {
  constructor(orderId: string, detail = 'its compensation has begun') {
    super('order_compensating', `Order ${orderId} is not taken forward: ${detail}.`);
  }
}

/** Free shipping from this subtotal; below it a flat fee. */
export const FREE_SHIPPING_FROM_MINOR = 5_000;
export const FLAT_SHIPPING_MINOR = 499;
export const MAX_LINES_PER_ORDER = 50;
export const MAX_QUANTITY_PER_LINE = 100;

export interface NewOrderInput {
  orderId: string;
  region: string;
  customerId: string;
  idempotencyKey?: string;
  items: ReadonlyArray<{ sku: string; quantity: number }>;
  shippingAddress: ShippingAddress;
  paymentMethod: string;
  now: string;
}

/** Prices an order from the catalog (never from the client) and opens it as PENDING. */
export function createOrder(input: NewOrderInput, products: ReadonlyMap<string, Product>): Order {
  if (input.items.length === 0) throw new InvalidOrderError('An order needs at least one item.');
  if (input.items.length > MAX_LINES_PER_ORDER) {
    throw new InvalidOrderError(`An order may have at most ${MAX_LINES_PER_ORDER} lines.`);
  }
  const seen = new Set<string>();
  const lines = input.items.map(({ sku, quantity }): OrderLine => {
    if (seen.has(sku))
      throw new InvalidOrderError(`SKU ${sku} appears more than once; combine the quantities.`);
    seen.add(sku);
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY_PER_LINE) {
      throw new InvalidOrderError(
        `Quantity for ${sku} must be an integer from 1 to ${MAX_QUANTITY_PER_LINE}.`,
      );
    }
    const product = products.get(sku);
    if (!product?.active) throw new InvalidOrderError(`Unknown or unavailable SKU: ${sku}.`);
    return {
      sku,
      name: product.name,
      unitPriceMinor: product.priceMinor,
      quantity,
      lineTotalMinor: multiplyMinor(product.priceMinor, quantity),
    };
  });
  const currencies = new Set(lines.map((line) => products.get(line.sku)?.currency));
  if (currencies.size !== 1) throw new InvalidOrderError('All items in an order must share one currency.');
  const currency = [...currencies][0] as string;
  const subtotalMinor = sumMinor(lines.map((line) => line.lineTotalMinor));
  const shippingMinor = subtotalMinor >= FREE_SHIPPING_FROM_MINOR ? 0 : FLAT_SHIPPING_MINOR;
  return {
    orderId: input.orderId,
    region: input.region,
    customerId: input.customerId,
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    status: 'PENDING',
    cancelRequested: false,
    lines,
    currency,
    subtotalMinor,
    shippingMinor,
    totalMinor: sumMinor([subtotalMinor, shippingMinor]),
    shippingAddress: input.shippingAddress,
    paymentMethod: input.paymentMethod,
    inventory: 'NONE',
    timeline: [{ type: 'PLACED', at: input.now }],
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export function isTerminal(order: Pick<Order, 'status'>): boolean {
  return TERMINAL_STATUSES.includes(order.status);
}

/** Returns a copy with the changes applied and one timeline entry appended. */
export function advance(
  order: Order,
  entry: TimelineEntryType,
  changes: Partial<Order>,
  now: string,
  detail?: string,
): Order {
  const timelineEntry: TimelineEntry =
    detail === undefined ? { type: entry, at: now } : { type: entry, at: now, detail };
  return { ...order, ...changes, timeline: [...order.timeline, timelineEntry], updatedAt: now };
}

/** Order ids carry their owning region so any region can tell who writes an order. */
export function newOrderId(region: string, uniqueId: string): string {
  return `ord_${uniqueId}_${region}`;
}

export function regionOfOrderId(orderId: string): string | undefined {
  const match = /^ord_[0-9A-Za-z]+_([a-z0-9-]+)$/.exec(orderId);
  return match?.[1];
}
