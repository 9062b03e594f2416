import { type BackoffPolicy, backoffDelayMs } from '../shared/backoff';
import { type DomainContext, nowIso, withConflictRetry } from '../shared/context';
import { keys } from '../store/keys';
import { countIndexPartition, loadOrder, orderWrite } from '../store/repositories';
import { type DuplicateKeyWork, decodeDuplicateKeyWork } from './duplicate-key-record';
import { claimsOverlap, compareOrderAge, type IdempotencyClaim, loadClaims } from './idempotency-claims';
import { advance, type Order } from './order';
import { orderEvent } from './order-events';
import type { OrderWorkflow } from './order-workflow';

/**
 * One Idempotency-Key, one live order. When two regions each accepted the same request (a retry reached a
 * second region before the first one's claim replicated, or the regions could not talk), the order that
 * succeeded is kept: a CONFIRMED order is never cancelled for a FAILED or CANCELLED twin, and of two
 * CONFIRMED twins the newer (then the greater id) is kept, the same in every region: a retry goes to
 * another region only when the first answer was lost, so the newer order is the one whose answer the
 * client most likely holds. The other is cancelled and refunded, also after it shipped (a return is
 * recorded). Each region decides only for its own orders, from what it has replicated of the others, and
 * waits while the outcome is open.
 */
export type DuplicateResolution =
  | { outcome: 'resolved'; cancelled: Array<{ orderId: string; keptOrderId: string }> }
  | { outcome: 'wait'; reason: string };

const closed = (order: Order) => order.status === 'FAILED' || order.status === 'CANCELLED';
/** A confirmed order nobody is cancelling: the one a customer keeps. */
const live = (order: Order) => order.status === 'CONFIRMED' && !order.cancelRequested && !order.compensation;

/** Decides for this region's orders among the key's twins, and cancels those that lose. */
export async function resolveDuplicateKey(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  key: { customerId: string; key: string },
): Promise<DuplicateResolution> {
  const claims = (await loadClaims(ctx, key.customerId, key.key)).map((stored) => stored.claim);
  const cancelled: Array<{ orderId: string; keptOrderId: string }> = [];
  for (const own of claims.filter((claim) => claim.region === ctx.region)) {
    const twins = claims.filter((claim) => claim.orderId !== own.orderId && claimsOverlap(claim, own));
    if (twins.length === 0) continue;
    const decision = await decide(ctx, own, twins);
    if (decision.kind === 'wait') return { outcome: 'wait', reason: decision.reason };
    if (decision.kind === 'cancel') {
      await cancelDuplicateOrder(ctx, workflow, { orderId: own.orderId, keptOrderId: decision.keep });
      cancelled.push({ orderId: own.orderId, keptOrderId: decision.keep });
    }
  }
  return { outcome: 'resolved', cancelled };
}

type Decision = { kind: 'keep' } | { kind: 'cancel'; keep: string } | { kind: 'wait'; reason: string };

async function decide(
  ctx: DomainContext,
  own: IdempotencyClaim,
  twins: readonly IdempotencyClaim[],
): Promise<Decision> {
  const mine = (await loadOrder(ctx.store, own.orderId))?.value;
  if (!mine || closed(mine) || mine.cancelRequested) return { kind: 'keep' };
  const others: Order[] = [];
  for (const twin of twins) {
    const order = (await loadOrder(ctx.store, twin.orderId))?.value;
    if (!order) return { kind: 'wait', reason: `order ${twin.orderId} has not replicated here yet` };
    others.push(order);
  }
  // Newest first: the order a twin would be kept for.
  const liveOthers = others.filter(live).sort((a, b) => compareOrderAge(b, a));
  if (mine.status === 'PENDING') {
    // A twin has already succeeded: this one need not charge the customer at all.
    const kept = liveOthers[0];
    if (kept) return { kind: 'cancel', keep: kept.orderId };
    return { kind: 'wait', reason: `order ${mine.orderId} is still being processed` };
  }
  if (!live(mine)) return { kind: 'keep' };
  const newer = others.filter((other) => compareOrderAge(other, mine) > 0);
  const undecided = newer.find((other) => other.status === 'PENDING');
  if (undecided) return { kind: 'wait', reason: `the newer order ${undecided.orderId} may still succeed` };
  const kept = newer.filter(live).sort((a, b) => compareOrderAge(b, a))[0];
  return kept ? { kind: 'cancel', keep: kept.orderId } : { kind: 'keep' };
}

