import { ownerOf } from './convergence';
import {
  authoritative,
  capped,
  copiesById,
  type FinalState,
  type InvariantResult,
  TERMINAL_STATUSES,
} from './invariant';
import { KEY_MARKER } from './order-mix';
import type { OrderView } from './region-reader';

export interface OrderCounts {
  lost: number;
  duplicated: number;
  stuck: number;
  ordersPerKey: Record<string, number>;
}

/** The Idempotency-Key an order was placed with (the load generator writes it into the address). */
export function keyOf(order: OrderView): string | undefined {
  const line2 = order.shippingAddress.line2;
  return line2?.startsWith(KEY_MARKER) ? line2.slice(KEY_MARKER.length) : undefined;
}

/** Acknowledged orders must exist in every region, with the same final status everywhere. */
export function checkAcknowledgedEverywhere(state: FinalState): { rows: InvariantResult[]; lost: number } {
  const regions = state.snapshot.regions;
  const lost: Array<{ orderId: string; key: string; answeredBy: string; missingIn: string[] }> = [];
  const differing: Array<{ orderId: string; statuses: Record<string, string> }> = [];
  for (const ack of state.acknowledged) {
    const missingIn = regions
      .filter((region) => !region.orders.has(ack.orderId))
      .map((region) => region.region);
    if (missingIn.length > 0)
      lost.push({ orderId: ack.orderId, key: ack.key, answeredBy: ack.answeredBy, missingIn });
    const statuses = Object.fromEntries(
      regions.flatMap((region) => {
        const order = region.orders.get(ack.orderId);
        return order ? [[region.region, order.status]] : [];
      }),
    );
    if (new Set(Object.values(statuses)).size > 1) differing.push({ orderId: ack.orderId, statuses });
  }
  return {
    lost: lost.length,
    rows: [
      {
        name: 'every acknowledged order exists in every region',
        passed: lost.length === 0,
        summary: `${state.acknowledged.length} acknowledged, ${lost.length} missing somewhere`,
        ...(lost.length > 0 ? { details: capped(lost) } : {}),
      },
      {
        name: 'same final status in every region',
        passed: differing.length === 0,
        summary: `${differing.length} orders whose regions disagree`,
        ...(differing.length > 0 ? { details: capped(differing) } : {}),
      },
    ],
  };
}

/** No order (acknowledged or not) may be left PENDING in any region once the run has converged. */
export function checkNoneStuck(state: FinalState): { row: InvariantResult; stuck: number } {
  const stuck: Array<{ orderId: string; owner: string | undefined; statuses: Record<string, string> }> = [];
  for (const [orderId, copies] of copiesById(state)) {
    if (copies.every((copy) => TERMINAL_STATUSES.has(copy.order.status))) continue;
    stuck.push({
      orderId,
      owner: ownerOf(orderId),
      statuses: Object.fromEntries(copies.map((copy) => [copy.region, copy.order.status])),
    });
  }
  return {
    stuck: stuck.length,
    row: {
      name: 'no order left non-terminal',
      passed: stuck.length === 0,
      summary: `${stuck.length} orders still PENDING somewhere`,
      ...(stuck.length > 0 ? { details: capped(stuck) } : {}),
    },
  };
}

/** The orders of each customer + Idempotency-Key, by `customer#key` (orders without a key apart). */
export function ordersByKey(orders: Iterable<OrderView>): {
  byKey: Map<string, OrderView[]>;
  unkeyed: string[];
} {
  const byKey = new Map<string, OrderView[]>();
  const unkeyed: string[] = [];
  for (const order of orders) {
    const key = order.idempotencyKey ?? keyOf(order);
    if (!key) {
      unkeyed.push(order.orderId);
      continue;
    }
    const group = `${order.customerId}#${key}`;
    byKey.set(group, [...(byKey.get(group) ?? []), order]);
  }
  return { byKey, unkeyed };
}

const everConfirmed = (order: OrderView) => order.timeline.some((entry) => entry.type === 'CONFIRMED');

/**
 * One Idempotency-Key, one live order: no key ends with two CONFIRMED orders, and a key one of whose
 * orders was confirmed (so it could succeed) ends with exactly one: the platform never cancels every
 * confirmed twin (for a FAILED one, or each for the other). A key whose orders all failed has none, and
 * that is right. Every key with more than one order is accounted for: how it was resolved, whether the
 * card was charged for two orders (the extra one refunded), and the client's attempts.
 */
