import { errorMessage } from './http';
import type { Progress } from './progress';
import { sleep } from './progress';
import type { InternalStatus, OrderView, RegionReader } from './region-reader';
import { readTransferTruth, type TransferTruth } from './store-files';

export interface RegionState {
  region: string;
  orders: Map<string, OrderView>;
  status: InternalStatus;
}

export interface Snapshot {
  regions: RegionState[];
  transfers: TransferTruth;
}

const TERMINAL = new Set(['CONFIRMED', 'FAILED', 'CANCELLED']);

/** The region an order id names (`ord_<id>_<region>`): its only writer. */
export function ownerOf(orderId: string): string | undefined {
  return /^ord_[0-9A-Za-z]+_([a-z0-9-]+)$/.exec(orderId)?.[1];
}

/** What must match between regions once replication has caught up: the whole order as written. */
export function orderFingerprint(order: OrderView): string {
  return `${order.status}|${order.updatedAt}|${order.timeline.length}|${order.payment?.status ?? '-'}|${order.inventory}`;
}

export async function takeSnapshot(readers: readonly RegionReader[], dataDir: string): Promise<Snapshot> {
  const regions = await Promise.all(
    readers.map(async (reader) => {
      const [orders, status] = await Promise.all([reader.orders(), reader.status()]);
      return { region: reader.region, orders, status };
    }),
  );
  return {
    regions,
    transfers: readTransferTruth(
      dataDir,
      readers.map((reader) => reader.region),
    ),
  };
}

/** Why the platform has not converged yet (empty when it has): the convergence condition, spelled out. */
export async function divergences(
  readers: readonly RegionReader[],
  snapshot: Snapshot,
  acknowledged: ReadonlySet<string>,
): Promise<string[]> {
  const reasons: string[] = [];
  const byName = new Map(snapshot.regions.map((state) => [state.region, state]));
  for (const state of snapshot.regions) {
    const { status } = state;
    if (status.outbox.unpublished > 0)
      reasons.push(`${state.region}: ${status.outbox.unpublished} unpublished events`);
    if (status.bus.pendingDeliveries > 0)
      reasons.push(`${state.region}: ${status.bus.pendingDeliveries} pending bus deliveries`);
    const running = status.executions?.RUNNING ?? 0;
    if (running > 0) reasons.push(`${state.region}: ${running} sagas running`);
    const undecided = status.duplicates?.open ?? 0;
    if (undecided > 0)
      reasons.push(
        `${state.region}: ${undecided} Idempotency-Keys it and another region accepted not decided yet`,
      );
    for (const peer of status.replication.peers) {
      const source = readers.find((reader) => reader.region === peer.peer);
      if (!source) continue;
      for (const stream of ['changes', 'events'] as const) {
        if (await source.hasAfter(stream, peer.cursors[stream]))
          reasons.push(
            `${state.region}: ${stream} cursor for ${peer.peer} behind (at ${peer.cursors[stream]})`,
          );
      }
    }
  }
  const allIds = new Set([...acknowledged, ...snapshot.regions.flatMap((state) => [...state.orders.keys()])]);
  let missing = 0;
  let pending = 0;
  let differing = 0;
  for (const orderId of allIds) {
    const copies = snapshot.regions.map((state) => state.orders.get(orderId));
    const own = byName.get(ownerOf(orderId) ?? '')?.orders.get(orderId);
    if (copies.some((copy) => copy === undefined)) missing++;
    if (own && !TERMINAL.has(own.status)) pending++;
    const prints = new Set(copies.filter((copy) => copy !== undefined).map(orderFingerprint));
    if (prints.size > 1) differing++;
  }
  if (missing > 0) reasons.push(`${missing} orders missing in some region`);
  if (pending > 0) reasons.push(`${pending} orders not terminal in their own region`);
  if (differing > 0) reasons.push(`${differing} orders differ between regions`);
  const uncredited = snapshot.transfers.uncredited.length;
  if (uncredited > 0) reasons.push(`${uncredited} stock transfers not credited`);
  return reasons;
}

/**
 * Waits (bounded) until every order is terminal in its own region and identical everywhere, outboxes and
 * bus deliveries are drained, replication cursors have caught up, every stock transfer is credited and
 * every key two regions accepted is decided. (What closed orders owe is waited for apart: it needs the
 * provider back.)
 */
export async function waitForConvergence(options: {
  readers: readonly RegionReader[];
  dataDir: string;
  acknowledged: ReadonlySet<string>;
  timeoutMs: number;
  progress: Progress;
}): Promise<{ converged: boolean; elapsedMs: number; reasons: string[] }> {
  const started = Date.now();
  let reasons: string[] = ['not checked yet'];
  let lastPrinted = '';
  while (Date.now() - started < options.timeoutMs) {
    try {
      const snapshot = await takeSnapshot(options.readers, options.dataDir);
      reasons = await divergences(options.readers, snapshot, options.acknowledged);
    } catch (error) {
      reasons = [`cannot read the regions: ${errorMessage(error)}`];
    }
    if (reasons.length === 0) return { converged: true, elapsedMs: Date.now() - started, reasons };
    const line = reasons.slice(0, 4).join('; ');
    if (line !== lastPrinted) options.progress.info(`converging: ${line}`);
    lastPrinted = line;
    await sleep(2000);
  }
  return { converged: false, elapsedMs: Date.now() - started, reasons };
}
