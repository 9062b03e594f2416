import {
  type Allotment,
  commit,
  emptyAllotment,
  InvalidStockOperationError,
  mergeStockLines,
  OutOfStockError,
  release,
  reserve,
  restore,
} from '../../inventory/allotment';
import { receiveStock } from '../../inventory/stock-transfer';
import { advance, type InventoryState, type Order } from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { type DomainContext, nowIso, withConflictRetry } from '../../shared/context';
import type { ItemWrite } from '../../store/item-store';
import { allotmentWrite, loadAllotment, orderWrite } from '../../store/repositories';
import {
  assertNotCancelled,
  loadSagaOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
} from '../saga-step';

type StockChange = (allotment: Allotment, quantity: number) => Allotment;

/**
 * Applies one stock change to every line of the order in the order's own region, together with the order
 * update and its event, in one transaction with version conditions on every allotment.
 */
async function changeStock(ctx: DomainContext, order: Order, change: StockChange): Promise<ItemWrite[]> {
  const writes: ItemWrite[] = [];
  const shortages: Array<{ sku: string; requested: number; available: number }> = [];
  for (const line of mergeStockLines(order.lines)) {
    const current = await loadAllotment(ctx.store, line.sku, order.region);
    const allotment = current?.value ?? emptyAllotment(line.sku, order.region);
    try {
      writes.push(allotmentWrite(change(allotment, line.quantity), current ? current.version : 'absent'));
    } catch (error) {
      if (!(error instanceof OutOfStockError)) throw error;
      shortages.push(...error.shortages);
    }
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
    if (order.inventory !== 'NONE') return { orderId: order.orderId, outcome: 'already-applied' };
    assertNotCancelled(order);
    const stockWrites = await changeStock(ctx, order, reserve);
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
 * order being cancelled) are restored. Does nothing when nothing was reserved.
 */
export async function releaseInventory(
  deps: SagaDependencies,
  input: SagaStepInput,
): Promise<SagaStepOutput> {
  const { ctx } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    const plan: Partial<Record<InventoryState, { change: StockChange; next: InventoryState }>> = {
      RESERVED: { change: release, next: 'RELEASED' },
      COMMITTED: { change: restore, next: 'RESTORED' },
    };
    const step = plan[order.inventory];
    if (!step)
      return { orderId: order.orderId, outcome: order.inventory === 'NONE' ? 'skipped' : 'already-applied' };
    const stockWrites = await changeStock(ctx, order, step.change);
    const next = advance(order, 'INVENTORY_RELEASED', { inventory: step.next }, nowIso(ctx));
    await ctx.store.transact(
      [...stockWrites, orderWrite(next, version)],
      [orderEvent(ctx, 'OrderInventoryReleased', next)],
    );
    return { orderId: order.orderId, outcome: 'applied' };
  });
}

/** Part of confirmation: reserved units become sold units. */
export async function commitInventoryWrites(ctx: DomainContext, order: Order): Promise<ItemWrite[]> {
  if (order.inventory !== 'RESERVED') {
    throw new InvalidStockOperationError(`cannot commit inventory in state ${order.inventory}`);
  }
  return changeStock(ctx, order, commit);
}
