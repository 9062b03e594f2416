import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@meridian/domain';
import { describeIndexCursorContract } from '@meridian/domain/testing';
import { describe, expect, it } from 'vitest';
import { fakeAwsClient, noSleep, type Respond, scripted } from '../testing/fake-aws-client';
import { DynamoDbItemStore } from './dynamodb-item-store';
import { decodeIndexCursor, encodeIndexCursor } from './index-cursor';

function storeWith(respond: Respond) {
  const { client, sent } = fakeAwsClient<DynamoDBDocumentClient>(respond);
  const store = new DynamoDbItemStore({
    client,
    tableName: 'meridian',
    region: 'eu-west-1',
    clock: { now: () => 0 },
    sleep: noSleep,
  });
  return { store, sent };
}

const indexed = (n: number) => ({
  pk: `ORDER#${n}`,
  sk: 'ORDER',
  data: { n },
  version: 1,
  gsi2pk: 'ORDERS',
  gsi2sk: `2025-03-01T00:00:0${n}Z#${n}`,
});

function validationError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException' });
}

describe('DynamoDbItemStore.queryIndex', () => {
  it('returns a cursor only when another page exists, and resumes from it', async () => {
    const { store, sent } = storeWith(
      scripted({ Items: [indexed(1), indexed(2), indexed(3)] }, { Items: [indexed(3)] }),
    );

    const first = await store.queryIndex('gsi2', 'ORDERS', { limit: 2, descending: true });
    const second = await store.queryIndex('gsi2', 'ORDERS', {
      limit: 2,
      descending: true,
      cursor: first.nextCursor,
    });

    expect(first.items.map((item) => item.pk)).toEqual(['ORDER#1', 'ORDER#2']);
    expect(first.nextCursor).toBeDefined();
    expect(second.items.map((item) => item.pk)).toEqual(['ORDER#3']);
    expect(second.nextCursor).toBeUndefined();
    expect(sent[0]?.input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: '#ipk = :pk',
      ExpressionAttributeNames: { '#ipk': 'gsi2pk' },
      ExpressionAttributeValues: { ':pk': 'ORDERS' },
      ScanIndexForward: false,
      Limit: 3,
    });
    expect(sent[1]?.input.ExclusiveStartKey).toEqual({
      pk: 'ORDER#2',
      sk: 'ORDER',
      gsi2pk: 'ORDERS',
      gsi2sk: '2025-03-01T00:00:02Z#2',
    });
  });

  it('keeps reading when DynamoDB stops a page early at 1 MB', async () => {
    const { store, sent } = storeWith(
      scripted(
        { Items: [indexed(1)], LastEvaluatedKey: { pk: 'ORDER#1' } },
        { Items: [indexed(2), indexed(3)] },
      ),
    );

    const page = await store.queryIndex('gsi2', 'ORDERS', { limit: 5 });

    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeUndefined();
    expect(sent.map((command) => command.input.Limit)).toEqual([6, 5]);
    expect(sent[0]?.input.ScanIndexForward).toBe(true);
  });

  it('caps a page at 200 items like the SQLite store', async () => {
    const { store, sent } = storeWith(scripted({ Items: [] }));

    await store.queryIndex('gsi1', 'CUSTOMER#c', { limit: 10_000 });

    expect(sent[0]?.input.Limit).toBe(201);
  });

  it('rejects a malformed cursor without querying', async () => {
    const { store, sent } = storeWith(scripted());
    const forged = Buffer.from(JSON.stringify(['only-two', 'parts'])).toString('base64url');

    await expect(
      store.queryIndex('gsi2', 'ORDERS', { limit: 5, cursor: 'not json!' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.queryIndex('gsi2', 'ORDERS', { limit: 5, cursor: forged })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    expect(sent).toHaveLength(0);
  });

  it('turns DynamoDB refusing a cursor from another query into InvalidCursorError', async () => {
    const { store } = storeWith(scripted(validationError('The provided starting key is invalid')));
    // Well-formed and issued for this very query, yet not a position DynamoDB accepts in it.
    const cursor = encodeIndexCursor(
      { index: 'gsi1', pk: 'CUSTOMER#c', descending: false },
      { indexSk: 'x', pk: 'ORDER#1', sk: 'ORDER' },
    );

    await expect(store.queryIndex('gsi1', 'CUSTOMER#c', { limit: 5, cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('encodes cursors as opaque base64url that decode to the same position', () => {
    const position = { indexSk: '2025-03-01T00:00:00Z#ord_1', pk: 'ORDER#ord_1', sk: 'ORDER' };

    const query = { index: 'gsi2', pk: 'ORDERS', descending: true } as const;

    const cursor = encodeIndexCursor(query, position);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeIndexCursor(query, cursor)).toEqual(position);
  });
});

// A table whose gsi1 partition IDX holds three items: the fake answers each query from them, honouring
// the direction and the start key, as DynamoDB would.
describeIndexCursorContract('DynamoDbItemStore', async () => {
  const items = ['1', '2', '3'].map((n) => ({
    pk: `ITEM#${n}`,
    sk: 'ITEM',
    data: {},
    version: 1,
    gsi1pk: 'IDX',
    gsi1sk: n,
  }));
  const { store } = storeWith((command) => {
    const input = command.input as {
      ExpressionAttributeValues: { ':pk': string };
      ScanIndexForward: boolean;
      Limit: number;
      ExclusiveStartKey?: { gsi1sk: string };
    };
    const ordered = input.ScanIndexForward ? items : [...items].reverse();
    const start = input.ExclusiveStartKey?.gsi1sk;
    const after =
      start === undefined ? ordered : ordered.slice(ordered.findIndex((i) => i.gsi1sk === start) + 1);
    const matching = input.ExpressionAttributeValues[':pk'] === 'IDX' ? after : [];
    return { Items: matching.slice(0, input.Limit) };
  });
  return store;
});
