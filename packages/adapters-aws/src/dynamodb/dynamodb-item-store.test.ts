import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError, type ItemWrite, TransientError } from '@meridian/domain';
import { describe, expect, it } from 'vitest';
import { fakeAwsClient, noSleep, type Respond, scripted } from '../testing/fake-aws-client';
import { sampleEvent } from '../testing/sample-event';
import { DynamoDbItemStore } from './dynamodb-item-store';
import { InvalidTransactionError } from './transact-items';

const NOW = Date.UTC(2025, 2, 1, 12, 0, 0);

function storeWith(respond: Respond, maxBatchGetAttempts?: number) {
  const { client, sent } = fakeAwsClient<DynamoDBDocumentClient>(respond);
  const store = new DynamoDbItemStore({
    client,
    tableName: 'meridian',
    region: 'eu-west-1',
    clock: { now: () => NOW },
    requestToken: () => 'token-1',
    sleep: noSleep,
    ...(maxBatchGetAttempts ? { maxBatchGetAttempts } : {}),
  });
  return { store, sent };
}

const entity = (pk: string, version = 1, extra: Record<string, unknown> = {}) => ({
  pk,
  sk: 'ORDER',
  data: { orderId: pk },
  version,
  updatedAt: NOW,
  writerRegion: 'eu-west-1',
  ...extra,
});

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoDbItemStore.transact', () => {
  it('builds conditional puts, a versioned update and the outbox rows in one TransactWriteItems', async () => {
    const { store, sent } = storeWith(scripted({}));
    const writes: ItemWrite[] = [
      {
        pk: 'ORDER#a',
        sk: 'ORDER',
        data: { status: 'PENDING', note: undefined },
        expect: 'absent',
        gsi1: { pk: 'C#1', sk: 't#a' },
      },
      { pk: 'ORDER#b', sk: 'ORDER', data: { status: 'CONFIRMED' }, expect: 3 },
      { pk: 'STOCK#x', sk: 'ALLOTMENT#eu-west-1', data: { available: 4 }, gsi2: { pk: 'STOCK', sk: 'x' } },
    ];

    await store.transact(writes, [sampleEvent('evt-1')]);

    expect(sent).toHaveLength(1);
    const input = sent[0]?.input as {
      TransactItems: Array<Record<string, Record<string, unknown>>>;
      ClientRequestToken: string;
    };
    expect(input.ClientRequestToken).toBe('token-1');
    const [created, updated, upserted, outbox] = input.TransactItems;
    expect(created?.Put).toEqual({
      TableName: 'meridian',
      Item: {
        pk: 'ORDER#a',
        sk: 'ORDER',
        data: { status: 'PENDING' },
        version: 1,
        updatedAt: NOW,
        writerRegion: 'eu-west-1',
        gsi1pk: 'C#1',
        gsi1sk: 't#a',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(updated?.Put?.Item).toMatchObject({ pk: 'ORDER#b', version: 4 });
    expect(updated?.Put?.ConditionExpression).toBe('#version = :expected');
    expect(updated?.Put?.ExpressionAttributeValues).toEqual({ ':expected': 3 });
    expect(upserted?.Update?.UpdateExpression).toBe(
      'SET #data = :data, #updatedAt = :now, #writerRegion = :region, #gsi2pk = :gsi2pk, #gsi2sk = :gsi2sk ADD #version :one REMOVE #gsi1pk, #gsi1sk, #expiresAt',
    );
    expect(upserted?.Update?.ExpressionAttributeValues).toMatchObject({
      ':one': 1,
      ':data': { available: 4 },
      ':gsi2sk': 'x',
    });
    expect(upserted?.Update?.ConditionExpression).toBeUndefined();
    expect(outbox?.Put).toEqual({
      TableName: 'meridian',
      Item: {
        pk: 'OUTBOX#evt-1',
        sk: 'EVENT',
        event: sampleEvent('evt-1'),
        originRegion: 'eu-west-1',
        expiresAt: NOW / 1000 + 86_400,
      },
    });
  });

  it('sets the table TTL attribute from an item whose data carries expiresAt (seconds), and only then', async () => {
    const { store, sent } = storeWith(scripted({}, {}));
    const expiresAt = NOW / 1000 + 86_400;
    await store.transact([
      { pk: 'IDEMPOTENCY#c#k', sk: 'IDEMPOTENCY', data: { orderId: 'o1', expiresAt }, expect: 'absent' },
      { pk: 'IDEMPOTENCY#c#j', sk: 'IDEMPOTENCY', data: { orderId: 'o2', expiresAt }, expect: 1 },
      { pk: 'IDEMPOTENCY#c#i', sk: 'IDEMPOTENCY', data: { orderId: 'o3', expiresAt } },
      { pk: 'ORDER#a', sk: 'ORDER', data: { status: 'PENDING' }, expect: 'absent' },
      { pk: 'ORDER#b', sk: 'ORDER', data: { status: 'PENDING', expiresAt: 'soon' } },
    ]);

    const input = sent[0]?.input as { TransactItems: Array<Record<string, Record<string, unknown>>> };
    const [created, replaced, upserted, order, other] = input.TransactItems;
    expect(created?.Put?.Item).toMatchObject({ expiresAt, data: { expiresAt } });
    expect(replaced?.Put?.Item).toMatchObject({ expiresAt, version: 2 });
    expect(upserted?.Update?.UpdateExpression).toContain('#expiresAt = :expiresAt');
    expect(upserted?.Update?.ExpressionAttributeNames).toMatchObject({ '#expiresAt': 'expiresAt' });
    expect(upserted?.Update?.ExpressionAttributeValues).toMatchObject({ ':expiresAt': expiresAt });
    expect(order?.Put?.Item).not.toHaveProperty('expiresAt');
    expect(other?.Update?.UpdateExpression).toMatch(/REMOVE .*#expiresAt/);
    expect(other?.Update?.ExpressionAttributeValues).not.toHaveProperty(':expiresAt');
  });

  it('maps a failed condition to ConditionFailedError naming the item', async () => {
    const { store } = storeWith(scripted(cancelled('None', 'ConditionalCheckFailed')));
    const writes: ItemWrite[] = [
      { pk: 'ORDER#a', sk: 'ORDER', data: {}, expect: 1 },
      { pk: 'ORDER#b', sk: 'ORDER', data: {}, expect: 'absent' },
    ];

    const failure = store.transact(writes);

    await expect(failure).rejects.toBeInstanceOf(ConditionFailedError);
    await expect(failure).rejects.toThrow('ORDER#b/ORDER');
  });

  it('maps contention and throttling to TransientError and passes other errors through', async () => {
    const write: ItemWrite[] = [{ pk: 'ORDER#a', sk: 'ORDER', data: {} }];
    const conflict = storeWith(scripted(cancelled('TransactionConflict', 'None')));
    const throttled = storeWith(
      scripted(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })),
    );
    const invalid = storeWith(scripted(cancelled('ValidationError')));

    await expect(conflict.store.transact(write)).rejects.toBeInstanceOf(TransientError);
    await expect(throttled.store.transact(write)).rejects.toBeInstanceOf(TransientError);
    await expect(invalid.store.transact(write)).rejects.toBeInstanceOf(TransactionCanceledException);
  });

  it('refuses a transaction over 100 items or writing one item twice, without calling DynamoDB', async () => {
    const { store, sent } = storeWith(scripted());
    const writes: ItemWrite[] = Array.from({ length: 95 }, (_, i) => ({
      pk: `ORDER#${i}`,
      sk: 'ORDER',
      data: {},
    }));
    const events = Array.from({ length: 6 }, (_, i) => sampleEvent(`evt-${i}`));
    const twice: ItemWrite[] = [
      { pk: 'ORDER#a', sk: 'ORDER', data: {} },
      { pk: 'ORDER#a', sk: 'ORDER', data: {}, expect: 1 },
    ];

    await expect(store.transact(writes, events)).rejects.toBeInstanceOf(InvalidTransactionError);
    await expect(store.transact(twice)).rejects.toThrow('written twice');
    await expect(store.transact(writes, events.slice(0, 5))).rejects.toThrow('unexpected call');
    expect(sent).toHaveLength(1);
  });
});

