import type { CounterWrite, ItemStore, ItemWrite, StoredItem } from '../store/item-store';

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
async function outcome(action: () => Promise<unknown>): Promise<unknown> {
  try {
    const value = await action();
    return value === undefined ? 'ok' : value;
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
}

function seen(item: StoredItem | undefined): unknown {
  return item ? { pk: item.pk, sk: item.sk, data: item.data, version: item.version } : null;
}

const read = async (store: ItemStore, pk: string, sk = 'X') => seen(await store.get(pk, sk));
const put = (pk: string, data: Record<string, unknown>, extra: Partial<ItemWrite> = {}): ItemWrite => ({
  pk,
  sk: 'X',
  data,
  ...extra,
});
const counters = (pk: string, change: Omit<CounterWrite, 'kind' | 'pk' | 'sk'>): CounterWrite => ({
  kind: 'counters',
  pk,
  sk: 'X',
  ...change,
});
const failed = (name: string) => ({ error: name });
const CONDITION = failed('ConditionFailedError');

const allotment = { available: 5, reserved: 0 };

export const itemStoreScenarios: ItemStoreScenario[] = [
  {
    name: 'creates an absent item once: a second create fails, versions count from 1',
    run: async (store) => [
      await outcome(() => store.transact([put('A', { n: 1 }, { expect: 'absent' })])),
      await outcome(() => store.transact([put('A', { n: 2 }, { expect: 'absent' })])),
      await read(store, 'A'),
    ],
    expected: ['ok', CONDITION, { pk: 'A', sk: 'X', data: { n: 1 }, version: 1 }],
  },
  {
    name: 'writes at an expected version only: the current one succeeds, a stale or missing one fails',
    run: async (store) => [
      await outcome(() => store.transact([put('A', { n: 1 })])),
      await outcome(() => store.transact([put('A', { n: 2 }, { expect: 1 })])),
      await outcome(() => store.transact([put('A', { n: 3 }, { expect: 1 })])),
      await outcome(() => store.transact([put('B', { n: 1 }, { expect: 1 })])),
      await read(store, 'A'),
      await read(store, 'B'),
    ],
    expected: ['ok', 'ok', CONDITION, CONDITION, { pk: 'A', sk: 'X', data: { n: 2 }, version: 2 }, null],
  },
  {
    name: 'an unconditional write creates or replaces the item and bumps its version',
    run: async (store) => {
      await store.transact([put('A', { n: 1, gone: true })]);
      await store.transact([put('A', { n: 2 })]);
      return read(store, 'A');
    },
    expected: { pk: 'A', sk: 'X', data: { n: 2 }, version: 2 },
  },
  {
    name: 'applies a transaction all or nothing',
    run: async (store) => [
      await outcome(() => store.transact([put('A', { n: 1 }, { expect: 'absent' })])),
      await outcome(() =>
        store.transact([put('B', { n: 1 }), counters('C', { add: { n: 1 } }), put('A', { n: 2 })]),
      ),
      await outcome(() => store.transact([put('B', { n: 1 }), put('A', { n: 2 }, { expect: 7 })])),
      await read(store, 'A'),
      await read(store, 'B'),
    ],
    expected: ['ok', CONDITION, CONDITION, { pk: 'A', sk: 'X', data: { n: 1 }, version: 1 }, null],
  },
  {
    name: 'refuses a transaction that writes one item twice, and writes nothing of it',
    run: async (store) => [
      await outcome(() => store.transact([put('B', { n: 1 }), put('A', { n: 1 }), put('A', { n: 2 })])),
      await read(store, 'A'),
      await read(store, 'B'),
    ],
    expected: [failed('InvalidTransactionError'), null, null],
  },
  {
    name: 'refuses a transaction of more than 100 writes, and writes nothing of it',
    run: async (store) => [
      await outcome(() =>
        store.transact(
          Array.from({ length: 101 }, (_, index) => put(`A${String(index).padStart(3, '0')}`, {})),
        ),
      ),
      await read(store, 'A000'),
    ],
    expected: [failed('InvalidTransactionError'), null],
  },
  {
    name: 'adds to counters in place, bumping the version, keeping the other fields',
    run: async (store) => {
      await store.transact([put('A', { ...allotment, sku: 'S' })]);
      await store.transact([
        counters('A', { add: { available: -2, reserved: 2 }, atLeast: { available: 2 } }),
      ]);
      return read(store, 'A');
    },
    expected: { pk: 'A', sk: 'X', data: { available: 3, reserved: 2, sku: 'S' }, version: 2 },
  },
  {
    name: 'counts a field the item lacks from zero',
    run: async (store) => {
      await store.transact([put('A', allotment)]);
      await store.transact([counters('A', { add: { sold: 2, available: -1 } })]);
      return read(store, 'A');
    },
    expected: { pk: 'A', sk: 'X', data: { available: 4, reserved: 0, sold: 2 }, version: 2 },
  },
  {
    name: 'checks a minimum on a missing field as zero: a positive minimum fails, zero holds',
    run: async (store) => [
      await outcome(() => store.transact([put('A', allotment)])),
      await outcome(() => store.transact([counters('A', { add: { sold: 1 }, atLeast: { sold: 1 } })])),
      await outcome(() => store.transact([counters('A', { add: { sold: 1 }, atLeast: { missing: 0 } })])),
      await read(store, 'A'),
    ],
    expected: ['ok', CONDITION, 'ok', { pk: 'A', sk: 'X', data: { ...allotment, sold: 1 }, version: 2 }],
  },
  {
    name: 'refuses a counter change below its minimum, and the rest of the transaction with it',
    run: async (store) => [
      await outcome(() => store.transact([put('A', allotment)])),
      await outcome(() =>
        store.transact([
          put('B', { n: 1 }),
          counters('A', { add: { available: -6, reserved: 6 }, atLeast: { available: 6 } }),
        ]),
      ),
      await read(store, 'A'),
      await read(store, 'B'),
    ],
    expected: ['ok', CONDITION, { pk: 'A', sk: 'X', data: allotment, version: 1 }, null],
  },
  {
    name: 'refuses a counter change on a missing item',
    run: async (store) => [
      await outcome(() => store.transact([counters('A', { add: { available: 1 } })])),
      await read(store, 'A'),
    ],
    expected: [CONDITION, null],
  },
  {
    name: 'refuses to count or check a field that is not a number',
    run: async (store) => [
      await outcome(() => store.transact([put('A', { available: 'five', flag: true, nothing: null })])),
      await outcome(() => store.transact([counters('A', { add: { available: 1 } })])),
      await outcome(() => store.transact([counters('A', { add: { flag: 1 } })])),
      await outcome(() => store.transact([counters('A', { add: { nothing: 1 } })])),
      await outcome(() => store.transact([counters('A', { add: { other: 1 }, atLeast: { available: 0 } })])),
      await read(store, 'A'),
    ],
    expected: [
      'ok',
      CONDITION,
      CONDITION,
      CONDITION,
      CONDITION,
      { pk: 'A', sk: 'X', data: { available: 'five', flag: true, nothing: null }, version: 1 },
    ],
  },
  {
    name: 'keeps an item in its indexes across a counter change',
    run: async (store) => {
      await store.transact([put('A', allotment, { gsi1: { pk: 'IDX', sk: '1' } })]);
      await store.transact([counters('A', { add: { available: 1 } })]);
      return (await store.queryIndex('gsi1', 'IDX', { limit: 10 })).items.map(seen);
    },
    expected: [{ pk: 'A', sk: 'X', data: { available: 6, reserved: 0 }, version: 2 }],
  },
  {
    name: 'reads many keys in the caller’s order, repeats included, missing ones left out',
    run: async (store) => {
      await store.transact([put('A', { n: 1 }), put('B', { n: 2 })]);
      const keys = ['B', 'MISSING', 'A', 'B'].map((pk) => ({ pk, sk: 'X' }));
      return (await store.getMany(keys)).map((item) => item.pk);
    },
    expected: ['B', 'A', 'B'],
  },
  {
    name: 'lists a partition by sort key, optionally by prefix',
    run: async (store) => {
      const item = (sk: string): ItemWrite => ({ pk: 'P', sk, data: { sk } });
      await store.transact([
        item('b#2'),
        item('a'),
        item('b#1'),
        item('c'),
        { pk: 'Q', sk: 'b#0', data: {} },
      ]);
      return [
        (await store.queryPartition('P')).map((found) => found.sk),
        (await store.queryPartition('P', { skPrefix: 'b#' })).map((found) => found.sk),
        (await store.queryPartition('P', { skPrefix: 'z' })).map((found) => found.sk),
      ];
    },
    expected: [['a', 'b#1', 'b#2', 'c'], ['b#1', 'b#2'], []],
  },
  {
    name: 'pages through an index in both directions, every item once',
    run: async (store) => {
      await store.transact(
        ['3', '1', '5', '2', '4'].map((n) =>
          put(`I${n}`, { n: Number(n) }, { gsi2: { pk: 'ALL', sk: `t${n}` } }),
        ),
      );
      const pages = async (descending: boolean) => {
        const found: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.queryIndex('gsi2', 'ALL', { limit: 2, descending, cursor });
          found.push(page.items.map((item) => item.pk));
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      };
      return [
        await pages(false),
        await pages(true),
        (await store.queryIndex('gsi2', 'NONE', { limit: 2 })).items,
      ];
    },
    expected: [[['I1', 'I2'], ['I3', 'I4'], ['I5']], [['I5', 'I4'], ['I3', 'I2'], ['I1']], []],
  },
  {
    name: 'drops an item from an index when a rewrite leaves its index key out',
    run: async (store) => {
      await store.transact([
        put('A', {}, { gsi1: { pk: 'IDX', sk: '1' } }),
        put('B', {}, { gsi1: { pk: 'IDX', sk: '2' } }),
      ]);
      await store.transact([put('A', { rewritten: true })]);
      await store.transact([put('B', { rewritten: true }, { expect: 1 })]);
      return (await store.queryIndex('gsi1', 'IDX', { limit: 10 })).items.map((item) => item.pk);
    },
    expected: [],
  },
  {
    name: 'moves an item within an index when its index key changes',
    run: async (store) => {
      await store.transact([put('A', {}, { gsi1: { pk: 'OLD', sk: '1' } })]);
      await store.transact([put('A', {}, { gsi1: { pk: 'NEW', sk: '1' }, expect: 1 })]);
      return [
        (await store.queryIndex('gsi1', 'OLD', { limit: 10 })).items.length,
        (await store.queryIndex('gsi1', 'NEW', { limit: 10 })).items.map((item) => item.pk),
      ];
    },
    expected: [0, ['A']],
  },
  {
    name: 'reads back data exactly as written: nesting, lists, empty values, numbers, booleans, null',
    run: async (store) => {
      const data = {
        text: 'café ☕',
        empty: '',
        integers: [0, -3, 42, 9_007_199_254_740_991],
        fractions: [0.1, -2.5, 1e-7, 123456.789],
        flags: [true, false],
        nothing: null,
        nested: { list: [{ a: 1 }, [], {}], emptyMap: {}, emptyList: [] },
        expiresAt: 1_900_000_000,
      };
      await store.transact([put('A', data)]);
      return read(store, 'A');
    },
    expected: {
      pk: 'A',
      sk: 'X',
      data: {
        text: 'café ☕',
        empty: '',
        integers: [0, -3, 42, 9_007_199_254_740_991],
        fractions: [0.1, -2.5, 1e-7, 123456.789],
        flags: [true, false],
        nothing: null,
        nested: { list: [{ a: 1 }, [], {}], emptyMap: {}, emptyList: [] },
        expiresAt: 1_900_000_000,
      },
      version: 1,
    },
  },
  {
    name: 'drops fields whose value is undefined, as JSON does',
    run: async (store) => {
      await store.transact([put('A', { kept: 1, dropped: undefined, nested: { dropped: undefined } })]);
      return read(store, 'A');
    },
    expected: { pk: 'A', sk: 'X', data: { kept: 1, nested: {} }, version: 1 },
  },
];
