import { EVENT_SOURCES } from '@meridian/contracts';
import { buildEvent, type DomainContext, nowIso, withConflictRetry } from '../shared/context';
import { ConditionFailedError, type CounterWrite, type ItemWrite } from '../store/item-store';
import { sortKeys } from '../store/keys';
import { allotmentCredit, allotmentMove, asEntity, loadAllotment } from '../store/repositories';
import { InvalidStockOperationError } from './allotment';

/** Where restocked units come from: not a region, so nobody's allotment is debited. */
export const SUPPLIER = 'supplier';

/**
 * Units moved from one allotment to another. The sending region debits its allotment and writes this
 * record in one transaction; the record replicates; the receiving region credits its own allotment
 * once, guarded by a credit record keyed by the transfer id.
 */
export interface StockTransfer {
  transferId: string;
  sku: string;
  fromRegion: string;
  toRegion: string;
  quantity: number;
  createdAt: string;
  /** For a share of a restock with an Idempotency-Key: the restock's request, to recognise a repeat. */
  restock?: string;
}

export const transferKey = (sku: string, transferId: string) => ({
  pk: `STOCK#${sku}`,
  sk: `${sortKeys.stockTransferPrefix}${transferId}`,
});
export const creditKey = (sku: string, transferId: string) => ({
  pk: `STOCK#${sku}`,
  sk: `${sortKeys.stockCreditPrefix}${transferId}`,
});

/** Port: asks a peer region to send units of a SKU to this region (escrow top-up). */
export interface StockTransferPort {
  /** Returns the transfer the peer committed, or undefined when it had nothing to give or was unreachable. */
  requestFromPeer(request: {
    sku: string;
    quantity: number;
    toRegion: string;
  }): Promise<StockTransfer | undefined>;
}

/**
 * Sender side: debits up to `quantity` units from this region's allotment for `toRegion`. Gives what it
 * can (possibly nothing). Idempotent by transfer id.
 */
export async function sendStock(
  ctx: DomainContext,
  request: { transferId: string; sku: string; quantity: number; toRegion: string },
): Promise<StockTransfer | undefined> {
  if (request.toRegion === ctx.region)
    throw new InvalidStockOperationError('a region cannot transfer stock to itself');
  // Units sent to a region that does not exist would never be credited: they would be lost for sale.
  if (!ctx.regions.includes(request.toRegion)) {
    throw new InvalidStockOperationError(`unknown region ${request.toRegion}`);
  }
  if (!Number.isSafeInteger(request.quantity) || request.quantity <= 0) {
    throw new InvalidStockOperationError('quantity must be a positive integer');
  }
  return withConflictRetry(async () => {
    const key = transferKey(request.sku, request.transferId);
    const existing = await ctx.store.get(key.pk, key.sk);
    if (existing) return asEntity<StockTransfer>(existing.data);
    const current = await loadAllotment(ctx.store, request.sku, ctx.region);
    const quantity = Math.min(request.quantity, current?.value.available ?? 0);
    if (!current || quantity <= 0) return undefined;
    const transfer: StockTransfer = {
      transferId: request.transferId,
      sku: request.sku,
      fromRegion: ctx.region,
      toRegion: request.toRegion,
      quantity,
      createdAt: nowIso(ctx),
    };
    // A counter write, floored at the units sent: orders reserving meanwhile make it retry only when they
    // leave fewer units than this transfer takes.
    await ctx.store.transact(
      [
        allotmentMove(request.sku, ctx.region, 'send', quantity),
        { ...key, data: { ...transfer }, expect: 'absent' },
      ],
      [transferEvent(ctx, transfer)],
    );
    return transfer;
  });
}

/** Receiver side: credits this region's allotment with a transfer addressed to it, exactly once. */
export async function receiveStock(ctx: DomainContext, transfer: StockTransfer): Promise<boolean> {
  if (transfer.toRegion !== ctx.region) return false;
  return withConflictRetry(async () => {
    const credit = creditKey(transfer.sku, transfer.transferId);
    if (await ctx.store.get(credit.pk, credit.sk)) return false;
    const current = await loadAllotment(ctx.store, transfer.sku, ctx.region);
    const writes: Array<ItemWrite | CounterWrite> = [
      allotmentCredit(current, transfer.sku, ctx.region, transfer.quantity),
      {
        ...credit,
        data: {
          transferId: transfer.transferId,
          quantity: transfer.quantity,
          creditedAt: nowIso(ctx),
          ...(transfer.restock === undefined ? {} : { restock: transfer.restock }),
        },
        expect: 'absent',
      },
    ];
    try {
      await ctx.store.transact(writes);
    } catch (error) {
      // The credit record exists: another delivery of the same transfer credited it first.
      if (error instanceof ConditionFailedError && (await ctx.store.get(credit.pk, credit.sk))) return false;
      throw error;
    }
    return true;
  });
}

function transferEvent(ctx: DomainContext, transfer: StockTransfer) {
  return buildEvent(ctx, EVENT_SOURCES.inventory, 'StockTransferred', { schemaVersion: 1, ...transfer }, [
    `meridian:sku/${transfer.sku}`,
  ]);
}