describe('DynamoDbItemStore reads', () => {
  it('gets an item with a consistent read and answers undefined when absent', async () => {
    const { store, sent } = storeWith(scripted({ Item: entity('ORDER#a', 7) }, {}));

    const found = await store.get('ORDER#a', 'ORDER');
    const missing = await store.get('ORDER#z', 'ORDER');

    expect(found).toEqual({ pk: 'ORDER#a', sk: 'ORDER', data: { orderId: 'ORDER#a' }, version: 7 });
    expect(missing).toBeUndefined();
    expect(sent[0]?.input).toEqual({
      TableName: 'meridian',
      Key: { pk: 'ORDER#a', sk: 'ORDER' },
      ConsistentRead: true,
    });
  });

  it('getMany fetches in chunks of 100, retries unprocessed keys and answers in the caller order', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `ORDER#${i}`, sk: 'ORDER' }));
    const respond: Respond = (command) => {
      const request = (command.input.RequestItems as Record<string, { Keys: Array<{ pk: string }> }>)
        .meridian;
      const asked = request?.Keys ?? [];
      // DynamoDB leaves ORDER#0 unprocessed once and answers the rest in reverse order.
      const leave = asked.length === 100 ? asked.filter((key) => key.pk === 'ORDER#0') : [];
      const answered = asked.filter((key) => !leave.includes(key) && key.pk !== 'ORDER#149').reverse();
      return {
        Responses: { meridian: answered.map((key) => entity(key.pk)) },
        ...(leave.length > 0 ? { UnprocessedKeys: { meridian: { Keys: leave } } } : {}),
      };
    };
    const { store, sent } = storeWith(respond);

    const items = await store.getMany([...keys, { pk: 'ORDER#3', sk: 'ORDER' }]);

    expect(
      sent.map(
        (command) =>
          (command.input.RequestItems as Record<string, { Keys: unknown[] }>).meridian?.Keys.length,
      ),
    ).toEqual([100, 1, 50]);
    expect(items.map((item) => item.pk)).toEqual([...keys.slice(0, 149).map((key) => key.pk), 'ORDER#3']);
  });

  it('maps a connection that fails (refused, reset, timed out, no DNS) to TransientError, reads and writes', async () => {
    // What the SDK throws once its own retries are spent: a Node.js network error, not a service exception.
    const networkError = (code: string) =>
      Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code, $metadata: { attempts: 3 } });
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']) {
      const { store } = storeWith(() => {
        throw networkError(code);
      });
      await expect(store.get('ORDER#a', 'ORDER'), code).rejects.toBeInstanceOf(TransientError);
      await expect(
        store.transact([{ pk: 'ORDER#a', sk: 'ORDER', data: {}, expect: 'absent' }]),
        code,
      ).rejects.toBeInstanceOf(TransientError);
    }
  });

  it('getMany gives up with TransientError when keys stay unprocessed', async () => {
    const { store, sent } = storeWith(
      () => ({
        Responses: { meridian: [] },
        UnprocessedKeys: { meridian: { Keys: [{ pk: 'ORDER#1', sk: 'ORDER' }] } },
      }),
      3,
    );

    await expect(store.getMany([{ pk: 'ORDER#1', sk: 'ORDER' }])).rejects.toBeInstanceOf(TransientError);
    expect(sent).toHaveLength(3);
  });

  it('queryPartition follows LastEvaluatedKey and filters by sort-key prefix', async () => {
    const { store, sent } = storeWith(
      scripted(
        {
          Items: [entity('STOCK#x', 1, { sk: 'ALLOTMENT#eu-west-1' })],
          LastEvaluatedKey: { pk: 'STOCK#x', sk: 'ALLOTMENT#eu-west-1' },
        },
        { Items: [entity('STOCK#x', 2, { sk: 'ALLOTMENT#us-east-1' })] },
      ),
    );

    const items = await store.queryPartition('STOCK#x', { skPrefix: 'ALLOTMENT#' });

    expect(items.map((item) => item.sk)).toEqual(['ALLOTMENT#eu-west-1', 'ALLOTMENT#us-east-1']);
    expect(sent[0]?.input).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'STOCK#x', ':prefix': 'ALLOTMENT#' },
      ConsistentRead: true,
    });
    expect(sent[1]?.input.ExclusiveStartKey).toEqual({ pk: 'STOCK#x', sk: 'ALLOTMENT#eu-west-1' });
  });
});
