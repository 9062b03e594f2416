import {
  type ApplyResult,
  appliedItems,
  ChangeApplier,
  ChangeFeed,
  LinkState,
  type LocalEventBus,
  type Peer,
  ReplicationPuller,
  type SqliteItemStore,
} from '@meridian/adapters-local';
import type { HttpClient, Timers } from '@meridian/adapters-node';
import {
  type DomainContext,
  peerClaimOf,
  type RecordImage,
  type RecoveryQueries,
  transferAddressedTo,
} from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import { PeerStockTransfers } from './peer-stock-transfers';
import type { RegionLogger } from './region-options';
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
  logger: Pick<RegionLogger, 'info' | 'warn' | 'error'>;
  timers: Timers;
  /** The region's pooled client for peer requests (long-polls, transfers). */
  http: HttpClient;
  batchSize?: number;
  /** How long a peer may hold a pull open when it has nothing new (default 1000 ms). */
  waitMs?: number;
  /** How long a start waits for the peers' changes before it resumes this region's orders. */
  catchUpMs?: number;
  /** The start-up scans of the table. */
  queries: RecoveryQueries;
  /** Another region's claims on Idempotency-Keys arrived: this region may hold a twin order to decide on. */
  claimsArrived: (keys: Array<{ customerId: string; key: string }>) => Promise<void>;
}) {
  const { db, ctx, logger } = deps;
  const feed = new ChangeFeed(db, {
    timers: deps.timers,
    onSaveError: (error) => logger.warn("could not save the peers' read positions; retrying", { error }),
  });
  deps.store.onWrite(() => feed.notify('changes'));
  deps.store.onCommit(() => feed.notify('events'));
  const applier = new ChangeApplier(db, () => ctx.clock.now());
  const link = new LinkState(deps.linkUp);
  let stopping = false;

  const credits = new TransferCredits({ ctx, logger, timers: deps.timers });
  // What a peer's changes brought that this region must act on: stock transfers addressed to it, and
  // another region's claims on Idempotency-Keys (if this region claimed the same key for another order,
  // two regions accepted one request, and the domain's duplicate rule decides which order is kept).
  // An unreadable record is logged and left: it cannot be acted on, and must not stop the rest.
  const readApplied = <T>(result: ApplyResult, read: (item: RecordImage) => T | undefined): T[] =>
    appliedItems(result).flatMap((item) => {
      try {
        const found = read(item);
        return found === undefined ? [] : [found];
      } catch (error) {
        logger.error('a replicated record could not be read', {
          pk: item.pk,
          sk: item.sk,
          error: String(error),
        });
        return [];
      }
    });

  const puller = new ReplicationPuller({
    http: deps.http,
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.waitMs ? { waitMs: deps.waitMs } : {}),
    region: ctx.region,
    peers: deps.peers,
    applier,
    link,
    now: () => ctx.clock.now(),
    timers: deps.timers,
    publishEvents: (events) => publishReplicatedEvents(deps.bus, events, logger),
    onApplied: async (result) => {
      await credits.credit(readApplied(result, (item) => transferAddressedTo(item, ctx.region)));
      const claims = readApplied(result, (item) => peerClaimOf(item, ctx.region));
      if (claims.length > 0) await deps.claimsArrived(claims);
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
      const credited = await credits.credit(deps.queries.transfersTo(ctx.region));
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
