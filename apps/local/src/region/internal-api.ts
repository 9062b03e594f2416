import type {
  ChangeApplier,
  ChangeFeed,
  LinkState,
  ReplicationPuller,
  ReplicationStream,
} from '@meridian/adapters-local';
import {
  type DomainContext,
  InvalidStockOperationError,
  type StockTransfer,
  sendStock,
} from '@meridian/domain';
import { Hono } from 'hono';
import * as z from 'zod';
import { requireRegionKey } from '../auth/region-key';

/** The `from` of readers that are not peer regions (the front door's event stream, the CLI). */
export const OBSERVER = 'observer';

export interface InternalApiDependencies {
  ctx: DomainContext;
  feed: ChangeFeed;
  applier: ChangeApplier;
  puller: ReplicationPuller;
  link: LinkState;
  /** True once the region began stopping: long-polls end and peers are told to come back later. */
  isStopping: () => boolean;
  /** Extra status fields (outbox, bus, executions, what is owed) from the region. */
  extraStatus: () => Promise<Record<string, unknown>>;
  /** The regions' shared key: every route here needs it (regions, the front door and the launcher hold it). */
  regionKey: string;
}

const pullQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
  waitMs: z.coerce.number().int().min(0).max(30_000).default(0),
  from: z.string().min(1).max(40),
});

const transferBody = z.strictObject({
  transferId: z.string().min(1).max(100),
  sku: z.string().min(1).max(40),
  quantity: z.number().int().min(1).max(1_000_000),
  toRegion: z.string().min(1).max(40),
});

/**
 * Region-to-region endpoints (not under /api/v1, never routed by the front door, bound to loopback, and
 * only for callers holding the regions' key): the replication feeds peers long-poll, stock transfers, the
 * link switch and replication status. While the link is cut every peer-facing endpoint answers 503, as a
 * partition would.
 */
export function createInternalApi(deps: InternalApiDependencies): Hono {
  const app = new Hono();
  app.use('*', requireRegionKey(deps.regionKey));
  const peerFacing = new Set(['changes', 'events', 'transfers']);
  app.use('*', async (c, next) => {
    const last = c.req.path.split('/').at(-1) ?? '';
    // The operator's tools read the feeds as observers: a partition between regions does not blind them.
    const observer = c.req.query('from') === OBSERVER;
    if (peerFacing.has(last) && !observer && !deps.link.up)
      return c.json({ code: 'link_cut', detail: 'The link between regions is cut.' }, 503);
    await next();
  });

  for (const stream of ['changes', 'events'] as const satisfies ReplicationStream[]) {
    app.get(`/replication/${stream}`, async (c) => {
      const query = pullQuery.safeParse(c.req.query());
      if (!query.success) return c.json({ code: 'invalid_request', detail: query.error.message }, 400);
      const { after, limit, waitMs, from } = query.data;
      deps.feed.acknowledge(from, stream, after);
      const read = () =>
        stream === 'changes' ? deps.feed.readChanges(after, limit) : deps.feed.readEvents(after, limit);
      let items = read();
      const now = () => deps.ctx.clock.now();
      const deadline = now() + waitMs;
      const stopping = () => c.json({ code: 'stopping', detail: 'The region is stopping.' }, 503);
      while (items.length === 0 && now() < deadline && !c.req.raw.signal.aborted) {
        if (deps.isStopping()) return stopping();
        await deps.feed.waitForNew(deadline - now(), c.req.raw.signal, stream);
        // Woken by stop(): the database is about to close.
        if (deps.isStopping()) return stopping();
        items = read();
      }
      return c.json({ items });
    });
  }

  app.get('/replication/events/head', (c) => c.json({ seq: deps.feed.headSeq('events') }));

  app.post('/inventory/transfers', async (c) => {
    const body = transferBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ code: 'invalid_request', detail: body.error.message }, 400);
    if (deps.isStopping()) return c.json({ code: 'stopping', detail: 'The region is stopping.' }, 503);
    let transfer: StockTransfer | undefined;
    try {
      transfer = await sendStock(deps.ctx, body.data);
    } catch (error) {
      if (error instanceof InvalidStockOperationError)
        return c.json({ code: error.code, detail: error.message }, 422);
      throw error;
    }
    if (!transfer)
      return c.json({ code: 'no_stock', detail: `No ${body.data.sku} to spare in ${deps.ctx.region}.` }, 409);
    return c.json({ transfer }, 201);
  });

  // Benchmarks measure lag per phase: forget the samples taken so far.
  app.post('/replication/reset-lag', (c) => {
    deps.puller.resetLag();
    return c.json({ reset: true });
  });

  app.put('/link', async (c) => {
    const body = z.object({ up: z.boolean() }).safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ code: 'invalid_request', detail: 'Send {"up": true|false}.' }, 400);
    deps.link.set(body.data.up);
    return c.json({ region: deps.ctx.region, link: deps.link.up ? 'up' : 'cut' });
  });

  app.get('/status', async (c) =>
    c.json({
      region: deps.ctx.region,
      link: deps.link.up ? 'up' : 'cut',
      replication: {
        peers: deps.puller.status(),
        conflicts: deps.applier.conflictCount(),
        recentConflicts: deps.applier.recentConflicts(10),
      },
      ...(await deps.extraStatus()),
    }),
  );

  return app;
}
