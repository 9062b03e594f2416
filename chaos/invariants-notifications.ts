import { ownerOf } from './convergence';
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
    checkNotificationWriters(state),
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

/**
 * Only an order's own region notifies for it. Notification ids are event ids and the items replicate, so
 * a second region notifying for the same event would not show as a second id: it shows as an item whose
 * writer is not the order's region (when the second write won, or came first), or as a replication
 * conflict on the item (when both regions wrote it before seeing each other's copy). Checked in every
 * region's store file.
 */
export function checkNotificationWriters(state: Pick<FinalState, 'notificationStore'>): InvariantResult {
  const foreign: Array<{ region: string; notificationId: string; orderId: string | null; writer: string }> =
    [];
  const conflicts: Array<{ region: string; pk: string; localWriter: string; remoteWriter: string }> = [];
  let items = 0;
  for (const [region, store] of Object.entries(state.notificationStore)) {
    items += store.items.length;
    for (const item of store.items) {
      const owner = item.orderId === null ? undefined : ownerOf(item.orderId);
      if (owner === undefined || item.writerRegion !== owner)
        foreign.push({
          region,
          notificationId: item.notificationId,
          orderId: item.orderId,
          writer: item.writerRegion,
        });
    }
    for (const conflict of store.conflicts)
      conflicts.push({
        region,
        pk: conflict.pk,
        localWriter: conflict.localWriter,
        remoteWriter: conflict.remoteWriter,
      });
  }
  const regions = Object.keys(state.notificationStore).length;
  return {
    name: "every notification written by its order's region only (store files)",
    passed: items > 0 && foreign.length === 0 && conflicts.length === 0,
    summary:
      items === 0
        ? `no NOTIFICATION# item in the store files of ${regions} regions`
        : `${items} NOTIFICATION# items in ${regions} regions; ${foreign.length} written by another region, ${conflicts.length} replication conflicts on them`,
    ...(foreign.length + conflicts.length > 0
      ? { details: { foreign: capped(foreign), conflicts: capped(conflicts) } }
      : {}),
  };
}
