import {
  InvalidStockOperationError,
  mergeStockLines,
  OutOfStockError,
  type StockMove,
} from '../../inventory/allotment';
import { receiveStock } from '../../inventory/stock-transfer';
import { advance, type InventoryState, type Order } from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { type DomainContext, nowIso, withConflictRetry } from '../../shared/context';
import type { CounterWrite } from '../../store/item-store';
import { allotmentMove, loadAllotment, orderWrite } from '../../store/repositories';
import {
  assertForward,
  assertNotCancelled,
  beginCompensation,
  loadSagaOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
  undoneEffect,
} from '../saga-step';

/**
 * One stock move for every line of the order in the order's own region, as atomic counter writes on
 * the allotments (committed with the order update and its event). A reservation first checks the
 * allotments so a shortage is reported with numbers; the write's floor still guards against a race.
 */
async function changeStock(ctx: DomainContext, order: Order, move: StockMove): Promise<CounterWrite[]> {
  const writes: CounterWrite[] = [];
  const shortages: Array<{ sku: string; requested: number; available: number }> = [];
  for (const line of mergeStockLines(order.lines)) {
    if (move === 'reserve') {
      const available = (await loadAllotment(ctx.store, line.sku, order.region))?.value.available ?? 0;
      if (available < line.quantity) {
        shortages.push({ sku: line.sku, requested: line.quantity, available });
        continue;
      }
    }
    writes.push(allotmentMove(line.sku, order.region, move, line.quantity));
  }
  if (shortages.length > 0) throw new OutOfStockError(shortages);
  return writes;
}

/** Units asked for beyond the shortfall, so the next orders do not each need a transfer. */
export const TOP_UP_EXTRA_UNITS = 10;

/**
 * Forward: reserve every line from this region's allotment. When the allotment runs short, asks the
 * peer regions for a transfer (escrow top-up) once, then tries again; still short → out of stock.
 */
export async function reserveInventory(
  deps: SagaDependencies,
  input: SagaStepInput,
): Promise<SagaStepOutput> {
  try {
    return await reserveFromOwnAllotment(deps, input);
  } catch (error) {
    if (!(error instanceof OutOfStockError) || !deps.stock) throw error;
    if (!(await topUpFromPeers(deps, error))) throw error;
    return reserveFromOwnAllotment(deps, input);
  }
}

async function topUpFromPeers(deps: SagaDependencies, shortage: OutOfStockError): Promise<boolean> {
  const { ctx, stock } = deps;
  if (!stock) return false;
  let received = false;
  for (const short of shortage.shortages) {
    const transfer = await stock.requestFromPeer({
      sku: short.sku,
      quantity: short.requested - short.available + TOP_UP_EXTRA_UNITS,
      toRegion: ctx.region,
    });
    if (!transfer) continue;
    // Credited here, or already by replication delivering the same transfer record: either way it arrived.
    await receiveStock(ctx, transfer);
    received = true;
  }
  return received;
}

async function reserveFromOwnAllotment(
  deps: SagaDependencies,
  input: SagaStepInput,
): Promise<SagaStepOutput> {
  const { ctx } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    assertForward(order);
    if (order.inventory === 'RELEASED' || order.inventory === 'RESTORED')
      throw undoneEffect(order, 'stock was given back');
    if (order.inventory !== 'NONE') return { orderId: order.orderId, outcome: 'already-applied' };
    assertNotCancelled(order);
    const stockWrites = await changeStock(ctx, order, 'reserve');
    const next = advance(order, 'INVENTORY_RESERVED', { inventory: 'RESERVED' }, nowIso(ctx));
    await ctx.store.transact(
      [...stockWrites, orderWrite(next, version)],
      [orderEvent(ctx, 'OrderInventoryReserved', next)],
    );
    return { orderId: order.orderId, outcome: 'applied' };
  });
}

/**
 * Compensation: give the stock back. Reserved units return to available; units already sold (a confirmed
 * order being cancelled) are restored. Does nothing when nothing was reserved, nor for units that left
 * with a shipped parcel (they come back, if at all, with the return).
 */
export async function releaseInventory(
  deps: SagaDependencies,
  input: SagaStepInput,
): Promise<SagaStepOutput> {
  const { ctx } = deps;
  await beginCompensation(ctx, input.orderId);
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    const shipped = order.shipment?.status === 'SHIPPED' || order.shipment?.status === 'RETURN_REQUESTED';
    if (shipped) return { orderId: order.orderId, outcome: 'skipped' };
    const plan: Partial<Record<InventoryState, { move: StockMove; next: InventoryState }>> = {
      RESERVED: { move: 'release', next: 'RELEASED' },
      COMMITTED: { move: 'restore', next: 'RESTORED' },
    };
    const step = plan[order.inventory];
    if (!step)
      return { orderId: order.orderId, outcome: order.inventory === 'NONE' ? 'skipped' : 'already-applied' };
    const stockWrites = await changeStock(ctx, order, step.move);
    const next = advance(order, 'INVENTORY_RELEASED', { inventory: step.next }, nowIso(ctx));
    await ctx.store.transact(
      [...stockWrites, orderWrite(next, version)],
      [orderEvent(ctx, 'OrderInventoryReleased', next)],
    );
    return { orderId: order.orderId, outcome: 'applied' };
  });
}

/** Part of confirmation: reserved units become sold units. */
export async function commitInventoryWrites(ctx: DomainContext, order: Order): Promise<CounterWrite[]> {
  if (order.inventory !== 'RESERVED') {
    throw new InvalidStockOperationError(`cannot commit inventory in state ${order.inventory}`);
  }
  return changeStock(ctx, order, 'commit');
}
