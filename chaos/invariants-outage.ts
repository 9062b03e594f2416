import { capped, type InvariantResult, TERMINAL_STATUSES } from './invariant';
import type { AcknowledgedOrder } from './load-generator';
import type { OrderView } from './region-reader';

const timeOf = (order: OrderView, types: readonly string[]): number | null => {
  const entry = order.timeline.find((candidate) => types.includes(candidate.type));
  return entry ? Date.parse(entry.at) : null;
};

/**
 * The outage hit the orders in flight: every order sent was acknowledged, and none of them had finished
 * (CONFIRMED, FAILED or CANCELLED, as its final timeline shows) when the outage began. Counts how far each
 * had got: authorized, captured.
 */
export function checkInFlightAtOutage(input: {
  expected: number;
  acknowledged: readonly AcknowledgedOrder[];
  orders: ReadonlyMap<string, OrderView>;
  outageFrom: number | null;
}): InvariantResult {
  const name = `${input.expected} orders acknowledged and in flight when the outage began`;
  if (input.outageFrom === null) return { name, passed: false, summary: 'the outage never began' };
  const outageFrom = input.outageFrom;
  const finished: Array<{ orderId: string; status: string }> = [];
  const missing: string[] = [];
  let authorized = 0;
  let captured = 0;
  for (const ack of input.acknowledged) {
    const order = input.orders.get(ack.orderId);
    if (!order) {
      missing.push(ack.orderId);
      continue;
    }
    const endedAt = timeOf(order, [...TERMINAL_STATUSES]);
    if (endedAt !== null && endedAt < outageFrom)
      finished.push({ orderId: order.orderId, status: order.status });
    const authorizedAt = timeOf(order, ['PAYMENT_AUTHORIZED']);
    const capturedAt = timeOf(order, ['PAYMENT_CAPTURED']);
    if (authorizedAt !== null && authorizedAt < outageFrom) authorized++;
    if (capturedAt !== null && capturedAt < outageFrom) captured++;
  }
  const passed =
    input.acknowledged.length === input.expected && finished.length === 0 && missing.length === 0;
  return {
    name,
    passed,
    summary: `${input.acknowledged.length} of ${input.expected} acknowledged; ${finished.length} had finished before the outage, ${missing.length} missing; when it began ${authorized} were authorized, ${captured} captured`,
    ...(finished.length + missing.length > 0
      ? { details: { finished: capped(finished), missing: capped(missing) } }
      : {}),
  };
}

/** One look at the platform while the provider is still down. */
export interface OutageLook {
  at: number;
  /** The orders as each order's own region holds them. */
  orders: readonly OrderView[];
  /** Each region's settlement status: how many of its orders owe something, and the oldest's age. */
  owedByRegion: Record<string, { owed: number; oldestAgeMs: number | null } | null>;
}

/**
 * While the provider is down nothing can be refunded or released, and the platform says so: every closed
 * order that still holds the customer's money by its own record (a payment AUTHORIZED, or CAPTURED and
 * not refunded) shows its settlement PENDING, no order records a void, a refund or a settlement made
 * after the outage began, and each region's status counts exactly its orders that owe something.
 */
export function checkOwedShownDuringOutage(
  look: OutageLook | null,
  outageFrom: number | null,
): InvariantResult {
  const name = 'while the provider is down, closed orders show the refund or release as pending';
  if (look === null || outageFrom === null)
    return { name, passed: false, summary: 'no look during the outage' };
  const problems: Array<{ orderId: string; problem: string }> = [];
  const pendingByRegion: Record<string, number> = {};
  const owed: Record<string, number> = {};
  let closed = 0;
  for (const order of look.orders) {
    if (order.status !== 'FAILED' && order.status !== 'CANCELLED') continue;
    closed++;
    const pending = order.settlement?.status === 'PENDING';
    if (pending) {
      pendingByRegion[order.region] = (pendingByRegion[order.region] ?? 0) + 1;
      const what = order.settlement?.owed.join(', ') ?? '';
      owed[what] = (owed[what] ?? 0) + 1;
    }
    const holds =
      order.payment?.status === 'AUTHORIZED' ||
      (order.payment?.status === 'CAPTURED' && order.payment.refundedMinor < order.payment.amountMinor);
    if (holds && !pending)
      problems.push({
        orderId: order.orderId,
        problem: `payment ${order.payment?.status}, settlement not pending`,
      });
    const claimed = order.timeline.find(
      (entry) =>
        ['PAYMENT_VOIDED', 'PAYMENT_REFUNDED', 'SETTLED'].includes(entry.type) &&
        Date.parse(entry.at) >= outageFrom,
    );
    if (claimed)
      problems.push({
        orderId: order.orderId,
        problem: `${claimed.type} at ${claimed.at}, during the outage`,
      });
  }
  for (const [region, status] of Object.entries(look.owedByRegion)) {
    const counted = pendingByRegion[region] ?? 0;
    if (status === null) problems.push({ orderId: '-', problem: `${region}'s status could not be read` });
    else if (status.owed !== counted)
      problems.push({
        orderId: '-',
        problem: `${region}'s status says ${status.owed} owed, its orders ${counted}`,
      });
  }
  const statuses = Object.entries(look.owedByRegion)
    .map(([region, status]) =>
      status === null
        ? `${region} unreadable`
        : `${region} owes ${status.owed} (oldest ${status.oldestAgeMs === null ? '-' : `${Math.round(status.oldestAgeMs / 1000)} s`})`,
    )
    .join(', ');
  return {
    name,
    passed: problems.length === 0,
    summary: `${Math.round((look.at - outageFrom) / 1000)} s into the outage: ${closed} closed orders, ${Object.values(pendingByRegion).reduce((sum, n) => sum + n, 0)} showing ${JSON.stringify(owed)} pending; status: ${statuses}; ${problems.length} problems`,
    ...(problems.length > 0 ? { details: capped(problems) } : {}),
  };
}
