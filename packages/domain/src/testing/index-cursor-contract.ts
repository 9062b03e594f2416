import { describe, expect, it } from 'vitest';
import { InvalidCursorError, type ItemStore } from '../store/item-store';

/**
 * The cursor half of the ItemStore contract, shared by every implementation's tests (in-memory, SQLite,
 * DynamoDB). `open` returns a store whose `gsi1` partition `IDX` holds at least three items; anything
 * else in it is ignored. A cursor is valid only for the query (index, partition, direction) that issued
 * it, and only in the exact form it was issued in.
 */
export function describeIndexCursorContract(name: string, open: () => Promise<ItemStore>): void {
  describe(`${name}: index cursors`, () => {
    async function issued(): Promise<{ store: ItemStore; cursor: string }> {
      const store = await open();
      const first = await store.queryIndex('gsi1', 'IDX', { limit: 1 });
      expect(first.nextCursor).toEqual(expect.any(String));
      return { store, cursor: first.nextCursor as string };
    }

    it('resumes from a cursor it issued, for the same query', async () => {
      const { store, cursor } = await issued();
      const next = await store.queryIndex('gsi1', 'IDX', { limit: 1, cursor });
      expect(next.items).toHaveLength(1);
      const descending = await store.queryIndex('gsi1', 'IDX', { limit: 1, descending: true });
      const previous = await store.queryIndex('gsi1', 'IDX', {
        limit: 1,
        descending: true,
        cursor: descending.nextCursor as string,
      });
      expect(previous.items).toHaveLength(1);
    });

    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tampered: Array<[string, (cursor: string) => string]> = [
      ['garbage', () => 'not a cursor!'],
      ['an issued cursor with characters appended outside the alphabet', (c) => `${c}!!!`],
      ['an issued cursor with padding', (c) => `${c}==`],
      ['an issued cursor with a character appended', (c) => `${c}A`],
      [
        'the same JSON re-encoded with whitespace',
        (c) => Buffer.from(JSON.stringify(decode(c), null, 1)).toString('base64url'),
      ],
      ['JSON that is not a position', () => json({ pk: 'x' })],
      ['a position of numbers', () => json([1, 2, 3, 4, 5, 6])],
      ['a position without its query (the old three-part form)', (c) => json(decode(c).slice(3))],
      ['a cursor of another partition', (c) => json(replaced(decode(c), 2, 'OTHER'))],
      ['a cursor of another index', (c) => json(replaced(decode(c), 0, 'gsi2'))],
      ['a cursor of the other direction', (c) => json(replaced(decode(c), 1, 'desc'))],
      ['an issued cursor with an extra part', (c) => json([...decode(c), 'x'])],
    ];
    it.each(tampered)('refuses %s', async (_label, forge) => {
      const { store, cursor } = await issued();
      await expect(
        store.queryIndex('gsi1', 'IDX', { limit: 1, cursor: forge(cursor) }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('refuses a cursor issued for another partition or direction', async () => {
      const { store, cursor } = await issued();
      await expect(store.queryIndex('gsi1', 'OTHER', { limit: 1, cursor })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      await expect(store.queryIndex('gsi2', 'IDX', { limit: 1, cursor })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      await expect(
        store.queryIndex('gsi1', 'IDX', { limit: 1, cursor, descending: true }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}

function decode(cursor: string): unknown[] {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
}

function replaced(parts: unknown[], index: number, value: string): unknown[] {
  const copy = [...parts];
  copy[index] = value;
  return copy;
}
