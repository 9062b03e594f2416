import type { IndexName, StoredItem } from '@meridian/domain';
import { isRecord } from '../shared/json';

/**
 * Attribute names of the Meridian single table (the CDK data stack creates the same keys and indexes).
 * Items keep the entity in one map attribute, `data`, so entity fields can never collide with keys or
 * replication metadata.
 */
export const ATTR = {
  pk: 'pk',
  sk: 'sk',
  data: 'data',
  version: 'version',
  updatedAt: 'updatedAt',
  writerRegion: 'writerRegion',
  expiresAt: 'expiresAt',
} as const;

export function indexKeyAttributes(index: IndexName): { pk: string; sk: string } {
  return { pk: `${index}pk`, sk: `${index}sk` };
}

/** DynamoDB's hard limit on actions in one TransactWriteItems call (state writes and outbox events). */
export { MAX_TRANSACTION_ITEMS } from '@meridian/domain';

/** Reads an item as the store returns it; anything else in the table (outbox rows) is not an entity. */
export function toStoredItem(item: Record<string, unknown>): StoredItem {
  const { pk, sk, data, version } = item;
  if (typeof pk !== 'string' || typeof sk !== 'string' || typeof version !== 'number' || !isRecord(data)) {
    throw new Error(`item ${String(pk)}/${String(sk)} is not a Meridian entity item`);
  }
  return { pk, sk, data, version };
}
