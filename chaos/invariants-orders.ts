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

/**
 * At most one non-CANCELLED order per customer + Idempotency-Key across all regions. Every key that got
 * more than one order is explained (the orders, which one the client was told about, the client's
 * attempts), whether the platform resolved it by cancelling the extra order or not.
 */
export function checkNoDuplicates(state: FinalState): {
  row: InvariantResult;
  duplicated: number;
  doubleCharged: number;
  ordersPerKey: Record<string, number>;
} {
  const captured = new Set(
    state.ledger.filter((entry) => entry.type === 'capture').map((entry) => entry.order_id),
  );
  const byKey = new Map<string, OrderView[]>();
  const unkeyed: string[] = [];
  for (const [orderId, copies] of copiesById(state)) {
    const order = authoritative(copies);
    const key = order && keyOf(order);
    if (!order || !key) {
      unkeyed.push(orderId);
      continue;
    }
    const group = `${order.customerId}#${key}`;
    byKey.set(group, [...(byKey.get(group) ?? []), order]);
  }
  const ordersPerKey: Record<string, number> = {};
  const multiple = [];
  for (const [group, orders] of byKey) {
    ordersPerKey[String(orders.length)] = (ordersPerKey[String(orders.length)] ?? 0) + 1;
    if (orders.length <= 1) continue;
    const key = group.slice(group.indexOf('#') + 1);
    const ack = state.acknowledged.find((candidate) => candidate.key === key);
    const notCancelled = orders.filter((order) => order.status !== 'CANCELLED');
    // A duplicate that matters holds money or stock: a FAILED or CANCELLED extra order holds neither.
    const live = orders.filter((order) => order.status === 'CONFIRMED' || order.status === 'PENDING');
    multiple.push({
      customerAndKey: group,
      duplicate: live.length > 1,
      // Two FAILED orders charge nothing, but the customer was still notified twice.
      kind:
        notCancelled.length <= 1
          ? 'resolved: extra order cancelled'
          : notCancelled.every((order) => order.status === 'FAILED')
            ? 'unresolved: all FAILED (no charge, duplicate notifications)'
            : 'unresolved: more than one live order',
      acknowledgedOrderId: ack?.orderId ?? null,
      acknowledgedOrderCancelled: orders.some((o) => o.orderId === ack?.orderId && o.status === 'CANCELLED'),
      // The card was charged for more than one order of this key (the extra one refunded, if resolved).
      chargedOrders: orders.filter((order) => captured.has(order.orderId)).length,
      orders: orders.map((order) => ({
        orderId: order.orderId,
        region: order.region,
        status: order.status,
        createdAt: order.createdAt,
        payment: order.payment?.status ?? null,
        cancelReason: order.timeline.find((entry) => entry.type === 'CANCEL_REQUESTED')?.detail ?? null,
      })),
      attempts: state.attemptsByKey.get(key) ?? [],
    });
  }
  const duplicates = multiple.filter((entry) => entry.duplicate);
  const byKind = new Map<string, number>();
  for (const entry of multiple) byKind.set(entry.kind, (byKind.get(entry.kind) ?? 0) + 1);
  const ackCancelled = multiple.filter((entry) => entry.acknowledgedOrderCancelled).length;
  const doubleCharged = multiple.filter((entry) => entry.chargedOrders > 1).length;
  const kinds = [...byKind].map(([kind, count]) => `${count} ${kind}`).join(', ');
  return {
    duplicated: duplicates.length,
    doubleCharged,
    ordersPerKey,
    row: {
      name: 'no duplicate orders per customer + Idempotency-Key',
      passed: duplicates.length === 0,
      summary: `${duplicates.length} keys with more than one order holding money or stock (CONFIRMED or PENDING); orders per key ${JSON.stringify(ordersPerKey)}${kinds ? ` (${kinds}; the acknowledged order was the one cancelled for ${ackCancelled}; charged twice: ${doubleCharged})` : ''}${unkeyed.length > 0 ? `; ${unkeyed.length} orders without a key` : ''}`,
      ...(multiple.length > 0
        ? { details: capped([...duplicates, ...multiple.filter((entry) => !entry.duplicate)]) }
        : {}),
    },
  };
}

/**
 * The load never cancels anything, so an acknowledged order that ends CANCELLED was cancelled by the
 * platform itself: the customer was told "order X accepted" and X was then taken away.
 */
export function checkNoAcknowledgedCancelled(state: FinalState): InvariantResult {
  const copies = copiesById(state);
  const cancelled = state.acknowledged.flatMap((ack) => {
    const order = authoritative(copies.get(ack.orderId) ?? []);
    if (order?.status !== 'CANCELLED') return [];
    const reason = order.timeline.find((entry) => entry.type === 'CANCEL_REQUESTED')?.detail ?? null;
    return [
      {
        orderId: ack.orderId,
        key: ack.key,
        answeredBy: ack.answeredBy,
        payment: order.payment?.status ?? null,
        reason,
      },
    ];
  });
  return {
    name: 'no acknowledged order cancelled by the platform',
    passed: cancelled.length === 0,
    summary: `${cancelled.length} acknowledged orders ended CANCELLED (the load never cancels)`,
    ...(cancelled.length > 0 ? { details: capped(cancelled) } : {}),
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
