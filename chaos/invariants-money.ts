import { authoritative, capped, copiesById, type FinalState, type InvariantResult } from './invariant';

interface SkuStock {
  sku: string;
  supply: number;
  available: number;
  reserved: number;
  sold: number;
  inTransfer: number;
  confirmedUnits: number;
  /** Each owning region's own allotment, as that region reports it. */
  byRegion: Record<string, { available: number; reserved: number; sold: number } | null>;
}

/**
 * Escrow conservation per SKU: what was supplied equals what the owning regions hold (available +
 * reserved + sold, each region reporting its own allotment) plus units in transfers not yet credited.
 */
export function checkStock(state: FinalState): { rows: InvariantResult[]; oversold: number } {
  const regions = state.snapshot.regions.map((region) => region.region);
  const confirmed = new Map<string, number>();
  for (const copies of copiesById(state).values()) {
    const order = authoritative(copies);
    if (order?.status !== 'CONFIRMED') continue;
    for (const line of order.lines) confirmed.set(line.sku, (confirmed.get(line.sku) ?? 0) + line.quantity);
  }
  const stocks: SkuStock[] = Object.entries(state.supply).map(([sku, supply]) => {
    const byRegion: SkuStock['byRegion'] = {};
    for (const region of regions) {
      const product = state.products[region]?.find((candidate) => candidate.sku === sku);
      const own = product?.stock.byRegion.find((allotment) => allotment.region === region);
      byRegion[region] = own ? { available: own.available, reserved: own.reserved, sold: own.sold } : null;
    }
    const total = (field: 'available' | 'reserved' | 'sold') =>
      Object.values(byRegion).reduce((sum, allotment) => sum + (allotment?.[field] ?? 0), 0);
    const inTransfer = state.snapshot.transfers.uncredited
      .filter((transfer) => transfer.sku === sku)
      .reduce((sum, transfer) => sum + transfer.quantity, 0);
    return {
      sku,
      supply,
      available: total('available'),
      reserved: total('reserved'),
      sold: total('sold'),
      inTransfer,
      confirmedUnits: confirmed.get(sku) ?? 0,
      byRegion,
    };
  });
  const unbalanced = stocks.filter((s) => s.available + s.reserved + s.sold + s.inTransfer !== s.supply);
  const reserved = stocks.filter((s) => s.reserved !== 0);
  const oversold = stocks.reduce((sum, s) => sum + Math.max(0, s.sold - s.supply), 0);
  const soldMismatch = stocks.filter((s) => s.sold !== s.confirmedUnits);
  const inTransfer = stocks.reduce((sum, s) => sum + s.inTransfer, 0);
  return {
    oversold,
    rows: [
      {
        name: 'stock conserved per SKU across regions',
        passed: unbalanced.length === 0,
        summary: `${stocks.length} SKUs, ${unbalanced.length} unbalanced; ${inTransfer} units in uncredited transfers`,
        details: { unbalanced: capped(unbalanced), all: stocks },
      },
      {
        name: 'nothing left reserved',
        passed: reserved.length === 0,
        summary: `${reserved.reduce((sum, s) => sum + s.reserved, 0)} units reserved at the end`,
        ...(reserved.length > 0 ? { details: capped(reserved) } : {}),
      },
      {
        name: 'no units oversold',
        passed: oversold === 0,
        summary: `${oversold} units sold beyond supply`,
      },
      {
        name: 'units sold = units in CONFIRMED orders',
        passed: soldMismatch.length === 0,
        summary: soldMismatch.length === 0 ? 'every SKU matches' : `${soldMismatch.length} SKUs differ`,
        ...(soldMismatch.length > 0
          ? {
              details: soldMismatch.map((s) => ({
                sku: s.sku,
                sold: s.sold,
                confirmedUnits: s.confirmedUnits,
              })),
            }
          : {}),
      },
    ],
  };
}

