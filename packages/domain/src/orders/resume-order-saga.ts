import type { DomainContext } from '../shared/context';
import { asEntity, loadOrder } from '../store/repositories';
import type { Order } from './order';
import { endedUnfinished, type OrderWorkflow } from './order-workflow';

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
  /**
   * A PENDING order at least this old whose place run has ended (failed, timed out, aborted) gets a
   * cancellation run, which compensates and closes it; absent: not looked for.
   */
  unfinishedAfterMs?: number;
}

export interface SagaSweepResult {
  /** Orders in the window that were read. */
  examined: number;
  /** Runs started (or found under way): the order awaited them. */
  started: Array<{ orderId: string; mode: SagaMode }>;
  /** PENDING orders whose place run had ended without closing them: their cancellation run was started. */
  closed: string[];
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
  const result: SagaSweepResult = { examined: 0, started: [], closed: [], failed: [] };
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
        if (await closeIfUnfinished(workflow, order, age, window)) result.closed.push(order.orderId);
      } catch (error) {
        result.failed.push({ orderId: order.orderId, mode, error });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return result;
}

/**
 * A PENDING order whose place run ended without closing it (its FailOrder failed for good, the run timed
 * out or was aborted) awaits a run that will never come: its name is taken. A cancellation run
 * compensates and closes it (FAILED with a technical reason, or CANCELLED when the customer asked).
 */
async function closeIfUnfinished(
  workflow: OrderWorkflow,
  order: Order,
  age: number,
  window: SagaSweepWindow,
): Promise<boolean> {
  if (order.status !== 'PENDING' || window.unfinishedAfterMs === undefined || age < window.unfinishedAfterMs)
    return false;
  const status = await workflow.describeOrderSaga?.(order.orderId, 'place');
  if (status === undefined || !endedUnfinished(status)) return false;
  await workflow.startOrderSaga(order.orderId, 'cancel');
  return true;
}
