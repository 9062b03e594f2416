import { type DomainContext, nowIso } from '../shared/context';
import { MeridianError } from '../shared/errors';
import { ConditionFailedError } from '../store/item-store';
import { keys } from '../store/keys';
import { loadOrder, loadProducts, orderWrite } from '../store/repositories';
import { createOrder, newOrderId, type Order, OrderNotFoundError, type ShippingAddress } from './order';
import { orderEvent } from './order-events';
import { type OrderWorkflow, startSagaAfterCommit } from './order-workflow';

export interface PlaceOrderInput {
  customerId: string;
  idempotencyKey: string;
  /** A hash of the request body: the same key with another body is refused. */
  requestFingerprint: string;
  items: ReadonlyArray<{ sku: string; quantity: number }>;
  shippingAddress: ShippingAddress;
  paymentMethod: string;
}

export class IdempotencyKeyReusedError extends MeridianError {
  constructor() {
    super('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.');
  }
}

/**
 * Idempotency records live a day, like Stripe's: after that the key is free again. DynamoDB's TTL removes
 * expired records eventually; until then (and in SQLite, which never removes them) `findReplay` ignores them.
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Whether a key record that replaced another one for the same customer + key means two orders took one
 * key at once (two regions accepted the same retry before either record replicated), rather than the key
 * being taken again after the first record expired. `replaced` is the record that lost; `winner` the one
 * that replaced it. Records without the times are treated as concurrent (older data).
 */
export function isDuplicateKeyUse(
  replaced: { expiresAt?: unknown },
  winner: { createdAt?: unknown },
): boolean {
  if (typeof replaced.expiresAt !== 'number' || typeof winner.createdAt !== 'string') return true;
  const takenAt = Date.parse(winner.createdAt);
  return Number.isNaN(takenAt) || takenAt < replaced.expiresAt * 1000;
}

/**
 * Accepts an order: prices it from the catalog, stores it PENDING together with its idempotency record
 * and the OrderPlaced event in one transaction, then starts the saga. Once committed the order is
 * accepted, even if the saga fails to start (the OrderPlaced event starts it). Replaying the same key
 * and body returns the same order (and tries the start again).
 */
export async function placeOrder(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  input: PlaceOrderInput,
): Promise<{ order: Order; created: boolean }> {
  const lookup = await findReplay(ctx, input);
  if (lookup.replay) return ensureSagaStarted(ctx, workflow, lookup.replay, false);

  const products = await loadProducts(
    ctx.store,
    input.items.map((item) => item.sku),
  );
  const now = nowIso(ctx);
  const order = createOrder(
    {
      orderId: newOrderId(ctx.region, ctx.ids.next()),
      region: ctx.region,
      customerId: input.customerId,
      idempotencyKey: input.idempotencyKey,
      items: input.items,
      shippingAddress: input.shippingAddress,
      paymentMethod: input.paymentMethod,
      now,
    },
    products,
  );
  const idempotencyKey = keys.idempotency(input.customerId, input.idempotencyKey);
  try {
    await ctx.store.transact(
      [
        orderWrite(order, 'absent'),
        {
          ...idempotencyKey,
          data: {
            orderId: order.orderId,
            requestFingerprint: input.requestFingerprint,
            createdAt: now,
            // Seconds since the epoch: the DynamoDB store copies it to the table's TTL attribute.
            expiresAt: Math.floor(ctx.clock.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
          },
          // An expired record may still be stored (DynamoDB's TTL deletes within days; SQLite never
          // does): take it over only as it was read, so a concurrent request cannot take it too.
          expect: lookup.expect,
        },
      ],
      [
        orderEvent(ctx, 'OrderPlaced', order, {
          lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        }),
      ],
    );
  } catch (error) {
    // A concurrent request with the same key won the race: answer with its order.
    if (!(error instanceof ConditionFailedError)) throw error;
    const winner = (await findReplay(ctx, input)).replay;
    if (!winner) throw error;
    return ensureSagaStarted(ctx, workflow, winner, false);
  }
  return ensureSagaStarted(ctx, workflow, order, true);
}

/**
 * The order a live idempotency record names, or how to write a new record: over nothing (`'absent'`) or
 * over an expired record at the version read. A record past its `expiresAt` counts as absent.
 */
async function findReplay(
  ctx: DomainContext,
  input: PlaceOrderInput,
): Promise<{ replay: Order; expect?: never } | { replay?: never; expect: 'absent' | number }> {
  const key = keys.idempotency(input.customerId, input.idempotencyKey);
  const record = await ctx.store.get(key.pk, key.sk);
  if (!record) return { expect: 'absent' };
  const expiresAt = record.data.expiresAt;
  if (typeof expiresAt === 'number' && expiresAt * 1000 <= ctx.clock.now()) return { expect: record.version };
  if (record.data.requestFingerprint !== input.requestFingerprint) throw new IdempotencyKeyReusedError();
  const orderId = String(record.data.orderId);
  const order = await loadOrder(ctx.store, orderId);
  if (!order) throw new OrderNotFoundError(orderId);
  return { replay: order.value };
}

async function ensureSagaStarted(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  order: Order,
  created: boolean,
): Promise<{ order: Order; created: boolean }> {
  // Starting is idempotent by name, so a replay of a PENDING order also heals a saga that never started.
  // Only the owning region runs an order's saga (one writer per item). The order is committed: a start
  // that fails does not fail the request (startSagaAfterCommit says who starts it instead).
  if (order.status === 'PENDING' && order.region === ctx.region)
    await startSagaAfterCommit(workflow, order.orderId, 'place');
  return { order, created };
}
