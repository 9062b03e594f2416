import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type ApplyResult,
  ChangeApplier,
  ChangeFeed,
  type HttpClient,
  LinkState,
  type LocalEventBus,
  type Peer,
  ReplicationPuller,
  type SqliteItemStore,
} from '@meridian/adapters-local';
import {
  asEntity,
  type DomainContext,
  isDuplicateKeyUse,
  regionOfOrderId,
  type StockTransfer,
} from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import { PeerStockTransfers } from './peer-stock-transfers';
import { publishReplicatedEvents } from './replicated-events';
import { TransferCredits } from './transfer-credits';

/**
 * A region's side of multi-region: its change feed for peers, the puller applying peers' changes and
 * events, the link switch, stock transfers from peers, and crediting transfers addressed to it.
 */
export function createRegionReplication(deps: {
  db: Database;
  store: SqliteItemStore;
  ctx: DomainContext;
  bus: LocalEventBus;
  peers: readonly Peer[];
  linkUp: boolean;
  logger: Logger;
  /** The region's pooled client for peer requests (long-polls, transfers). */
  http: HttpClient;
  batchSize?: number;
  /** How long a start waits for the peers' changes before it resumes this region's orders. */
  catchUpMs?: number;
  /** Cancels an order of this region that lost its idempotency key to another region's order. */
  cancelDuplicate: (orderId: string, winnerOrderId: string) => Promise<unknown>;
}) {
  const { db, ctx, logger } = deps;
  const feed = new ChangeFeed(db, {
    onSaveError: (error) => logger.warn("could not save the peers' read positions; retrying", { error }),
  });
  deps.store.onWrite(() => feed.notify('changes'));
  deps.store.onCommit(() => feed.notify('events'));
  const applier = new ChangeApplier(db, () => ctx.clock.now());
  const link = new LinkState(deps.linkUp);
  let stopping = false;

  const credits = new TransferCredits({ ctx, logger });
  const transfersIn = (result: ApplyResult) =>
    result.applied
      .filter((change) => change.sk.startsWith('TRANSFER#'))
      .map((change) => asEntity<StockTransfer>(JSON.parse(change.data) as Record<string, unknown>))
      .filter((transfer) => transfer.toRegion === ctx.region);

  // Two regions accepted the same customer + Idempotency-Key (a retry reached a peer before the first
  // region's record replicated). The records collide last-writer-wins; the region whose order lost
  // cancels it, so exactly one order per key survives.
  const cancelLostDuplicates = async (result: ApplyResult) => {
    for (const change of result.applied) {
      if (!change.pk.startsWith('IDEMPOTENCY#') || !change.previousData) continue;
      const replaced = JSON.parse(change.previousData) as { orderId?: string; expiresAt?: unknown };
      const taking = JSON.parse(change.data) as { orderId?: string; createdAt?: unknown };
      const mine = String(replaced.orderId ?? '');
      const winner = String(taking.orderId ?? '');
      if (!mine || mine === winner || regionOfOrderId(mine) !== ctx.region) continue;
      // The key expired before the other order took it: two orders a day apart, both legitimate.
      if (!isDuplicateKeyUse(replaced, taking)) continue;
      logger.warn('duplicate order for one idempotency key: cancelling the one that lost', {
        orderId: mine,
        winner,
      });
      await deps.cancelDuplicate(mine, winner);
    }
  };

  const puller = new ReplicationPuller({
    http: deps.http,
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    region: ctx.region,
    peers: deps.peers,
    applier,
    link,
    now: () => ctx.clock.now(),
    publishEvents: (events) => publishReplicatedEvents(deps.bus, events, logger),
    onApplied: async (result) => {
      await credits.credit(transfersIn(result));
      await cancelLostDuplicates(result);
    },
    onConflict: (conflict, peer) =>
      logger.warn('replication conflict resolved last-writer-wins', { peer, ...conflict }),
  });

  return {
    feed,
    applier,
    link,
    puller,
    stock:
      deps.peers.length > 0
        ? new PeerStockTransfers({ peers: deps.peers, link, ids: ctx.ids, http: deps.http })
        : undefined,
    /** Credits transfers that replicated here before a crash but were not credited yet, then starts pulling. */
    async start(): Promise<number> {
      const pending = db
        .prepare("SELECT data FROM items WHERE sk LIKE 'TRANSFER#%' AND json_extract(data, '$.toRegion') = ?")
        .all(ctx.region) as Array<{ data: string }>;
      const credited = await credits.credit(
        pending.map((row) => asEntity<StockTransfer>(JSON.parse(row.data) as Record<string, unknown>)),
      );
      // Learn what the peers decided while this region was down before resuming its own orders.
      await puller.catchUp(deps.catchUpMs ?? 2_000);
      puller.start();
      return credited;
    },
    get stopping(): boolean {
      return stopping;
    },
    /** Ends peers' pending long-polls (they get 503) and stops pulling, before the database closes. */
    async stop(): Promise<void> {
      stopping = true;
      feed.notify();
      await puller.stop();
      // Whatever is still uncredited is credited by the next start, from the applied transfer records.
      await credits.stop();
    },
  };
}

export type RegionReplication = ReturnType<typeof createRegionReplication>;
