import type { CounterWrite, ItemStore, ItemWrite, StoredItem } from '../store/item-store';

// The steps and values the ItemStore contract's scenarios are written with.

/**
 * One scenario of the ItemStore contract: steps on a fresh store, recorded as plain values (reads, and the
 * names of errors thrown), and the record every store must produce.
 */
export interface ItemStoreScenario {
  name: string;
  run(store: ItemStore): Promise<unknown>;
  expected: unknown;
}

/** What a step came to: its value (`'ok'` for none), or the name of the error it threw. */
export async function outcome(action: () => Promise<unknown>): Promise<unknown> {
  try {
    const value = await action();
    return value === undefined ? 'ok' : value;
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
}

export function seen(item: StoredItem | undefined): unknown {
  return item ? { pk: item.pk, sk: item.sk, data: item.data, version: item.version } : null;
}

export const read = async (store: ItemStore, pk: string, sk = 'X') => seen(await store.get(pk, sk));
export const put = (
  pk: string,
  data: Record<string, unknown>,
  extra: Partial<ItemWrite> = {},
): ItemWrite => ({
  pk,
  sk: 'X',
  data,
  ...extra,
});
export const counters = (pk: string, change: Omit<CounterWrite, 'kind' | 'pk' | 'sk'>): CounterWrite => ({
  kind: 'counters',
  pk,
  sk: 'X',
  ...change,
});
export const failed = (name: string) => ({ error: name });
export const CONDITION = failed('ConditionFailedError');

export const allotment = { available: 5, reserved: 0 };
