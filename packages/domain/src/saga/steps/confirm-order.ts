import { advance } from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { nowIso, withConflictRetry } from '../../shared/context';
import { orderWrite } from '../../store/repositories';
import {
  assertForward,
  assertNotCancelled,
  loadSagaOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
} from '../saga-step';
import { commitInventoryWrites } from './reserve-inventory';

/** Forward, last: the reserved stock becomes sold and the order CONFIRMED, in one transaction. */
export async function confirmOrder(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { ctx } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    assertForward(order);
    if (order.status === 'CONFIRMED') return { orderId: order.orderId, outcome: 'already-applied' };
    assertNotCancelled(order);
    const stockWrites = await commitInventoryWrites(ctx, order);
    const next = advance(order, 'CONFIRMED', { status: 'CONFIRMED', inventory: 'COMMITTED' }, nowIso(ctx));
    await ctx.store.transact(
      [...stockWrites, orderWrite(next, version)],
      [orderEvent(ctx, 'OrderConfirmed', next)],
    );
    return { orderId: order.orderId, outcome: 'applied', status: 'CONFIRMED' };
  });
}
