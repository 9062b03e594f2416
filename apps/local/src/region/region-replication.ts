import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type ApplyResult,
  ChangeApplier,
  ChangeFeed,
  LinkState,
  type LocalEventBus,
  type Peer,
  ReplicationPuller,
  type SqliteItemStore,
} from '@meridian/adapters-local';
import { asEntity, type DomainContext, receiveStock, type StockTransfer } from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import { PeerStockTransfers } from './peer-stock-transfers';

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
}) {
  const { db, ctx, logger } = deps;
  const feed = new ChangeFeed(db);
  deps.store.onWrite(() => feed.notify());
  deps.store.onCommit(() => feed.notify());
  const applier = new ChangeApplier(db, () => ctx.clock.now());
  const link = new LinkState(deps.linkUp);

  const creditTransfers = async (transfers: StockTransfer[]) => {
    for (const transfer of transfers) {
      if (await receiveStock(ctx, transfer)) {
        logger.info('stock transfer credited', {
          transferId: transfer.transferId,
          sku: transfer.sku,
          quantity: transfer.quantity,
          from: transfer.fromRegion,
        });
      }
    }
  };
  const transfersIn = (result: ApplyResult) =>
    result.applied
      .filter((change) => change.sk.startsWith('TRANSFER#'))
      .map((change) => asEntity<StockTransfer>(JSON.parse(change.data) as Record<string, unknown>))
      .filter((transfer) => transfer.toRegion === ctx.region);

  const puller = new ReplicationPuller({
    region: ctx.region,
    peers: deps.peers,
    applier,
    link,
    now: () => ctx.clock.now(),
    publishEvents: (events) => deps.bus.putEvents(events),
    onApplied: (result) => creditTransfers(transfersIn(result)),
    onConflict: (conflict, peer) =>
      logger.warn('replication conflict resolved last-writer-wins', { peer, ...conflict }),
  });

  return {
    feed,
    applier,
    link,
    puller,
    stock:
      deps.peers.length > 0 ? new PeerStockTransfers({ peers: deps.peers, link, ids: ctx.ids }) : undefined,
    /** Credits transfers that replicated here before a crash but were not credited yet, then starts pulling. */
    async start(): Promise<number> {
      const pending = db
        .prepare("SELECT data FROM items WHERE sk LIKE 'TRANSFER#%' AND json_extract(data, '$.toRegion') = ?")
        .all(ctx.region) as Array<{ data: string }>;
      await creditTransfers(
        pending.map((row) => asEntity<StockTransfer>(JSON.parse(row.data) as Record<string, unknown>)),
      );
      puller.start();
      return pending.length;
    },
    stop: () => puller.stop(),
  };
}

export type RegionReplication = ReturnType<typeof createRegionReplication>;
