import { advance, COMPENSATION_STEPS, type CompensationStep, type Order } from '../orders/order';
import { orderEvent } from '../orders/order-events';
import type { SagaDependencies, SagaStepInput, SagaStepOutput } from '../saga/saga-step';
import { voidPayment } from '../saga/steps/authorize-payment';
import { refundPayment } from '../saga/steps/capture-payment';
import { cancelShipment } from '../saga/steps/create-shipment';
import { releaseInventory } from '../saga/steps/reserve-inventory';
import { backoffDelayMs } from '../shared/backoff';
import { nowIso, withConflictRetry } from '../shared/context';
import { ConditionFailedError } from '../store/item-store';
import { loadOrder, orderWrite } from '../store/repositories';
import {
  listOwedSettlements,
  loadSettlement,
  type SettlementPolicy,
  type SettlementRecord,
  settlementWrite,
} from './settlement';

/** The saga's compensation Tasks, by the name the state machine records their errors under. */
export const COMPENSATIONS: Record<
  CompensationStep,
  (deps: SagaDependencies, input: SagaStepInput) => Promise<SagaStepOutput>
> = {
  refundPayment,
  cancelShipment,
  voidPayment,
  releaseInventory,
};

export type SettleOutcome =
  | { orderId: string; outcome: 'nothing-owed' }
  | { orderId: string; outcome: 'settled'; settled: CompensationStep[] }
  | {
      orderId: string;
      outcome: 'still-owed';
      owed: CompensationStep[];
      nextAttemptAt: string;
      error: string;
    };

/**
 * One settlement try for a closed order: runs every compensation again, in the saga's order (each is
 * idempotent and does nothing when nothing is left to undo, and each checks the provider where the order
 * may be behind it). When all succeed the order is marked settled (and its customer told); otherwise the
 * record is due again after a backoff, naming what is still owed.
 */
export async function settleOrder(
  deps: SagaDependencies,
  orderId: string,
  policy: SettlementPolicy,
): Promise<SettleOutcome> {
  const record = await loadSettlement(deps.ctx, orderId);
  if (record?.value.status !== 'PENDING') return { orderId, outcome: 'nothing-owed' };
  const errors = new Map<CompensationStep, string>();
  for (const step of COMPENSATION_STEPS) {
    try {
      await COMPENSATIONS[step](deps, { orderId });
    } catch (error) {
      errors.set(step, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
  if (errors.size === 0) return markSettled(deps, orderId);
  return postpone(deps, orderId, errors, policy);
}

async function markSettled(deps: SagaDependencies, orderId: string): Promise<SettleOutcome> {
  const { ctx } = deps;
  return withConflictRetry(async () => {
    const [order, record] = await Promise.all([loadOrder(ctx.store, orderId), loadSettlement(ctx, orderId)]);
    if (!order || record?.value.status !== 'PENDING') return { orderId, outcome: 'nothing-owed' } as const;
    const now = nowIso(ctx);
    const settled = record.value.owed;
    const next = advance(
      order.value,
      'SETTLED',
      { settlement: { ...settledOf(order.value, now) } },
      now,
      settled.join(', '),
    );
    await ctx.store.transact(
      [
        orderWrite(next, order.version),
        settlementWrite({ ...record.value, status: 'SETTLED', owed: [], settledAt: now }, record.version),
      ],
      [orderEvent(ctx, 'OrderSettled', next, { refundedMinor: next.payment?.refundedMinor ?? 0, settled })],
    );
    return { orderId, outcome: 'settled', settled } as const;
  });
}

function settledOf(order: Order, now: string): NonNullable<Order['settlement']> {
  return { status: 'SETTLED', owed: [], since: order.settlement?.since ?? now, settledAt: now };
}

async function postpone(
  deps: SagaDependencies,
  orderId: string,
  errors: ReadonlyMap<CompensationStep, string>,
  policy: SettlementPolicy,
): Promise<SettleOutcome> {
  const { ctx } = deps;
  const owed = COMPENSATION_STEPS.filter((step) => errors.has(step));
  const error = owed.map((step) => `${step}: ${errors.get(step)}`).join('; ');
  return withConflictRetry(async () => {
    const [order, record] = await Promise.all([loadOrder(ctx.store, orderId), loadSettlement(ctx, orderId)]);
    if (!order || record?.value.status !== 'PENDING') return { orderId, outcome: 'nothing-owed' } as const;
    const attempts = record.value.attempts + 1;
    const nextAttemptAt = new Date(ctx.clock.now() + backoffDelayMs(attempts, policy)).toISOString();
    const updated: SettlementRecord = { ...record.value, owed, attempts, nextAttemptAt, lastError: error };
    const writes = [settlementWrite(updated, record.version)];
    // The order shows what is still owed; it is rewritten only when that changes.
    const shown = order.value.settlement?.owed ?? [];
    if (shown.join() !== owed.join() && order.value.settlement) {
      const now = nowIso(ctx);
      const next: Order = { ...order.value, settlement: { ...order.value.settlement, owed }, updatedAt: now };
      writes.push(orderWrite(next, order.version));
    }
    await ctx.store.transact(writes);
    return { orderId, outcome: 'still-owed', owed, nextAttemptAt, error } as const;
  });
}

/**
 * The settlement sweep: settles every record of this region that is due now, oldest first, at most
 * `limit` per call. The local region runs it every second; on AWS a scheduled function runs it.
 */
export async function settleDueOrders(
  deps: SagaDependencies,
  policy: SettlementPolicy,
  limit = 50,
): Promise<SettleOutcome[]> {
  const now = nowIso(deps.ctx);
  const page = await listOwedSettlements(deps.ctx, { limit });
  const due = page.items.filter((record) => record.nextAttemptAt <= now);
  const outcomes: SettleOutcome[] = [];
  for (const record of due) outcomes.push(await settleOrder(deps, record.orderId, policy));
  // One order settled: whatever kept the others owing (a provider outage) is likely over, so those
  // backing off are due at once rather than after their backoff (up to the cap) runs out.
  if (outcomes.some((outcome) => outcome.outcome === 'settled'))
    await bringForward(
      deps,
      page.items.filter((record) => record.nextAttemptAt > now),
    );
  return outcomes;
}

async function bringForward(deps: SagaDependencies, waiting: readonly SettlementRecord[]): Promise<void> {
  const now = nowIso(deps.ctx);
  for (const record of waiting) {
    const current = await loadSettlement(deps.ctx, record.orderId);
    if (current?.value.status !== 'PENDING') continue;
    await deps.ctx.store
      .transact([settlementWrite({ ...current.value, nextAttemptAt: now }, current.version)])
      // Changed meanwhile (settled, or tried again): nothing to bring forward.
      .catch((error: unknown) => {
        if (!(error instanceof ConditionFailedError)) throw error;
      });
  }
}
