import type { StockTransfer } from '@meridian/domain';
import type { Cluster, ClusterRegion } from './two-regions';

/**
 * Escrow bookkeeping across a cluster's databases: where every unit of a SKU is. Units are in an owner's
 * allotment (available, reserved or sold) or in a transfer its receiver has not credited yet.
 */

export function transfersOf(cluster: Cluster, sku: string): StockTransfer[] {
  const byId = new Map<string, StockTransfer>();
  for (const region of cluster.regions) {
    const rows = region.region.db
      .prepare("SELECT data FROM items WHERE pk = ? AND sk LIKE 'TRANSFER#%'")
      .all(`STOCK#${sku}`) as Array<{ data: string }>;
    for (const row of rows) {
      const transfer = JSON.parse(row.data) as StockTransfer;
      byId.set(transfer.transferId, transfer);
    }
  }
  return [...byId.values()];
}

export function creditedBy(region: ClusterRegion, sku: string, transferId: string): boolean {
  return (
    region.region.db
      .prepare('SELECT 1 FROM items WHERE pk = ? AND sk = ?')
      .get(`STOCK#${sku}`, `CREDIT#${transferId}`) !== undefined
  );
}

/**
 * One consistent snapshot (every region runs in this process and SQLite calls are synchronous, so
 * nothing commits between the reads): each owner's allotment plus the units in transfers not yet credited.
 */
export function ledger(cluster: Cluster, sku: string) {
  const own = Object.fromEntries(
    cluster.regions.map((region) => [
      region.name,
      region.ownAllotment(sku) ?? { available: 0, reserved: 0, sold: 0 },
    ]),
  );
  const inFlight = transfersOf(cluster, sku)
    .filter((transfer) => !creditedBy(cluster.get(transfer.toRegion), sku, transfer.transferId))
    .reduce((sum, transfer) => sum + transfer.quantity, 0);
  const allotted = Object.values(own).reduce((sum, a) => sum + a.available + a.reserved + a.sold, 0);
  const sold = Object.values(own).reduce((sum, a) => sum + a.sold, 0);
  const available = Object.values(own).reduce((sum, a) => sum + a.available, 0);
  const reserved = Object.values(own).reduce((sum, a) => sum + a.reserved, 0);
  return { own, inFlight, total: allotted + inFlight, sold, available, reserved };
}

/** Samples the ledger every few ms while `run` is in progress; returns the distinct totals seen. */
export async function watchLedger<T>(
  cluster: Cluster,
  sku: string,
  run: () => Promise<T>,
): Promise<{ result: T; totals: Set<number> }> {
  const totals = new Set<number>();
  let running = true;
  const watcher = (async () => {
    while (running) {
      totals.add(ledger(cluster, sku).total);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  try {
    return { result: await run(), totals };
  } finally {
    running = false;
    await watcher;
  }
}
