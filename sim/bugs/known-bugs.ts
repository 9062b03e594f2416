import {
  asEntity,
  cancelDuplicateOrder,
  claimsOverlap,
  compareOrderAge,
  type DuplicateKeyWork,
  type ItemStore,
  loadClaims,
  nowIso,
  resolveDueDuplicates,
  type SagaDependencies,
  type StoredItem,
} from '@meridian/domain';
import { createSagaHandlers } from '@meridian/functions/saga';
import type { LocalRegionOptions } from '@meridian/local/region/local-region';
import type { Prng } from '../kernel/prng';

/**
 * Bugs the platform once had (issue 12), switched back on in the simulator only, to prove it catches
 * them: `npm run sim -- --bug <name> --seeds 1000` must fail.
 */
export const KNOWN_BUGS = {
  'compensation-gives-up':
    'a compensation that fails after its retries is dropped: the order closes as if it had run, nothing is owed',
  'forward-after-compensation':
    'forward steps ignore that compensation began and take a cancelled shipment for a created one (a run resumed after a crash goes forward again)',
  'later-duplicate-wins':
    'when two regions accepted one Idempotency-Key, the later order is kept and the earlier cancelled, whatever their outcomes',
  'cursor-skips-change': 'a replication pull now and then leaves out a change and the cursor moves past it',
} as const;
export type KnownBug = keyof typeof KNOWN_BUGS;

export function isKnownBug(name: string): name is KnownBug {
  return Object.hasOwn(KNOWN_BUGS, name);
}

const FORWARD_STEPS = [
  'ReserveInventory',
  'AuthorizePayment',
  'CreateShipment',
  'CapturePayment',
  'ConfirmOrder',
] as const;

/** The region options that switch the bugs on (through the composition root's seams). */
export function buggyRegionOptions(bugs: ReadonlySet<KnownBug>): Partial<LocalRegionOptions> {
  const options: Partial<LocalRegionOptions> = {};
  if (bugs.has('compensation-gives-up') || bugs.has('forward-after-compensation')) {
    options.sagaHandlers = (deps: SagaDependencies) => {
      const handlers: Record<string, (input: unknown) => Promise<unknown>> = { ...createSagaHandlers(deps) };
      if (bugs.has('compensation-gives-up')) {
        const failOrder = handlers.FailOrder;
        handlers.FailOrder = (input) => {
          const { input: state, ...rest } = input as { input?: Record<string, unknown> };
          const { compensationErrors: _dropped, ...kept } = state ?? {};
          return (failOrder as (input: unknown) => Promise<unknown>)({ ...rest, input: kept });
        };
      }
      if (bugs.has('forward-after-compensation')) {
        const forgetful = createSagaHandlers({
          ...deps,
          ctx: { ...deps.ctx, store: forgetCompensation(deps.ctx.store) },
        });
        for (const step of FORWARD_STEPS) handlers[step] = forgetful[step];
      }
      return handlers;
    };
  }
  if (bugs.has('later-duplicate-wins')) options.duplicateSweep = laterRecordWins;
  return options;
}

/** The store as the forward steps saw it before compensation became one-way. */
function forgetCompensation(store: ItemStore): ItemStore {
  const forget = (item: StoredItem): StoredItem => {
    if (!item.pk.startsWith('ORDER#') || item.sk !== 'ORDER') return item;
    const { compensation: _forgotten, ...data } = item.data as Record<string, unknown> & {
      shipment?: { status: string };
    };
    const shipment = data.shipment as { status: string } | undefined;
    if (shipment?.status === 'CANCELLED') data.shipment = { ...shipment, status: 'CREATED' };
    return { ...item, data };
  };
  return {
    get: async (pk, sk) => {
      const item = await store.get(pk, sk);
      return item && forget(item);
    },
    getMany: async (keys) => (await store.getMany(keys)).map(forget),
    queryPartition: async (pk, options) => (await store.queryPartition(pk, options)).map(forget),
    queryIndex: async (index, pk, options) => {
      const page = await store.queryIndex(index, pk, options);
      return { ...page, items: page.items.map(forget) };
    },
    transact: (writes, events) => store.transact(writes, events),
  };
}

/** The old duplicate rule: of two orders for one key, the later record wins, whatever became of either. */
const laterRecordWins: typeof resolveDueDuplicates = async (ctx, workflow, timing, limit = 50) => {
  const now = nowIso(ctx);
  const page = await ctx.store.queryIndex('gsi1', `DUPLICATES_DUE#${ctx.region}`, { limit });
  for (const work of page.items.map((item) => asEntity<DuplicateKeyWork>(item.data))) {
    if (work.dueAt > now) continue;
    const claims = (await loadClaims(ctx, work.customerId, work.key)).map((stored) => stored.claim);
    for (const own of claims.filter((claim) => claim.region === ctx.region)) {
      const later = claims
        .filter(
          (claim) =>
            claim.orderId !== own.orderId && claimsOverlap(claim, own) && compareOrderAge(own, claim) < 0,
        )
        .sort(compareOrderAge)
        .at(-1);
      if (later)
        await cancelDuplicateOrder(ctx, workflow, { orderId: own.orderId, keptOrderId: later.orderId });
    }
  }
  return resolveDueDuplicates(ctx, workflow, timing, limit);
};

/** The replication bug: a pulled batch of item changes loses one change, and the cursor still moves past it. */
export function skipReplicatedChange(
  prng: Prng,
): (from: string, to: string, path: string, text: string) => string {
  return (_from, _to, path, text) => {
    if (!path.startsWith('/internal/replication/changes') || !prng.chance(0.05)) return text;
    const body = JSON.parse(text) as { items?: unknown[] };
    if (!body.items || body.items.length < 2) return text;
    body.items.splice(prng.int(0, body.items.length - 2), 1);
    return JSON.stringify(body);
  };
}
