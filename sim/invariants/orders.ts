import { NOTIFYING_EVENT_TYPES, type Order } from '@meridian/domain';
import type { FinalState } from './final-state';
import { INVARIANTS, type Violation } from './violation';

const closed = (order: Order) => order.status === 'FAILED' || order.status === 'CANCELLED';

/** Every order of the run, as its own region (its only writer) holds it. */
export function allOrders(state: FinalState): Map<string, Order> {
  const orders = new Map<string, Order>();
  for (const region of state.regions) for (const order of region.orders) orders.set(order.orderId, order);
  return orders;
}

/** An order a client was told about exists, in its own region and (once healed) in every region. */
export function checkAcknowledged(state: FinalState): Violation[] {
  const violations: Violation[] = [];
  const orders = allOrders(state);
  for (const ack of state.acknowledged) {
    if (!orders.has(ack.orderId)) {
      violations.push({
        invariant: INVARIANTS.acknowledged,
        detail: `${ack.orderId} (key ${ack.key}, answered by ${ack.answeredBy}) is not in its region`,
        subjects: [ack.orderId, ack.key],
      });
      continue;
    }
    const missing = state.regions.filter((region) => !region.items.has(`ORDER#${ack.orderId}\u0000ORDER`));
    if (missing.length > 0)
      violations.push({
        invariant: INVARIANTS.acknowledged,
        detail: `${ack.orderId} (key ${ack.key}) missing in ${missing.map((region) => region.name).join(', ')}`,
        subjects: [ack.orderId, ack.key],
      });
  }
  return violations;
}

/**
 * One Idempotency-Key, one live order: never two CONFIRMED orders for one key, and when one of a key's
 * orders reached CONFIRMED and the customer did not cancel, exactly one is CONFIRMED at the end (a
 * confirmed order is never cancelled in favour of a twin that failed).
 */
export function checkOneLiveOrderPerKey(state: FinalState): Violation[] {
  const byKey = new Map<string, Order[]>();
  for (const order of allOrders(state).values()) {
    if (!order.idempotencyKey) continue;
    const group = `${order.customerId}#${order.idempotencyKey}`;
    byKey.set(group, [...(byKey.get(group) ?? []), order]);
  }
  const violations: Violation[] = [];
  for (const [group, orders] of byKey) {
    const confirmed = orders.filter((order) => order.status === 'CONFIRMED');
    const ever = orders.filter((order) => order.timeline.some((entry) => entry.type === 'CONFIRMED'));
    const customerCancelled = orders.some((order) => order.cancelRequested && !order.duplicateOf);
    const describe = orders
      .map(
        (order) =>
          `${order.orderId} ${order.status}${order.duplicateOf ? ` (duplicate of ${order.duplicateOf})` : ''}`,
      )
      .join(', ');
    const subjects = [group.slice(group.indexOf('#') + 1), ...orders.map((order) => order.orderId)];
    const regions = orders.map((order) => order.region);
    const twiceInOneRegion = regions.filter((name, index) => regions.indexOf(name) !== index);
    if (twiceInOneRegion.length > 0)
      violations.push({
        invariant: INVARIANTS.oneLivePerKey,
        detail: `key ${group}: ${[...new Set(twiceInOneRegion)].join(', ')} accepted it more than once: ${describe}`,
        subjects,
      });
    if (confirmed.length > 1)
      violations.push({
        invariant: INVARIANTS.oneLivePerKey,
        detail: `key ${group}: ${confirmed.length} CONFIRMED orders: ${describe}`,
        subjects,
      });
    else if (confirmed.length === 0 && ever.length > 0 && !customerCancelled)
      violations.push({
        invariant: INVARIANTS.oneLivePerKey,
        detail: `key ${group}: an order was confirmed but none is kept: ${describe}`,
        subjects,
      });
  }
  return violations;
}

/**
 * Each notifying event of an order notifies its customer once: one notification per event, and one
 * event of each kind per order (a second OrderConfirmed would notify twice). Nothing is dead-lettered.
 */
export function checkNotifications(state: FinalState): Violation[] {
  const violations: Violation[] = [];
  const notifying = new Set(NOTIFYING_EVENT_TYPES);
  for (const region of state.regions) {
    const perOrderAndType = new Map<string, string[]>();
    for (const event of region.archivedOwnEvents) {
      const type = event['detail-type'];
      if (!notifying.has(type)) continue;
      const orderId = String((event.detail as { orderId?: unknown }).orderId);
      const key = `${orderId} ${type}`;
      perOrderAndType.set(key, [...(perOrderAndType.get(key) ?? []), event.id]);
      if (!region.items.has(`NOTIFICATION#${event.id}\u0000NOTIFICATION`))
        violations.push({
          invariant: INVARIANTS.notifications,
          detail: `${region.name}: ${type} ${event.id} of ${orderId} notified nobody`,
          subjects: [orderId],
        });
    }
    for (const [key, ids] of perOrderAndType) {
      if (ids.length > 1)
        violations.push({
          invariant: INVARIANTS.notifications,
          detail: `${region.name}: ${key} announced ${ids.length} times (${ids.join(', ')})`,
          subjects: [key.split(' ')[0] ?? ''],
        });
    }
    if (region.deadLetters > 0)
      violations.push({
        invariant: INVARIANTS.notifications,
        detail: `${region.name}: ${region.deadLetters} bus deliveries dead-lettered`,
        subjects: [],
      });
  }
  return violations;
}

export { closed };
