import { addProduct, restockProduct, type StockTransfer } from '@meridian/domain';
import { expect } from 'vitest';
import { newKey, type OrderView, orderBody, waitFor } from '../../support/region-harness';
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

/** Adds a product (no stock yet) in the given region; it replicates to the others. */
export function addTestProduct(region: ClusterRegion, sku: string): Promise<unknown> {
  return addProduct(region.region.ctx, {
    sku,
    name: `Test ${sku}`,
    description: 'escrow test product',
    priceMinor: 1000,
    currency: 'USD',
    active: true,
    category: 'test',
  });
}

/**
 * Adds a product in the cluster's first region and restocks it evenly (the quantity must divide by the
 * number of regions); waits until every other region has credited its share from the replicated transfer.
 */
export async function createSku(cluster: Cluster, sku: string, quantity: number): Promise<void> {
  const [first, ...others] = cluster.regions;
  if (!first) throw new Error('empty cluster');
  if (quantity % cluster.regions.length !== 0)
    throw new Error(`${quantity} units do not split evenly over ${cluster.regions.length} regions`);
  await addTestProduct(first, sku);
  await restockProduct(first.region.ctx, { sku, quantity });
  const share = quantity / cluster.regions.length;
  for (const region of others) {
    await waitFor(async () => (region.ownAllotment(sku)?.available === share ? true : undefined), {
      what: `${region.name} to credit its share of ${sku}`,
    });
  }
  await cluster.waitForConvergence();
}

const CUSTOMERS = ['alice', 'bob', 'carol'];

/** Places `counts[region]` one-unit orders in each region, all at once, and waits for every outcome. */
export async function placeMany(
  cluster: Cluster,
  sku: string,
  counts: Record<string, number>,
): Promise<Array<{ region: ClusterRegion; order: OrderView }>> {
  const placements = cluster.regions.flatMap((region) =>
    Array.from({ length: counts[region.name] ?? 0 }, (_, index) => ({
      region,
      customer: CUSTOMERS[index % CUSTOMERS.length] ?? 'alice',
    })),
  );
  const placed = await Promise.all(
    placements.map(async ({ region, customer }) => {
      const token = await cluster.token(customer);
      const response = await cluster.placeOrder(region, orderBody({ sku }), {
        token,
        key: newKey('escrow'),
      });
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      expect(response.body.region).toBe(region.name);
      return { region, token, orderId: response.body.orderId };
    }),
  );
  return Promise.all(
    placed.map(async ({ region, token, orderId }) => ({
      region,
      order: await cluster.waitForTerminal(region, orderId, token, 20_000),
    })),
  );
}
