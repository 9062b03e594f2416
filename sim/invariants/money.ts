import type { FinalState } from './final-state';
import { allOrders, closed } from './orders';
import { INVARIANTS, type Violation } from './violation';

/**
 * Money and parcels against the outside truth (the provider's ledger, the carrier's bookings): a
 * CONFIRMED order has exactly its one capture of its total, nothing refunded, and one live booking; a
 * FAILED or CANCELLED order holds no live authorization, has captured nothing net, and has no live
 * booking unless its parcel had left (a return is recorded); money taken for an order no region knows
 * is a violation too.
 */
export function checkMoneyAndShipments(state: FinalState): Violation[] {
  const violations: Violation[] = [];
  const orders = allOrders(state);
  const authorizations = groupBy(state.authorizations, (auth) => auth.orderId);
  const captures = groupBy(
    state.ledger.filter((entry) => entry.type === 'capture'),
    (entry) => entry.orderId,
  );
  const bookings = groupBy(state.bookings, (booking) => booking.orderId);
  for (const order of orders.values()) {
    const auths = authorizations.get(order.orderId) ?? [];
    const net = auths.reduce((sum, auth) => sum + auth.captured - auth.refunded, 0);
    const live = (bookings.get(order.orderId) ?? []).filter((booking) => booking.status === 'BOOKED');
    const problems: string[] = [];
    if (order.status === 'CONFIRMED') {
      const captureCount = (captures.get(order.orderId) ?? []).length;
      if (captureCount !== 1) problems.push(`${captureCount} captures`);
      if (net !== order.totalMinor) problems.push(`net capture ${net}, total ${order.totalMinor}`);
      if (auths.some((auth) => auth.refunded > 0)) problems.push('refunded at the provider');
      if (live.length !== 1) problems.push(`${live.length} live bookings at the carrier`);
      if (order.shipment?.status !== 'CREATED' && order.shipment?.status !== 'SHIPPED')
        problems.push(`shipment ${order.shipment?.status ?? 'missing'}`);
      if (problems.length > 0)
        violations.push({
          invariant: INVARIANTS.confirmed,
          detail: `${order.orderId} CONFIRMED: ${problems.join('; ')}`,
          subjects: [order.orderId, order.idempotencyKey ?? ''],
        });
    } else if (closed(order)) {
      const held = auths.filter((auth) => auth.status === 'authorized');
      if (held.length > 0) problems.push(`${held.length} live authorizations`);
      if (net !== 0) problems.push(`net capture ${net}`);
      const returned = order.shipment?.status === 'RETURN_REQUESTED';
      if (live.length > 0 && !returned) problems.push(`${live.length} live bookings at the carrier`);
      if (order.shipment && order.shipment.status !== 'CANCELLED' && !returned)
        problems.push(`shipment ${order.shipment.status}`);
      if (order.settlement?.status === 'PENDING')
        problems.push(`still owes ${order.settlement.owed.join(', ')}`);
      if (problems.length > 0)
        violations.push({
          invariant: INVARIANTS.closedSettled,
          detail: `${order.orderId} ${order.status}: ${problems.join('; ')}`,
          subjects: [order.orderId, order.idempotencyKey ?? ''],
        });
    }
  }
  for (const [orderId, auths] of authorizations) {
    if (orders.has(orderId)) continue;
    const net = auths.reduce((sum, auth) => sum + auth.captured - auth.refunded, 0);
    const held = auths.filter((auth) => auth.status === 'authorized').length;
    if (net !== 0 || held > 0)
      violations.push({
        invariant: INVARIANTS.closedSettled,
        detail: `${orderId}, unknown to every region: ${held} live authorizations, net capture ${net}`,
        subjects: [orderId],
      });
  }
  return violations;
}

/**
 * What the customer was told is true of the money: a notification saying they have not been charged is
 * about an order the provider never captured; one saying a refund was made, about an order refunded at
 * the provider; an order confirmed to them was captured.
 */
export function checkWhatCustomersAreTold(state: FinalState): Violation[] {
  const violations: Violation[] = [];
  const captured = new Set(
    state.ledger.filter((entry) => entry.type === 'capture').map((entry) => entry.orderId),
  );
  const refunded = new Set(
    state.ledger.filter((entry) => entry.type === 'refund').map((entry) => entry.orderId),
  );
  for (const region of state.regions) {
    for (const row of region.items.values()) {
      if (!row.pk.startsWith('NOTIFICATION#')) continue;
      const notification = JSON.parse(row.data) as { orderId: string; eventType: string; body: string };
      if (!region.orders.some((order) => order.orderId === notification.orderId)) continue;
      const told = (claim: string) =>
        violations.push({
          invariant: INVARIANTS.told,
          detail: `${notification.orderId}: ${notification.eventType} told the customer "${notification.body}" but ${claim}`,
          subjects: [notification.orderId],
        });
      if (notification.body.includes('not been charged') && captured.has(notification.orderId))
        told('the provider captured it');
      if (
        /was refunded|refund of .* has been made|It has been refunded/.test(notification.body) &&
        !refunded.has(notification.orderId)
      )
        told('the provider shows no refund');
      if (notification.eventType === 'OrderConfirmed' && !captured.has(notification.orderId))
        told('the provider shows no capture');
    }
  }
  return violations;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
