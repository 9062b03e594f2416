import { type DomainContext, nowIso } from '../shared/context';
import { MeridianError } from '../shared/errors';
import { ConditionFailedError } from '../store/item-store';
import { loadOrder, loadProducts, orderWrite } from '../store/repositories';
import { claimWrite, compareOrderAge, isLive, loadClaims, newClaim } from './idempotency-claims';
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
 * Accepts an order: prices it from the catalog, stores it PENDING together with this region's claim on
 * the Idempotency-Key and the OrderPlaced event in one transaction, then starts the saga. Once committed
 * the order is accepted, even if the saga fails to start (the OrderPlaced event starts it). Replaying the
 * same key and body returns the same order (and tries the start again).
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
  const claim = newClaim(ctx, {
    customerId: input.customerId,
    key: input.idempotencyKey,
    orderId: order.orderId,
    requestFingerprint: input.requestFingerprint,
    createdAt: now,
  });
  try {
    await ctx.store.transact(
      // An expired claim of this region may still be stored (DynamoDB's TTL deletes within days; SQLite
      // never does): take it over only as it was read, so a concurrent request cannot take it too.
      [orderWrite(order, 'absent'), claimWrite(claim, lookup.expect)],
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
 * The order a live claim on the key names (this region's own first, else the oldest), or how to write
 * this region's claim: over nothing (`'absent'`) or over its expired claim at the version read. The same
 * key with another body is refused, whichever region's claim it meets.
 */
async function findReplay(
  ctx: DomainContext,
  input: PlaceOrderInput,
): Promise<{ replay: Order; expect?: never } | { replay?: never; expect: 'absent' | number }> {
  const claims = await loadClaims(ctx, input.customerId, input.idempotencyKey);
  const own = claims.find(({ claim }) => claim.region === ctx.region);
  const live = claims.map(({ claim }) => claim).filter((claim) => isLive(claim, ctx.clock.now()));
  if (live.length === 0) return { expect: own ? own.version : 'absent' };
  if (live.some((claim) => claim.requestFingerprint !== input.requestFingerprint))
    throw new IdempotencyKeyReusedError();
  const named = live.find((claim) => claim.region === ctx.region) ?? [...live].sort(compareOrderAge)[0];
  const orderId = named?.orderId ?? '';
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
