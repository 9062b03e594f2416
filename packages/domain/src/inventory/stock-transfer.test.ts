import type { EventEnvelope } from '@meridian/contracts';
import { describe, expect, it } from 'vitest';
import { addProduct, restockProduct } from '../catalog/catalog-service';
import type { DomainContext } from '../shared/context';
import type { CounterWrite, ItemWrite } from '../store/item-store';
import { allotmentMove, allotmentWrite, loadAllotment } from '../store/repositories';
import { InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { InvalidStockOperationError } from './allotment';
import { receiveStock, type StockTransfer, SUPPLIER, sendStock } from './stock-transfer';

const REGIONS = ['us-east-1', 'eu-west-1'];

/**
 * A region where an order reserves one unit of SKU A between every read and write of the code under
 * test: each of its transactions commits right after such a reservation, as under steady order traffic.
 */
class BusyAllotmentStore extends InMemoryItemStore {
  busy = false;
  override async transact(
    writes: readonly (ItemWrite | CounterWrite)[],
    events: readonly EventEnvelope[] = [],
  ): Promise<void> {
    if (this.busy) await super.transact([allotmentMove('A', 'us-east-1', 'reserve', 1)]);
    return super.transact(writes, events);
  }
}

async function regionWithStock(
  available: number,
): Promise<{ ctx: DomainContext; store: BusyAllotmentStore }> {
  const { ctx, store } = inMemoryContext({
    region: 'us-east-1',
    regions: REGIONS,
    store: new BusyAllotmentStore(),
  });
  await store.transact([
    allotmentWrite({ sku: 'A', region: 'us-east-1', available, reserved: 0, sold: 0 }, 'absent'),
  ]);
  return { ctx, store: store as BusyAllotmentStore };
}

const transferIn = (quantity: number, transferId = 'T1'): StockTransfer => ({
  transferId,
  sku: 'A',
  fromRegion: 'eu-west-1',
  toRegion: 'us-east-1',
  quantity,
  createdAt: '2025-01-01T00:00:00.000Z',
});

describe('receiveStock', () => {
  it('credits a transfer once, however often it is delivered', async () => {
    const { ctx } = await regionWithStock(10);

    expect(await receiveStock(ctx, transferIn(7))).toBe(true);
    expect(await receiveStock(ctx, transferIn(7))).toBe(false);

    expect((await loadAllotment(ctx.store, 'A', 'us-east-1'))?.value.available).toBe(17);
  });

  it('credits while orders keep changing the allotment', async () => {
    const { ctx, store } = await regionWithStock(100);
    store.busy = true;

    expect(await receiveStock(ctx, transferIn(7))).toBe(true);

    // One reservation committed before the credit: 100 - 1 + 7, and the reservation kept.
    expect((await loadAllotment(ctx.store, 'A', 'us-east-1'))?.value).toMatchObject({
      available: 106,
      reserved: 1,
    });
  });

  it('creates the allotment of a region that had none', async () => {
    const { ctx } = inMemoryContext({ region: 'us-east-1', regions: REGIONS });

    expect(await receiveStock(ctx, transferIn(4))).toBe(true);

    expect((await loadAllotment(ctx.store, 'A', 'us-east-1'))?.value).toMatchObject({
      available: 4,
      reserved: 0,
      sold: 0,
    });
  });

  it('ignores a transfer addressed to another region', async () => {
    const { ctx } = await regionWithStock(10);

    expect(await receiveStock(ctx, { ...transferIn(4), toRegion: 'eu-west-1' })).toBe(false);
    expect((await loadAllotment(ctx.store, 'A', 'us-east-1'))?.value.available).toBe(10);
  });
});

describe('sendStock', () => {
  it('debits what it sends while orders keep changing the allotment', async () => {
    const { ctx, store } = await regionWithStock(100);
    store.busy = true;

    const transfer = await sendStock(ctx, {
      transferId: 'T2',
      sku: 'A',
      quantity: 30,
      toRegion: 'eu-west-1',
    });

    expect(transfer).toMatchObject({ fromRegion: 'us-east-1', toRegion: 'eu-west-1', quantity: 30 });
    expect((await loadAllotment(ctx.store, 'A', 'us-east-1'))?.value).toMatchObject({
      available: 69,
      reserved: 1,
    });
  });

  it('sends no more than it has, and the same transfer once', async () => {
    const { ctx } = await regionWithStock(5);
    const request = { transferId: 'T3', sku: 'A', quantity: 30, toRegion: 'eu-west-1' };

    expect(await sendStock(ctx, request)).toMatchObject({ quantity: 5 });
    expect(await sendStock(ctx, request)).toMatchObject({ quantity: 5 });

    expect((await loadAllotment(ctx.store, 'A', 'us-east-1'))?.value.available).toBe(0);
    expect(await sendStock(ctx, { ...request, transferId: 'T4' })).toBeUndefined();
  });

  it('refuses to send to itself', async () => {
    const { ctx } = await regionWithStock(5);

    await expect(
      sendStock(ctx, { transferId: 'T5', sku: 'A', quantity: 1, toRegion: 'us-east-1' }),
    ).rejects.toThrow(InvalidStockOperationError);
  });
});

describe('restockProduct under order traffic', () => {
  it('credits its own share while orders keep changing the allotment', async () => {
    const { ctx, store } = await regionWithStock(100);
    await addProduct(ctx, {
      sku: 'A',
      name: 'A',
      description: '',
      priceMinor: 100,
      currency: 'USD',
      active: true,
      category: 'c',
    });
    store.busy = true;

    await restockProduct(ctx, { sku: 'A', quantity: 10 });

    expect((await loadAllotment(ctx.store, 'A', 'us-east-1'))?.value).toMatchObject({
      available: 104,
      reserved: 1,
    });
    const consigned = (await ctx.store.queryPartition('STOCK#A', { skPrefix: 'TRANSFER#' })).map(
      (item) => item.data,
    );
    expect(consigned).toEqual([
      expect.objectContaining({ fromRegion: SUPPLIER, toRegion: 'eu-west-1', quantity: 5 }),
    ]);
  });
});
