import type { FaultPlan } from './fault-plan';
import { capped, type InvariantResult } from './invariant';
import { ordersByKey } from './invariants-orders';
import type { ProviderFaultRecord } from './provider-faults';
import type { OrderView } from './region-reader';
import { acceptedByBoth, type TwinPairRecord } from './twin-keys';

/**
 * Every provider fault the plan asked for happened and ended: the simulator was killed (the control
 * server's `killed: true`) and answered its health check again after the restart, or its chaos switch
 * read back the outage or latency and then normal again. A fault that was not confirmed proves nothing.
 */
export function checkProviderFaults(
  plan: FaultPlan | null,
  records: readonly ProviderFaultRecord[],
): InvariantResult {
  const name =
    'provider faults injected and ended (kill -9 and restart, 503 bursts, latency past the timeout)';
  if (!plan) return { name, passed: false, summary: 'no fault plan was made' };
  const expected = [
    ...plan.providerTrack.map((fault) => ({ kind: fault.kind, purpose: 'provider track' })),
    { kind: 'errors', purpose: 'compensation outage' },
  ];
  const problems: string[] = [];
  for (const want of expected) {
    const record = records.find(
      (candidate) => candidate.kind === want.kind && candidate.purpose === want.purpose,
    );
    if (!record) problems.push(`${want.kind} (${want.purpose}) never injected`);
    else if (record.confirmedAt === null)
      problems.push(`${want.kind} (${want.purpose}) not confirmed: ${record.detail}`);
    else if (record.until === null)
      problems.push(`${want.kind} (${want.purpose}) never ended: ${record.detail}`);
  }
  const lasted = records.map((record) =>
    record.until === null
      ? `${record.kind} not ended`
      : `${record.kind === 'kill' ? 'kill -9' : record.kind === 'errors' ? '503s' : `${record.latencyMs} ms latency`} ${((record.until - record.from) / 1000).toFixed(1)} s`,
  );
  return {
    name,
    passed: problems.length === 0,
    summary: problems.length === 0 ? lasted.join(', ') : problems.slice(0, 3).join('; '),
    details: { records, ...(problems.length > 0 ? { problems } : {}) },
  };
}

/**
 * The same key sent to two regions directly with the link cut: both regions accept it (neither can see
 * the other's claim), and once the link heals one live order is left when either could confirm, the one
 * that succeeded (a confirmed order is never cancelled for a failed twin), none when neither could. An
 * order shipped before the heal ends SHIPPED if kept, else CANCELLED with a return recorded (the parcel
 * has left: it cannot be cancelled with the carrier). Fails when no pair was accepted by both regions
 * (not exercised).
 */
export function checkTwinPairs(
  pairs: readonly TwinPairRecord[],
  orders: readonly OrderView[],
): InvariantResult {
  const name = 'same key sent to two regions with the link cut: one live order after the heal';
  const { byKey } = ordersByKey(orders);
  const both = pairs.filter(acceptedByBoth);
  const outcomes: Record<string, number> = {};
  let returns = 0;
  const problems: Array<{ key: string; kind: string; problem: string; orders: unknown }> = [];
  for (const pair of both) {
    const keyOrders = byKey.get(`${pair.customer}#${pair.key}`) ?? [];
    const live = keyOrders.filter((order) => order.status === 'CONFIRMED');
    const confirmedOnce = keyOrders.filter((order) =>
      order.timeline.some((entry) => entry.type === 'CONFIRMED'),
    );
    const statuses = keyOrders
      .map((order) => order.status)
      .sort()
      .join('+');
    const label = `${pair.kind}: ${statuses}`;
    outcomes[label] = (outcomes[label] ?? 0) + 1;
    // A parcel that left before the heal is never cancelled with the carrier: kept, or returned.
    const shippedWrong = pair.answers.flatMap((answer) => {
      const shipped = keyOrders.find((order) => order.orderId === answer.orderId);
      if (answer.shipment !== 'shipped' || !shipped) return [];
      const expected = shipped.status === 'CONFIRMED' ? 'SHIPPED' : 'RETURN_REQUESTED';
      if (shipped.status === 'CANCELLED') returns += shipped.shipment?.status === 'RETURN_REQUESTED' ? 1 : 0;
      return shipped.shipment?.status === expected
        ? []
        : [
            `shipped ${shipped.orderId} ended ${shipped.status} with its shipment ${shipped.shipment?.status ?? 'missing'}`,
          ];
    });
    const problem =
      keyOrders.length !== 2
        ? `${keyOrders.length} orders stored for the key`
        : live.length > 1
          ? 'two live orders'
          : confirmedOnce.length > 0 && live.length === 0
            ? 'a confirmed order was cancelled and no live order is left'
            : shippedWrong.length > 0
              ? shippedWrong.join('; ')
              : null;
    if (problem)
      problems.push({
        key: pair.key,
        kind: pair.kind,
        problem,
        orders: keyOrders.map((order) => ({
          orderId: order.orderId,
          status: order.status,
          duplicateOf: order.duplicateOf,
        })),
      });
  }
  const notBoth = pairs.filter((pair) => !acceptedByBoth(pair));
  const shippedPairs = both.filter((pair) =>
    pair.answers.every((answer) => answer.shipment === 'shipped'),
  ).length;
  return {
    name,
    passed: both.length > 0 && problems.length === 0,
    summary:
      both.length === 0
        ? `not exercised: none of ${pairs.length} pairs was accepted by both regions`
        : `${both.length} of ${pairs.length} pairs accepted by both regions; outcomes ${JSON.stringify(outcomes)}; ${shippedPairs} pairs shipped twice before the heal, ${returns} returns recorded; ${problems.length} problems`,
    ...(problems.length + notBoth.length > 0
      ? {
          details: {
            problems: capped(problems),
            notAcceptedByBoth: capped(notBoth.map((pair) => ({ key: pair.key, answers: pair.answers }))),
          },
        }
      : {}),
  };
}
