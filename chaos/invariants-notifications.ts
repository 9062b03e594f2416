import { capped, type FinalState, type InvariantResult } from './invariant';

const OUTCOME_EVENT: Record<string, string> = {
  CONFIRMED: 'OrderConfirmed',
  FAILED: 'OrderFailed',
  CANCELLED: 'OrderCancelled',
};

/**
 * One notification per notifying event. Notification ids are event ids, so a repeated id in one region
 * means a consumer wrote twice; two ids for the same order and event type mean the event itself was
 * emitted twice. Every acknowledged order must have its OrderPlaced notification, and its outcome's, in
 * its own region (the only region that notifies for it).
 */
export function checkNotifications(state: FinalState): InvariantResult[] {
  const repeatedIds: Array<{ region: string; notificationId: string; times: number }> = [];
  const idsPerEvent = new Map<string, Set<string>>();
  for (const [region, notifications] of Object.entries(state.notifications)) {
    const seen = new Map<string, number>();
    for (const notification of notifications) {
      seen.set(notification.notificationId, (seen.get(notification.notificationId) ?? 0) + 1);
      const event = `${notification.orderId}#${notification.eventType}`;
      idsPerEvent.set(event, (idsPerEvent.get(event) ?? new Set()).add(notification.notificationId));
    }
    for (const [notificationId, times] of seen)
      if (times > 1) repeatedIds.push({ region, notificationId, times });
  }
  const twice = [...idsPerEvent]
    .filter(([, ids]) => ids.size > 1)
    .map(([event, ids]) => ({ event, notificationIds: [...ids] }));

  const missing: Array<{ orderId: string; region: string; eventType: string; found: number }> = [];
  for (const ack of state.acknowledged) {
    const own = state.snapshot.regions.find(
      (region) => region.orders.get(ack.orderId)?.region === region.region,
    );
    const order = own?.orders.get(ack.orderId);
    if (!own || !order) continue; // Counted as lost by the order invariants.
    const expected = [
      'OrderPlaced',
      ...(OUTCOME_EVENT[order.status] ? [OUTCOME_EVENT[order.status] as string] : []),
    ];
    const mine = (state.notifications[own.region] ?? []).filter(
      (notification) => notification.orderId === ack.orderId,
    );
    for (const eventType of expected) {
      const found = mine.filter((notification) => notification.eventType === eventType).length;
      if (found !== 1) missing.push({ orderId: ack.orderId, region: own.region, eventType, found });
    }
  }
  const total = Object.values(state.notifications).reduce((sum, list) => sum + list.length, 0);
  return [
    {
      name: 'no notification duplicated',
      passed: repeatedIds.length === 0 && twice.length === 0,
      summary: `${total} notification copies read; ${repeatedIds.length} ids repeated, ${twice.length} events notified twice`,
      ...(repeatedIds.length + twice.length > 0
        ? { details: { repeatedIds: capped(repeatedIds), twice: capped(twice) } }
        : {}),
    },
    {
      name: 'each acknowledged order notified once (placed + outcome) in its region',
      passed: missing.length === 0,
      summary: `${missing.length} missing or repeated`,
      ...(missing.length > 0 ? { details: capped(missing) } : {}),
    },
  ];
}
