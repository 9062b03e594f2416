import type { DomainContext } from '../shared/context';
import { asEntity, loadOrder } from '../store/repositories';
import type { Order } from './order';
import type { OrderWorkflow } from './order-workflow';

export type SagaMode = 'place' | 'cancel';

/** The order events after which an order may await a saga run (its outbox row commits with the request). */
export const SAGA_START_EVENT_TYPES = ['OrderPlaced', 'OrderCancelRequested'] as const;

/**
 * The saga run an order is waiting for in this region: its place run while PENDING, its cancellation run
 * while CONFIRMED with a cancellation requested; nothing otherwise, and nothing for another region's order
 * (only the owning region runs an order's saga).
 */
export function awaitedSaga(order: Order, region: string): SagaMode | undefined {
  if (order.region !== region) return undefined;
  if (order.status === 'PENDING') return 'place';
  if (order.status === 'CONFIRMED' && order.cancelRequested) return 'cancel';
  return undefined;
}

/**
 * Starts the run an order awaits (for the OrderPlaced and OrderCancelRequested events): idempotent by
 * execution name, so a run already under way, or one the API started, is left as it is. Resolves the mode
 * it started, or undefined when the order awaits nothing; throws when the start fails (to be retried).
 */
export async function resumeOrderSaga(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  orderId: string,
): Promise<SagaMode | undefined> {
  const order = await loadOrder(ctx.store, orderId);
  const mode = order && awaitedSaga(order.value, ctx.region);
  if (mode) await workflow.startOrderSaga(orderId, mode);
  return mode;
}

export interface SagaSweepWindow {
  /** Orders younger than this are left to the API and the events, which start them within seconds. */
  minAgeMs: number;
  /** Orders older than this are not looked at (the sweep reads the order index newest first). */
  maxAgeMs: number;
}

export interface SagaSweepResult {
  /** Orders in the window that were read. */
  examined: number;
  /** Runs started (or found under way): the order awaited them. */
  started: Array<{ orderId: string; mode: SagaMode }>;
  failed: Array<{ orderId: string; mode: SagaMode; error: unknown }>;
}

const PAGE_SIZE = 200;

/**
 * The scheduled safety net: starts the run every order of this region in the window awaits, whatever
 * stopped it from starting (the API and the event's starter both failed, the event went to a dead-letter
 * queue). Reads the all-orders index newest first, from `minAgeMs` back to `maxAgeMs`; a failed start is
 * reported and the sweep goes on with the next order.
 */
export async function sweepOrderSagas(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  window: SagaSweepWindow,
): Promise<SagaSweepResult> {
  const now = ctx.clock.now();
  const result: SagaSweepResult = { examined: 0, started: [], failed: [] };
  let cursor: string | undefined;
  do {
    const page = await ctx.store.queryIndex('gsi2', 'ORDERS', { limit: PAGE_SIZE, descending: true, cursor });
    for (const item of page.items) {
      const order = asEntity<Order>(item.data);
      const age = now - Date.parse(order.createdAt);
      if (age > window.maxAgeMs) return result;
      if (age < window.minAgeMs) continue;
      result.examined++;
      const mode = awaitedSaga(order, ctx.region);
      if (!mode) continue;
      try {
        await workflow.startOrderSaga(order.orderId, mode);
        result.started.push({ orderId: order.orderId, mode });
      } catch (error) {
        result.failed.push({ orderId: order.orderId, mode, error });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return result;
}
