import {
  allotment,
  CONDITION,
  counters,
  failed,
  type ItemStoreScenario,
  outcome,
  put,
  read,
  seen,
} from './item-store-scenario-steps';

/** Conditional writes, transactions and counters. */
export const itemStoreWriteScenarios: ItemStoreScenario[] = [
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
];
