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
  let awaitingReturn = 0;
  for (const copies of copiesById(state).values()) {
    const order = authoritative(copies);
    // A duplicate cancelled after its parcel left keeps its units sold until the return comes back.
    const returning =
      order?.status === 'CANCELLED' &&
      order.shipment?.status === 'RETURN_REQUESTED' &&
      order.inventory === 'COMMITTED';
    if (returning) awaitingReturn++;
    if (order?.status !== 'CONFIRMED' && !returning) continue;
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
        name: 'units sold = units in CONFIRMED orders (and cancelled ones awaiting a return)',
        passed: soldMismatch.length === 0,
        summary: `${soldMismatch.length === 0 ? 'every SKU matches' : `${soldMismatch.length} SKUs differ`}; ${awaitingReturn} cancelled orders awaiting a return`,
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
