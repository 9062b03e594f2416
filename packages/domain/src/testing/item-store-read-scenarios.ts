import type { ItemWrite } from '../store/item-store';
import { type ItemStoreScenario, put, read } from './item-store-scenario-steps';

/** Reads, partitions, index pages and the data round trip. */
export const itemStoreReadScenarios: ItemStoreScenario[] = [
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
