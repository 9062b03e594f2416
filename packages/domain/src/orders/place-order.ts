import { type DomainContext, nowIso } from '../shared/context';
import { MeridianError } from '../shared/errors';
import { ConditionFailedError } from '../store/item-store';
import { keys } from '../store/keys';
import { loadOrder, loadProducts, orderWrite } from '../store/repositories';
import { createOrder, newOrderId, type Order, OrderNotFoundError, type ShippingAddress } from './order';
import { orderEvent } from './order-events';
import type { OrderWorkflow } from './order-workflow';

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

/** Idempotency records live a day, like Stripe's; DynamoDB's TTL removes them (seconds since epoch). */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Accepts an order: prices it from the catalog, stores it PENDING together with its idempotency record
 * and the OrderPlaced event in one transaction, then starts the saga. Replaying the same key and body
 * returns the same order (and makes sure its saga runs).
 */
export async function placeOrder(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  input: PlaceOrderInput,
): Promise<{ order: Order; created: boolean }> {
  const replay = await findReplay(ctx, input);
  if (replay) return ensureSagaStarted(ctx, workflow, replay, false);

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
            expiresAt: Math.floor(ctx.clock.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
          },
          expect: 'absent',
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
    const winner = await findReplay(ctx, input);
    if (!winner) throw error;
    return ensureSagaStarted(ctx, workflow, winner, false);
  }
  return ensureSagaStarted(ctx, workflow, order, true);
}

async function findReplay(ctx: DomainContext, input: PlaceOrderInput): Promise<Order | undefined> {
  const key = keys.idempotency(input.customerId, input.idempotencyKey);
  const record = await ctx.store.get(key.pk, key.sk);
  if (!record) return undefined;
  if (record.data.requestFingerprint !== input.requestFingerprint) throw new IdempotencyKeyReusedError();
  const orderId = String(record.data.orderId);
  const order = await loadOrder(ctx.store, orderId);
  if (!order) throw new OrderNotFoundError(orderId);
  return order.value;
}

async function ensureSagaStarted(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  order: Order,
  created: boolean,
): Promise<{ order: Order; created: boolean }> {
  // Starting is idempotent by name, so a replay of a PENDING order also heals a saga that never started.
  // Only the owning region runs an order's saga (one writer per item).
  if (order.status === 'PENDING' && order.region === ctx.region)
    await workflow.startOrderSaga(order.orderId, 'place');
  return { order, created };
}
