import type { EventEnvelope } from '@meridian/contracts';
import type { CounterWrite, ItemWrite, StockTransfer } from '@meridian/domain';
import { loadAllotment } from '@meridian/domain';
import { InMemoryItemStore, inMemoryContext } from '@meridian/domain/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransferCredits } from './transfer-credits';

/** A store whose next `failures` transactions fail, as a full disk or a locked database would. */
class FailingStore extends InMemoryItemStore {
  failures = 0;
  override async transact(
    writes: readonly (ItemWrite | CounterWrite)[],
    events: readonly EventEnvelope[] = [],
  ): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('disk I/O error');
    }
    return super.transact(writes, events);
  }
}

const transfer = (transferId: string, quantity: number): StockTransfer => ({
  transferId,
  sku: 'A',
  fromRegion: 'eu-west-1',
  toRegion: 'us-east-1',
  quantity,
  createdAt: '2025-01-01T00:00:00.000Z',
});

function setUp() {
  const store = new FailingStore();
  const { ctx } = inMemoryContext({ region: 'us-east-1', regions: ['us-east-1', 'eu-west-1'], store });
  const logger = { info: vi.fn(), warn: vi.fn() };
  const credits = new TransferCredits({ ctx, logger, retryMs: 1_000 });
  const available = async () => (await loadAllotment(store, 'A', 'us-east-1'))?.value.available ?? 0;
  return { store, logger, credits, available };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TransferCredits', () => {
  it('credits every transfer once', async () => {
    const { credits, available } = setUp();

    expect(await credits.credit([transfer('T1', 3), transfer('T2', 4)])).toBe(2);
    expect(await credits.credit([transfer('T1', 3)])).toBe(0);

    expect(await available()).toBe(7);
    expect(credits.pending()).toBe(0);
  });

  it('retries a failed credit until it lands, without holding up the others', async () => {
    vi.useFakeTimers();
    const { store, logger, credits, available } = setUp();
    store.failures = 2;

    // T1 fails; T2 fails too (second failure); T3 is credited at once.
    expect(await credits.credit([transfer('T1', 3), transfer('T2', 4), transfer('T3', 5)])).toBe(1);
    expect(await available()).toBe(5);
    expect(credits.pending()).toBe(2);
    expect(logger.warn).toHaveBeenCalledTimes(2);

    await vi.advanceTimersByTimeAsync(1_000);

    expect(await available()).toBe(12);
    expect(credits.pending()).toBe(0);
    // Nothing left to retry: no further attempts credit anything twice.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await available()).toBe(12);
  });

  it('waits longer between retries while credits keep failing', async () => {
    vi.useFakeTimers();
    const { store, credits, available } = setUp();
    store.failures = 3;

    await credits.credit([transfer('T1', 3)]);
    // Retries at 1 s, then 2 s later, then 4 s later: the third lands 7 s after the first attempt.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await available()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_999);
    expect(await available()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await available()).toBe(3);
    expect(credits.pending()).toBe(0);
  });

  it('stops retrying when stopped (what is left is credited at the next start)', async () => {
    vi.useFakeTimers();
    const { store, credits, available } = setUp();
    store.failures = 1;

    await credits.credit([transfer('T1', 3)]);
    await credits.stop();
    await vi.advanceTimersByTimeAsync(5_000);

    expect(await available()).toBe(0);
    expect(credits.pending()).toBe(1);
  });
});
