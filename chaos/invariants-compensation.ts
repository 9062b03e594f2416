import type { FaultWindow } from './fault-record';
import { capped, type InvariantResult } from './invariant';
import { closedOrderProblems, type OrderMoney } from './invariants-payments';
import type { ProviderFaultRecord } from './provider-faults';
import type { OrderView } from './region-reader';
import type { SettlementWait } from './settlement-wait';

const closed = (order: OrderView) => order.status === 'FAILED' || order.status === 'CANCELLED';

function closedAt(order: OrderView): number | null {
  const entry = order.timeline.find(
    (candidate) => candidate.type === 'FAILED' || candidate.type === 'CANCELLED',
  );
  return entry ? Date.parse(entry.at) : null;
}

/**
 * Compensation is one-way: an order whose compensation began (`compensation.startedAt`) never ends
 * CONFIRMED, whatever resumed it (a restart, a repeated start, an admin route).
 */
export function checkCompensationOneWay(orders: readonly OrderView[]): InvariantResult {
  const compensated = orders.filter((order) => order.compensation !== undefined);
  const forward = compensated.filter((order) => !closed(order));
  return {
    name: 'no order taken forward once its compensation began',
    passed: forward.length === 0,
    summary: `${compensated.length} orders were compensated; ${forward.length} of them did not end FAILED or CANCELLED`,
    ...(forward.length > 0
      ? {
          details: capped(
            forward.map((order) => ({
              orderId: order.orderId,
              status: order.status,
              compensationStartedAt: order.compensation?.startedAt,
              shipment: order.shipment?.status ?? null,
              timeline: order.timeline.map((entry) => entry.type),
            })),
          ),
        }
      : {}),
  };
}

/**
 * A region killed while its compensations retried (in the compensation outage) finishes them after its
 * restart: every order of that region whose compensation had begun before the kill and was not over
 * (the order not closed yet, or closed owing a settlement not made yet) ends FAILED or CANCELLED and
 * settled, never taken forward. Fails when there was no such order: the kill then did not test it.
 */
export function checkCompensationKill(input: {
  kill: FaultWindow | null;
  owedAtKill: number | null;
  orders: readonly OrderView[];
  money: ReadonlyMap<string, OrderMoney>;
}): InvariantResult {
  const name = 'orders compensating at the kill in the provider outage ended closed and settled';
  const { kill } = input;
  if (!kill) return { name, passed: false, summary: 'no kill during the compensation outage happened' };
  if (kill.confirmedAt === null)
    return { name, passed: false, summary: `kill of ${kill.region} not confirmed: ${kill.detail}` };
  const diedBy = kill.confirmedAt;
  let inSaga = 0;
  let owing = 0;
  const concerned = input.orders.filter((order) => {
    const began = order.compensation ? Date.parse(order.compensation.startedAt) : null;
    if (order.region !== kill.region || began === null || began >= diedBy) return false;
    const closedBy = closedAt(order);
    if (closedBy === null || closedBy >= diedBy) {
      inSaga++;
      return true;
    }
    const settledAt = order.settlement?.settledAt ? Date.parse(order.settlement.settledAt) : null;
    if (order.settlement && (settledAt === null || settledAt >= diedBy)) {
      owing++;
      return true;
    }
    return false;
  });
  if (concerned.length === 0)
    return {
      name,
      passed: false,
      summary: `not exercised: no order of ${kill.region} was compensating when it was killed`,
    };
  const problems = concerned.flatMap((order) => {
    const issues = closed(order)
      ? closedOrderProblems(order, input.money.get(order.orderId))
      : [`ended ${order.status}`];
    return issues.length > 0 ? [{ orderId: order.orderId, problem: issues.join('; ') }] : [];
  });
  return {
    name,
    passed: problems.length === 0,
    summary: `${concerned.length} orders of ${kill.region} were compensating when it was killed (${inSaga} in their saga, ${owing} closed owing a settlement; its status said ${input.owedAtKill ?? '?'} owed); ${problems.length} not closed and settled`,
    ...(problems.length > 0 ? { details: capped(problems) } : {}),
  };
}

/**
 * Every closed order settled within `boundMs` after the provider was back for good. The time is exact:
 * the last settlement made (`settlement.settledAt`) or money released at the provider (a void or refund
 * in the ledger) for a closed order after that moment, and it must be within the bound; the run's own
 * looks (every 2 s, from when it finished loading and converging) must have seen everything settled.
 * Per provider fault, the details give how long the orders owing when it ended took to settle.
 */
export function checkTimeToSettle(input: {
  providerBackAt: number | null;
  wait: SettlementWait | null;
  /** How many orders the regions owed when the provider came back (null when not known). */
  owedWhenBack: number | null;
  boundMs: number;
  orders: readonly OrderView[];
  money: ReadonlyMap<string, OrderMoney>;
  faults: readonly ProviderFaultRecord[];
}): { row: InvariantResult; timeToSettleMs: number | null } {
  const name = `every closed order settled within ${input.boundMs / 1000} s after the provider was back`;
  const { providerBackAt, wait } = input;
  if (providerBackAt === null || wait === null)
    return {
      row: { name, passed: false, summary: 'the provider was never brought back for good' },
      timeToSettleMs: null,
    };
  const settledAt = (order: OrderView) => {
    const times = [
      order.settlement?.settledAt ? Date.parse(order.settlement.settledAt) : 0,
      input.money.get(order.orderId)?.lastReleaseAt ?? 0,
    ];
    return Math.max(...times);
  };
  const closedOrders = input.orders.filter(closed);
  const last = Math.max(providerBackAt, ...closedOrders.map(settledAt));
  const timeToSettleMs = last - providerBackAt;
  const seenMs = wait.settledSeenAt === null ? null : wait.settledSeenAt - providerBackAt;
  const perFault = input.faults.flatMap((fault) => {
    if (fault.until === null) return [];
    const until = fault.until;
    const owing = closedOrders.filter(
      (order) =>
        order.settlement !== undefined &&
        Date.parse(order.settlement.since) <= until &&
        (order.settlement.settledAt === undefined || Date.parse(order.settlement.settledAt) >= until),
    );
    const lastSettled = Math.max(until, ...owing.map(settledAt));
    return [
      {
        fault: `${fault.kind} (${fault.purpose})`,
        ordersOwingWhenItEnded: owing.length,
        settledMsAfter: lastSettled - until,
      },
    ];
  });
  const passed = seenMs !== null && timeToSettleMs <= input.boundMs;
  const owed = `${input.owedWhenBack ?? '?'} orders owed when the provider was back`;
  return {
    row: {
      name,
      passed,
      summary:
        seenMs === null
          ? `${wait.remaining.length} closed orders still not settled when the run stopped looking (at most ${input.boundMs} ms after the provider was back); ${owed}`
          : `${timeToSettleMs} ms to the last settlement or release (all seen settled ${seenMs} ms after); ${owed}`,
      details: { perFault, ...(wait.remaining.length > 0 ? { remaining: capped(wait.remaining) } : {}) },
    },
    timeToSettleMs: passed ? timeToSettleMs : null,
  };
}