export function checkOneLiveOrderPerKey(state: FinalState): {
  row: InvariantResult;
  duplicated: number;
  doubleCharged: number;
  ordersPerKey: Record<string, number>;
} {
  const captured = new Set(
    state.ledger.filter((entry) => entry.type === 'capture').map((entry) => entry.order_id),
  );
  const orders = [...copiesById(state).values()].flatMap((copies) => authoritative(copies) ?? []);
  const { byKey, unkeyed } = ordersByKey(orders);
  const ordersPerKey: Record<string, number> = {};
  const problems = [];
  const several = [];
  for (const [group, keyOrders] of byKey) {
    ordersPerKey[String(keyOrders.length)] = (ordersPerKey[String(keyOrders.length)] ?? 0) + 1;
    const live = keyOrders.filter((order) => order.status === 'CONFIRMED');
    const confirmedOnce = keyOrders.filter(everConfirmed);
    const problem =
      live.length > 1
        ? `${live.length} live (CONFIRMED) orders`
        : confirmedOnce.length > 0 && live.length === 0
          ? `no live order, although ${confirmedOnce.map((order) => order.orderId).join(', ')} was confirmed`
          : null;
    if (keyOrders.length <= 1 && problem === null) continue;
    const key = group.slice(group.indexOf('#') + 1);
    const entry = {
      customerAndKey: group,
      problem,
      outcome: outcomeOf(keyOrders),
      chargedOrders: keyOrders.filter((order) => captured.has(order.orderId)).length,
      acknowledged: state.acknowledged.filter((ack) => ack.key === key).map((ack) => ack.orderId),
      orders: keyOrders.map((order) => ({
        orderId: order.orderId,
        region: order.region,
        status: order.status,
        createdAt: order.createdAt,
        payment: order.payment?.status ?? null,
        duplicateOf: order.duplicateOf ?? null,
        failureReason: order.failureReason ?? null,
      })),
      attempts: state.attemptsByKey.get(key) ?? [],
    };
    if (problem !== null) problems.push(entry);
    if (keyOrders.length > 1) several.push(entry);
  }
  const byOutcome = new Map<string, number>();
  for (const entry of several) byOutcome.set(entry.outcome, (byOutcome.get(entry.outcome) ?? 0) + 1);
  const doubleCharged = several.filter((entry) => entry.chargedOrders > 1).length;
  const outcomes = [...byOutcome].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
  return {
    duplicated: several.length,
    doubleCharged,
    ordersPerKey,
    row: {
      name: 'one live order per customer + Idempotency-Key (exactly one when one was confirmed)',
      passed: problems.length === 0,
      summary: `${problems.length} keys with two live orders or none left of a confirmed one; ${several.length} keys with more than one order${outcomes ? ` (${outcomes}; charged for two orders, the extra refunded: ${doubleCharged})` : ''}; orders per key ${JSON.stringify(ordersPerKey)}${unkeyed.length > 0 ? `; ${unkeyed.length} orders without a key` : ''}`,
      ...(several.length + problems.length > 0
        ? { details: capped([...problems, ...several.filter((entry) => entry.problem === null)]) }
        : {}),
    },
  };
}

/** How a key with several orders ended, in words for the report. */
function outcomeOf(orders: readonly OrderView[]): string {
  const live = orders.filter((order) => order.status === 'CONFIRMED');
  const duplicates = orders.filter((order) => order.duplicateOf !== undefined);
  if (live.length === 1 && duplicates.length > 0) return 'kept one confirmed order, cancelled the duplicate';
  if (live.length === 1) return 'kept the confirmed order, the others failed';
  if (live.length === 0 && orders.every((order) => order.status === 'FAILED')) return 'all failed';
  return `ended ${orders.map((order) => order.status).join(' + ')}`;
}

/**
 * The load never cancels anything, so every CANCELLED order was cancelled by the platform itself, and the
 * only reason it may do so is a duplicate: two regions accepted one Idempotency-Key and this order was not
 * kept. Its `duplicateOf` must name an order of the same customer and key that is live (CONFIRMED) at the
 * end: the customer keeps an order for what they asked. Acknowledged orders are counted apart: a client
 * was told "order X accepted" and X was taken away (for its twin).
 */
export function checkCancelledOnlyAsDuplicates(state: FinalState): InvariantResult {
  const copies = copiesById(state);
  const orderOf = (orderId: string) => authoritative(copies.get(orderId) ?? []);
  const acknowledged = new Set(state.acknowledged.map((ack) => ack.orderId));
  const cancelled: OrderView[] = [];
  const problems: Array<{ orderId: string; acknowledged: boolean; problem: string }> = [];
  for (const orderCopies of copies.values()) {
    const order = authoritative(orderCopies);
    if (order?.status !== 'CANCELLED') continue;
    cancelled.push(order);
    const kept = order.duplicateOf === undefined ? undefined : orderOf(order.duplicateOf);
    const key = order.idempotencyKey ?? keyOf(order);
    const problem =
      order.duplicateOf === undefined
        ? `cancelled, not as a duplicate (${order.timeline.find((entry) => entry.type === 'CANCEL_REQUESTED')?.detail ?? 'no reason recorded'})`
        : !kept
          ? `duplicate of ${order.duplicateOf}, which no region holds`
          : kept.customerId !== order.customerId || (kept.idempotencyKey ?? keyOf(kept)) !== key
            ? `duplicate of ${kept.orderId}, which has another customer or key`
            : kept.status !== 'CONFIRMED'
              ? `duplicate of ${kept.orderId}, which ended ${kept.status}`
              : null;
    if (problem !== null)
      problems.push({ orderId: order.orderId, acknowledged: acknowledged.has(order.orderId), problem });
  }
  const acknowledgedCancelled = cancelled.filter((order) => acknowledged.has(order.orderId)).length;
  return {
    name: 'an order is cancelled by the platform only as a duplicate whose kept twin is live',
    passed: problems.length === 0,
    summary: `${cancelled.length} orders CANCELLED (the load never cancels), ${acknowledgedCancelled} of them acknowledged; ${problems.length} not a duplicate of a live order`,
    ...(problems.length > 0 ? { details: capped(problems) } : {}),
  };
}

/** Order ids stored in the regions that no client was ever given (a lost 202 or a duplicate). */
export function unacknowledgedOrders(
  state: FinalState,
): Array<{ orderId: string; key: string | undefined; status: string }> {
  const acked = new Set(state.acknowledged.map((ack) => ack.orderId));
  return [...copiesById(state)]
    .filter(([orderId]) => !acked.has(orderId))
    .map(([orderId, copies]) => {
      const order = authoritative(copies);
      return { orderId, key: order && keyOf(order), status: order?.status ?? 'unknown' };
    });
}
