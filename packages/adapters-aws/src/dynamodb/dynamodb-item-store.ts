import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@meridian/contracts';
import {
  type Clock,
  type CounterWrite,
  type IndexName,
  InvalidCursorError,
  type ItemKey,
  type ItemStore,
  type ItemWrite,
  type Page,
  type PageRequest,
  type StoredItem,
  TransientError,
} from '@meridian/domain';
import { errorName } from '../shared/aws-errors';
import { backoffDelay, realSleep, type Sleep } from '../shared/retry';
import { toStoreError } from './dynamodb-errors';
import { decodeIndexCursor, encodeIndexCursor, exclusiveStartKey, positionOf } from './index-cursor';
import { ATTR, indexKeyAttributes, toStoredItem } from './table-layout';
import { buildTransactItems } from './transact-items';

/** Same cap as the SQLite store, so a page means the same thing in both runtimes. */
const MAX_PAGE = 200;
/** BatchGetItem's limit on keys per call. */
const BATCH_GET_SIZE = 100;

export interface DynamoDbItemStoreOptions {
  /** Any DocumentClient; the store normalises values itself, so no marshalling options are required. */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** This region: written as `writerRegion` and as the outbox rows' `originRegion`. */
  region: string;
  clock: Clock;
  /** Idempotency token per transact call; the SDK resends it on retries. */
  requestToken?: () => string;
  sleep?: Sleep;
  /** Rounds of BatchGetItem for keys DynamoDB left unprocessed before giving up with TransientError. */
  maxBatchGetAttempts?: number;
}

/**
 * ItemStore on the Meridian DynamoDB table, with the semantics of the SQLite store: per-item versions
 * bumped on every write, `expect` conditions, cursor pages over an index, and events written as outbox
 * rows in the same TransactWriteItems (at most 100 writes and events together).
 *
 * Reads of the table are strongly consistent (in this region's replica); index queries cannot be.
 * Index pages are ordered by the index sort key only: Meridian's index sort keys end in a unique id, so
 * the SQLite store's tie-break on pk never comes into play.
 */
export class DynamoDbItemStore implements ItemStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly requestToken: () => string;
  private readonly sleep: Sleep;
  private readonly maxBatchGetAttempts: number;

  constructor(private readonly options: DynamoDbItemStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.requestToken = options.requestToken ?? randomUUID;
    this.sleep = options.sleep ?? realSleep;
    this.maxBatchGetAttempts = options.maxBatchGetAttempts ?? 8;
  }

  async get(pk: string, sk: string): Promise<StoredItem | undefined> {
    const result = await this.call(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true })),
    );
    return result.Item && toStoredItem(result.Item);
  }

  async getMany(keys: readonly ItemKey[]): Promise<StoredItem[]> {
    // BatchGetItem rejects duplicate keys and answers in any order: fetch each key once, then answer in
    // the caller's order (duplicates included), as the SQLite store does.
    const unique = [...new Map(keys.map((key) => [keyId(key), key])).values()];
    const found = new Map<string, StoredItem>();
    for (let start = 0; start < unique.length; start += BATCH_GET_SIZE) {
      for (const item of await this.batchGet(unique.slice(start, start + BATCH_GET_SIZE)))
        found.set(keyId(item), item);
    }
    return keys.flatMap((key) => {
      const item = found.get(keyId(key));
      return item ? [item] : [];
    });
  }

  async queryPartition(pk: string, options: { skPrefix?: string } = {}): Promise<StoredItem[]> {
    const prefix = options.skPrefix ?? '';
    // begins_with with an empty string is rejected by DynamoDB, and without a prefix it matches all anyway.
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: prefix === '' ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: prefix === '' ? { '#pk': ATTR.pk } : { '#pk': ATTR.pk, '#sk': ATTR.sk },
      ExpressionAttributeValues: prefix === '' ? { ':pk': pk } : { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    };
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
        ),
      );
      for (const item of page.Items ?? []) items.push(toStoredItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async queryIndex(index: IndexName, pk: string, options: PageRequest): Promise<Page<StoredItem>> {
    const limit = Number.isFinite(options.limit)
      ? Math.min(Math.max(1, Math.trunc(options.limit)), MAX_PAGE)
      : MAX_PAGE;
    const attrs = indexKeyAttributes(index);
    const query = { index, pk, descending: options.descending === true };
    let startKey: Record<string, unknown> | undefined =
      options.cursor === undefined
        ? undefined
        : exclusiveStartKey(index, pk, decodeIndexCursor(query, options.cursor));
    // One item beyond the page tells whether another page exists (no empty last page, as in SQLite); a
    // response may also stop early at 1 MB, so keep reading until the page is full or the index ends.
    const rows: Record<string, unknown>[] = [];
    do {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#ipk = :pk',
        ExpressionAttributeNames: { '#ipk': attrs.pk },
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: !options.descending,
        Limit: limit + 1 - rows.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const fromCursor = startKey !== undefined && rows.length === 0 && options.cursor !== undefined;
      const page = await this.call(async () => {
        try {
          return await this.client.send(new QueryCommand(input));
        } catch (error) {
          // A well-formed cursor from another index or partition is still not a position in this query.
          if (fromCursor && errorName(error) === 'ValidationException') throw new InvalidCursorError();
          throw error;
        }
      });
      rows.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && rows.length <= limit);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toStoredItem),
      ...(rows.length > limit && last
        ? { nextCursor: encodeIndexCursor(query, positionOf(index, last)) }
        : {}),
    };
  }

  async transact(
    writes: readonly (ItemWrite | CounterWrite)[],
    events: readonly EventEnvelope[] = [],
  ): Promise<void> {
    if (writes.length === 0 && events.length === 0) return;
    const transactItems = buildTransactItems(writes, events, {
      tableName: this.tableName,
      region: this.options.region,
      nowMs: this.options.clock.now(),
    });
    try {
      await this.client.send(
        // The token makes the SDK's own retries idempotent for 10 minutes: a retry of a conditional
        // write that in fact succeeded must not come back as a failed condition.
        new TransactWriteCommand({ TransactItems: transactItems, ClientRequestToken: this.requestToken() }),
      );
    } catch (error) {
      throw toStoreError(error, writes);
    }
  }

  private async batchGet(keys: readonly ItemKey[]): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let pending: Record<string, unknown>[] = keys.map((key) => ({ [ATTR.pk]: key.pk, [ATTR.sk]: key.sk }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= this.maxBatchGetAttempts) {
        throw new TransientError(
          `DynamoDB left ${pending.length} keys unprocessed after ${attempt} attempts`,
        );
      }
      if (attempt > 0) await this.sleep(backoffDelay(attempt));
      const request = { [this.tableName]: { Keys: pending, ConsistentRead: true } };
      const result = await this.call(() => this.client.send(new BatchGetCommand({ RequestItems: request })));
      for (const item of result.Responses?.[this.tableName] ?? []) items.push(toStoredItem(item));
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return items;
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

function keyId(key: ItemKey): string {
  return JSON.stringify([key.pk, key.sk]);
}