/**
 * Cancels an order that lost its key to a twin: records why and starts the compensation (a PENDING
 * order's saga compensates at its next step; a CONFIRMED one gets a cancellation run, which refunds it
 * and cancels its shipment, or records a return when the parcel has left). Idempotent.
 */
export async function cancelDuplicateOrder(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  duplicate: { orderId: string; keptOrderId: string },
): Promise<'cancelled' | 'nothing-to-undo'> {
  const order = await withConflictRetry(async () => {
    const current = await loadOrder(ctx.store, duplicate.orderId);
    if (!current || closed(current.value)) return undefined;
    if (current.value.cancelRequested) return current.value;
    const next = advance(
      current.value,
      'CANCEL_REQUESTED',
      { cancelRequested: true, duplicateOf: duplicate.keptOrderId },
      nowIso(ctx),
      `Duplicate of order ${duplicate.keptOrderId} (same Idempotency-Key)`,
    );
    await ctx.store.transact(
      [orderWrite(next, current.version)],
      [orderEvent(ctx, 'OrderCancelRequested', next)],
    );
    return next;
  });
  if (!order) return 'nothing-to-undo';
  if (order.status === 'CONFIRMED') await workflow.startOrderSaga(order.orderId, 'cancel');
  return 'cancelled';
}

/**
 * Notes that this region must decide about a key: when a claim of another region arrives (or, at a
 * start, for every key the store shows claimed by this and another region). Written only when there is
 * a twin of this region's order and the work is not already open or resolved for the same orders.
 */
export async function noteDuplicateKey(
  ctx: DomainContext,
  key: { customerId: string; key: string },
): Promise<boolean> {
  const claims = (await loadClaims(ctx, key.customerId, key.key)).map((stored) => stored.claim);
  const contested = claims.some(
    (own) =>
      own.region === ctx.region &&
      claims.some((other) => other.orderId !== own.orderId && claimsOverlap(other, own)),
  );
  if (!contested) return false;
  const orderIds = claims.map((claim) => claim.orderId).sort();
  const workKey = keys.duplicateKey(key.customerId, key.key, ctx.region);
  const existing = await ctx.store.get(workKey.pk, workKey.sk);
  const work = existing && decodeDuplicateKeyWork(existing);
  if (work && (work.status === 'OPEN' || work.orderIds.join() === orderIds.join())) return false;
  await scheduleWork(ctx, {
    ...key,
    region: ctx.region,
    status: 'OPEN',
    orderIds,
    checks: 0,
    dueAt: nowIso(ctx),
  });
  return true;
}

async function scheduleWork(ctx: DomainContext, work: DuplicateKeyWork): Promise<void> {
  await ctx.store.transact([
    {
      ...keys.duplicateKey(work.customerId, work.key, work.region),
      data: { ...work },
      ...(work.status === 'OPEN'
        ? { gsi1: keys.duplicatesDueIndex(work.region, work.dueAt, work.customerId, work.key) }
        : {}),
    },
  ]);
}

/**
 * The duplicate sweep: resolves every key due now (oldest first, at most `limit`); a key whose outcome
 * is still open is looked at again after a backoff (doubling from `baseDelayMs` to `maxDelayMs`).
 */
export async function resolveDueDuplicates(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  timing: BackoffPolicy,
  limit = 50,
): Promise<Array<{ customerId: string; key: string } & DuplicateResolution>> {
  const now = nowIso(ctx);
  const page = await ctx.store.queryIndex('gsi1', `DUPLICATES_DUE#${ctx.region}`, { limit });
  const due = page.items.map(decodeDuplicateKeyWork).filter((work) => work.dueAt <= now);
  const results: Array<{ customerId: string; key: string } & DuplicateResolution> = [];
  for (const work of due) {
    const resolution = await resolveDuplicateKey(ctx, workflow, work);
    results.push({ customerId: work.customerId, key: work.key, ...resolution });
    const checks = work.checks + 1;
    if (resolution.outcome === 'resolved') {
      await scheduleWork(ctx, { ...work, status: 'RESOLVED', checks, reason: 'resolved' });
      continue;
    }
    const dueAt = new Date(ctx.clock.now() + backoffDelayMs(checks, timing)).toISOString();
    await scheduleWork(ctx, { ...work, checks, dueAt, reason: resolution.reason });
  }
  return results;
}

/** How many keys this region is still deciding about. */
export function openDuplicateKeys(ctx: Pick<DomainContext, 'store' | 'region'>): Promise<number> {
  return countIndexPartition(ctx.store, 'gsi1', `DUPLICATES_DUE#${ctx.region}`);
}
