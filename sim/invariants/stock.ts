import type { FinalState, ItemRow, RegionState } from './final-state';
import { allOrders } from './orders';
import { INVARIANTS, type Violation } from './violation';

interface Transfer {
  transferId: string;
  sku: string;
  fromRegion: string;
  toRegion: string;
  quantity: number;
}

const SUPPLIER = 'supplier';

/**
 * Escrow, checked from the stores: per SKU, what the supplier delivered (every restock share, once, by
 * its id) equals what the regions hold (available + reserved + sold, each region's own allotment) plus
 * units in transfers not yet credited; nothing is left reserved; no count is negative; sold units are
 * those of CONFIRMED orders and of cancelled orders whose parcel had left (a return is expected).
 */
export function checkStock(state: FinalState): Violation[] {
  const violations: Violation[] = [];
  const union = new Map<string, ItemRow>();
  for (const region of state.regions) for (const [key, row] of region.items) union.set(key, row);
  const transfers = [...union.values()]
    .filter((row) => row.sk.startsWith('TRANSFER#'))
    .map((row) => JSON.parse(row.data) as Transfer);
  const supply = new Map<string, number>();
  const shares = new Set<string>();
  const addShare = (id: string, sku: string, quantity: number) => {
    if (shares.has(`${sku}/${id}`)) return;
    shares.add(`${sku}/${id}`);
    supply.set(sku, (supply.get(sku) ?? 0) + quantity);
  };
  for (const transfer of transfers)
    if (transfer.fromRegion === SUPPLIER) addShare(transfer.transferId, transfer.sku, transfer.quantity);
  // A restock's own share is credited directly by the region that took it (a credit record, no transfer).
  for (const row of union.values()) {
    if (!row.sk.startsWith('CREDIT#restock_')) continue;
    const credit = JSON.parse(row.data) as { transferId: string; quantity: number };
    addShare(credit.transferId, row.pk.slice('STOCK#'.length), credit.quantity);
  }
  const byName = new Map(state.regions.map((region) => [region.name, region]));
  const credited = (region: RegionState | undefined, sku: string, id: string) =>
    region?.items.has(`STOCK#${sku}\u0000CREDIT#${id}`) ?? false;

  const sold = new Map<string, number>();
  for (const order of allOrders(state).values()) {
    const keepsUnits =
      order.status === 'CONFIRMED' ||
      (order.status === 'CANCELLED' && order.shipment?.status === 'RETURN_REQUESTED');
    if (!keepsUnits) continue;
    for (const line of order.lines) sold.set(line.sku, (sold.get(line.sku) ?? 0) + line.quantity);
  }

  for (const [sku, known] of state.supplyKnown) {
    const supplied = supply.get(sku) ?? 0;
    if (supplied < known.atLeast || supplied > known.atMost)
      violations.push({
        invariant: INVARIANTS.stockConserved,
        detail: `${sku}: the stores record ${supplied} units supplied, the operator supplied ${known.atLeast === known.atMost ? known.atLeast : `${known.atLeast} to ${known.atMost}`}`,
        subjects: [sku],
      });
  }
  for (const [sku, supplied] of supply) {
    let total = 0;
    let reserved = 0;
    let soldUnits = 0;
    const counts: string[] = [];
    for (const region of state.regions) {
      const own = region.items.get(`STOCK#${sku}\u0000ALLOTMENT#${region.name}`);
      if (!own) continue;
      const allotment = JSON.parse(own.data) as { available: number; reserved: number; sold: number };
      counts.push(`${region.name} ${allotment.available}/${allotment.reserved}/${allotment.sold}`);
      if (allotment.available < 0 || allotment.reserved < 0 || allotment.sold < 0)
        violations.push({
          invariant: INVARIANTS.noOversell,
          detail: `${sku} in ${region.name}: a negative count (${counts.at(-1)})`,
          subjects: [sku],
        });
      total += allotment.available + allotment.reserved + allotment.sold;
      reserved += allotment.reserved;
      soldUnits += allotment.sold;
    }
    const inTransit = transfers
      .filter(
        (transfer) =>
          transfer.sku === sku && !credited(byName.get(transfer.toRegion), sku, transfer.transferId),
      )
      .reduce((sum, transfer) => sum + transfer.quantity, 0);
    const where = `available/reserved/sold ${counts.join(', ')}; in transit ${inTransit}`;
    if (soldUnits > supplied)
      violations.push({
        invariant: INVARIANTS.noOversell,
        detail: `${sku}: ${soldUnits} sold of ${supplied} supplied (${where})`,
        subjects: [sku],
      });
    if (total + inTransit !== supplied)
      violations.push({
        invariant: INVARIANTS.stockConserved,
        detail: `${sku}: supplied ${supplied}, held ${total} + in transit ${inTransit} (${where})`,
        subjects: [sku],
      });
    if (reserved !== 0)
      violations.push({
        invariant: INVARIANTS.stockConserved,
        detail: `${sku}: ${reserved} units left reserved (${where})`,
        subjects: [sku],
      });
    if (soldUnits !== (sold.get(sku) ?? 0))
      violations.push({
        invariant: INVARIANTS.stockConserved,
        detail: `${sku}: ${soldUnits} units sold, ${sold.get(sku) ?? 0} in orders that keep them (${where})`,
        subjects: [sku],
      });
  }
  return violations;
}

/** Once healed and quiet, every region holds the same image of every item. */
export function checkReplicas(state: FinalState): Violation[] {
  const [first, ...others] = state.regions;
  if (!first) return [];
  const violations: Violation[] = [];
  const keys = new Set<string>();
  for (const region of state.regions) for (const key of region.items.keys()) keys.add(key);
  const differing: string[] = [];
  for (const key of [...keys].sort()) {
    const images = state.regions.map((region) => {
      const row = region.items.get(key);
      return row
        ? `${row.data}|${row.version}|${row.updatedAt}|${row.writerRegion}|${row.gsi1pk}|${row.gsi1sk}|${row.gsi2pk}|${row.gsi2sk}`
        : 'absent';
    });
    if (new Set(images).size > 1) {
      const [pk = '', sk = ''] = key.split('\u0000');
      const holders = state.regions.map(
        (region, index) =>
          `${region.name}: ${images[index] === 'absent' ? 'absent' : `v${region.items.get(key)?.version}@${region.items.get(key)?.updatedAt}`}`,
      );
      differing.push(`${pk} ${sk} (${holders.join(', ')})`);
    }
  }
  if (differing.length > 0)
    violations.push({
      invariant: INVARIANTS.replicas,
      detail: `${differing.length} items differ between ${[first, ...others].map((region) => region.name).join(', ')}: ${differing.slice(0, 5).join('; ')}`,
      subjects: differing.slice(0, 5).map((entry) => entry.split(' ')[0]?.replace(/^ORDER#/, '') ?? ''),
    });
  return violations;
}