/**
 * The provider's ledger against the orders: exactly one capture per CONFIRMED order and nothing left
 * captured on a FAILED or CANCELLED order. A capture for an order no region knows is money taken for
 * nothing.
 *
 * A FAILED order may have been captured: capture-then-fail is a path of the saga
 * (statemachines/order-saga.asl.json), not a fault. CapturePayment's Catch goes to RefundPayment (the
 * provider may have captured before the step failed, and capturePayment records any capture that
 * happened so RefundPayment finds it), and so does ConfirmOrder's (the capture is done when confirming
 * fails); RefundPayment then refunds in full and FailOrder closes the order FAILED. So for FAILED orders
 * the check is "every captured cent refunded", and such orders are counted in a separate INFO row, so
 * that a run where they suddenly become frequent is visible.
 */
export function checkLedger(state: FinalState): InvariantResult[] {
  const byOrder = new Map<
    string,
    { captures: number; captured: number; refunded: number; authorizations: number; voids: number }
  >();
  for (const entry of state.ledger) {
    const totals = byOrder.get(entry.order_id) ?? {
      captures: 0,
      captured: 0,
      refunded: 0,
      authorizations: 0,
      voids: 0,
    };
    if (entry.type === 'capture') {
      totals.captures++;
      totals.captured += entry.amount;
    }
    if (entry.type === 'refund') totals.refunded += entry.amount;
    if (entry.type === 'authorization') totals.authorizations++;
    if (entry.type === 'void') totals.voids++;
    byOrder.set(entry.order_id, totals);
  }
  const problems: Array<{ orderId: string; status: string; problem: string }> = [];
  const capturedThenFailed: Array<{
    orderId: string;
    captured: number;
    refunded: number;
    failureReason: string | null;
    timeline: string[];
  }> = [];
  const copies = copiesById(state);
  for (const [orderId, orderCopies] of copies) {
    const order = authoritative(orderCopies);
    if (!order) continue;
    const totals = byOrder.get(orderId) ?? {
      captures: 0,
      captured: 0,
      refunded: 0,
      authorizations: 0,
      voids: 0,
    };
    if (order.status === 'CONFIRMED' && (totals.captures !== 1 || totals.refunded !== 0))
      problems.push({
        orderId,
        status: order.status,
        problem: `${totals.captures} captures, ${totals.refunded} refunded`,
      });
    if ((order.status === 'FAILED' || order.status === 'CANCELLED') && totals.captured !== totals.refunded)
      problems.push({
        orderId,
        status: order.status,
        problem: `captured ${totals.captured}, refunded ${totals.refunded}`,
      });
    if (order.status === 'FAILED' && totals.captures > 0 && totals.captured === totals.refunded)
      capturedThenFailed.push({
        orderId,
        captured: totals.captured,
        refunded: totals.refunded,
        failureReason: order.failureReason ?? null,
        timeline: order.timeline.map((entry) => entry.type),
      });
    if (totals.authorizations > 1)
      problems.push({ orderId, status: order.status, problem: `${totals.authorizations} authorizations` });
  }
  for (const [orderId, totals] of byOrder) {
    if (!copies.has(orderId) && totals.captured > totals.refunded)
      problems.push({ orderId, status: 'unknown to every region', problem: `captured ${totals.captured}` });
  }
  const captures = [...byOrder.values()].reduce((sum, totals) => sum + totals.captures, 0);
  return [
    {
      name: 'one capture per CONFIRMED order, none left on FAILED/CANCELLED',
      passed: problems.length === 0,
      summary: `${state.ledger.length} ledger entries, ${captures} captures, ${problems.length} problems`,
      ...(problems.length > 0 ? { details: capped(problems) } : {}),
    },
    {
      name: 'FAILED orders captured then refunded in full (saga compensation path)',
      passed: true,
      informational: true,
      summary: `${capturedThenFailed.length} FAILED orders were captured and refunded`,
      ...(capturedThenFailed.length > 0 ? { details: capped(capturedThenFailed) } : {}),
    },
  ];
}
