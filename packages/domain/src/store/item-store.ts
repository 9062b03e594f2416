import type { EventEnvelope } from '@meridian/contracts';
import { MeridianError } from '../shared/errors';

/**
 * Port to the region's key-value store, shaped like one DynamoDB single table: items are addressed by
 * (pk, sk) and may appear in two sparse secondary indexes. SQLite implements it locally, DynamoDB on AWS.
 * Every item carries a `version` (a per-item write counter) for optimistic concurrency; the adapters add
 * replication metadata (update time, writing region) themselves.
 */
export interface ItemStore {
  get(pk: string, sk: string): Promise<StoredItem | undefined>;
  getMany(keys: readonly ItemKey[]): Promise<StoredItem[]>;
  queryPartition(pk: string, options?: { skPrefix?: string }): Promise<StoredItem[]>;
  queryIndex(index: IndexName, pk: string, options: PageRequest): Promise<Page<StoredItem>>;
  /**
   * Applies every write and records every event atomically (the transactional outbox), or none.
   * Throws ConditionFailedError when any write's expectation does not hold, and InvalidTransactionError
   * for a transaction DynamoDB would refuse whole (over 100 writes and events, or an item written twice).
   * Item data is JSON: numbers are safe integers or fractions (DynamoDB's document client refuses
   * integers beyond Number.MAX_SAFE_INTEGER), and fields holding undefined are dropped.
   */
  transact(writes: readonly (ItemWrite | CounterWrite)[], events?: readonly EventEnvelope[]): Promise<void>;
}

export type IndexName = 'gsi1' | 'gsi2';

export interface ItemKey {
  pk: string;
  sk: string;
}

export interface IndexKey {
  pk: string;
  sk: string;
}

export interface StoredItem extends ItemKey {
  data: Record<string, unknown>;
  version: number;
}

export interface ItemWrite extends ItemKey {
  data: Record<string, unknown>;
  gsi1?: IndexKey;
  gsi2?: IndexKey;
  /**
   * `'absent'`: the item must not exist. A number: the stored version must equal it. Omitted: unconditional.
   * The written item's version is the previous version + 1 (1 for a new item).
   */
  expect?: 'absent' | number;
}

/**
 * An atomic change of numeric fields of an existing item (DynamoDB `SET n = n + :d` with a condition):
 * no read-modify-write, so concurrent changes of a hot item (a SKU's allotment) never conflict. A field
 * the item lacks counts as 0 (for `add` and `atLeast` alike). It fails with ConditionFailedError when the
 * item is missing, a field is below its `atLeast` before the change, or a named field holds something
 * other than a number (`applyCounterWrite` in write-rules.ts is the rule every store follows).
 */
export interface CounterWrite extends ItemKey {
  kind: 'counters';
  /** Added to the named numeric fields of the item's data; negative values subtract. */
  add: Record<string, number>;
  atLeast?: Record<string, number>;
}

export function isCounterWrite(write: ItemWrite | CounterWrite): write is CounterWrite {
  return 'kind' in write && write.kind === 'counters';
}

export interface PageRequest {
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  /** Newest (largest sort key) first. */
  descending?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A conditional write found the item in another state than expected: reload and retry. */
export class ConditionFailedError extends MeridianError {
  constructor(message = 'the item changed since it was read') {
    super('condition_failed', message);
  }
}

export class InvalidCursorError extends MeridianError {
  constructor() {
    super('invalid_cursor', 'The pagination cursor is malformed or expired.');
  }
}
