import type { TransactWriteItem } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@meridian/contracts';
import {
  type CounterWrite,
  checkTransaction,
  type IndexName,
  type ItemWrite,
  isCounterWrite,
} from '@meridian/domain';
import { asJsonMap } from '../shared/json';
import { outboxItem } from './outbox-item';
import { ATTR, indexKeyAttributes } from './table-layout';

export interface TransactContext {
  tableName: string;
  region: string;
  nowMs: number;
}

/** Raised before calling DynamoDB for a transaction it would reject as a whole (the domain's rule). */
export { InvalidTransactionError } from '@meridian/domain';

const INDEXES: readonly IndexName[] = ['gsi1', 'gsi2'];

/**
 * The TransactItems for a set of writes and their events (the outbox rows), in that order, so a
 * cancellation reason at position i names writes[i].
 *
 * Conditional writes are Puts: the expected version is known, so the new version is too, and a Put
 * replaces the whole item (a dropped index key disappears, as in SQLite). Unconditional writes are
 * Updates with `ADD version 1`: DynamoDB increments atomically, where read-then-put would need a read in
 * the transaction and could lose an increment to a concurrent writer.
 */
export function buildTransactItems(
  writes: readonly (ItemWrite | CounterWrite)[],
  events: readonly EventEnvelope[],
  context: TransactContext,
): TransactWriteItem[] {
  checkTransaction(writes, events);
  return [
    ...writes.map((write) =>
      isCounterWrite(write)
        ? counterUpdate(write, context)
        : write.expect === undefined
          ? updateItem(write, context)
          : putItem(write, context),
    ),
    ...events.map((event) => ({
      Put: { TableName: context.tableName, Item: outboxItem(event, context.region, context.nowMs) },
    })),
  ];
}

/**
 * The table's TTL attribute (`expiresAt`, seconds since the epoch; see the data stack's
 * `timeToLiveAttribute`) for an item whose data carries a numeric `expiresAt` in seconds, as idempotency
 * records do; undefined for items that never expire.
 */
export function timeToLiveOf(data: Record<string, unknown>): number | undefined {
  const expiresAt = data.expiresAt;
  return typeof expiresAt === 'number' && Number.isFinite(expiresAt) && expiresAt > 0
    ? Math.floor(expiresAt)
    : undefined;
}

function putItem(write: ItemWrite, context: TransactContext): TransactWriteItem {
  const item: Record<string, unknown> = {
    [ATTR.pk]: write.pk,
    [ATTR.sk]: write.sk,
    [ATTR.data]: asJsonMap(write.data),
    [ATTR.version]: write.expect === 'absent' ? 1 : (write.expect ?? 0) + 1,
    [ATTR.updatedAt]: context.nowMs,
    [ATTR.writerRegion]: context.region,
  };
  const ttl = timeToLiveOf(write.data);
  if (ttl !== undefined) item[ATTR.expiresAt] = ttl;
  for (const index of INDEXES) {
    const key = write[index];
    if (!key) continue;
    const attrs = indexKeyAttributes(index);
    item[attrs.pk] = key.pk;
    item[attrs.sk] = key.sk;
  }
  if (write.expect === 'absent') {
    return {
      Put: { TableName: context.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
    };
  }
  return {
    Put: {
      TableName: context.tableName,
      Item: item,
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': ATTR.version },
      ExpressionAttributeValues: { ':expected': write.expect },
    },
  };
}

function updateItem(write: ItemWrite, context: TransactContext): TransactWriteItem {
  // `data` is a DynamoDB reserved word, so every attribute goes through a name placeholder.
  const names: Record<string, string> = {
    '#data': ATTR.data,
    '#updatedAt': ATTR.updatedAt,
    '#writerRegion': ATTR.writerRegion,
    '#version': ATTR.version,
  };
  const values: Record<string, unknown> = {
    ':data': asJsonMap(write.data),
    ':now': context.nowMs,
    ':region': context.region,
    ':one': 1,
  };
  const set = ['#data = :data', '#updatedAt = :now', '#writerRegion = :region'];
  const remove: string[] = [];
  for (const index of INDEXES) {
    const attrs = indexKeyAttributes(index);
    names[`#${attrs.pk}`] = attrs.pk;
    names[`#${attrs.sk}`] = attrs.sk;
    const key = write[index];
    if (key) {
      values[`:${attrs.pk}`] = key.pk;
      values[`:${attrs.sk}`] = key.sk;
      set.push(`#${attrs.pk} = :${attrs.pk}`, `#${attrs.sk} = :${attrs.sk}`);
    } else {
      // An unconditional write replaces the item in SQLite, index keys included: drop stale ones here too.
      remove.push(`#${attrs.pk}`, `#${attrs.sk}`);
    }
  }
  // Likewise the TTL: set from the new data, or dropped so a stale one cannot delete the item.
  names['#expiresAt'] = ATTR.expiresAt;
  const ttl = timeToLiveOf(write.data);
  if (ttl === undefined) {
    remove.push('#expiresAt');
  } else {
    values[':expiresAt'] = ttl;
    set.push('#expiresAt = :expiresAt');
  }
  return {
    Update: {
      TableName: context.tableName,
      Key: { [ATTR.pk]: write.pk, [ATTR.sk]: write.sk },
      UpdateExpression: `SET ${set.join(', ')} ADD #version :one${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * A counter change in place (`SET data.f = data.f + :d`), conditional on the item existing and on each
 * `atLeast` field: DynamoDB evaluates it atomically, so concurrent reservations of one allotment never
 * need a read or a version, and none can take a count below its floor. The expression holds the domain's
 * counter semantics (`applyCounterWrite`): a missing field counts as 0 for adding and for a minimum, a
 * field that is not a number fails the condition.
 */
function counterUpdate(write: CounterWrite, context: TransactContext): TransactWriteItem {
  const names: Record<string, string> = {
    '#data': ATTR.data,
    '#updatedAt': ATTR.updatedAt,
    '#writerRegion': ATTR.writerRegion,
    '#version': ATTR.version,
    '#pk': ATTR.pk,
  };
  const values: Record<string, unknown> = {
    ':now': context.nowMs,
    ':region': context.region,
    ':one': 1,
    ':zero': 0,
    ':number': 'N',
  };
  const set = ['#updatedAt = :now', '#writerRegion = :region'];
  const conditions = ['attribute_exists(#pk)'];
  Object.entries(write.add).forEach(([field, delta], i) => {
    names[`#a${i}`] = field;
    values[`:a${i}`] = delta;
    set.push(`#data.#a${i} = if_not_exists(#data.#a${i}, :zero) + :a${i}`);
    conditions.push(`(attribute_not_exists(#data.#a${i}) OR attribute_type(#data.#a${i}, :number))`);
  });
  Object.entries(write.atLeast ?? {}).forEach(([field, minimum], i) => {
    names[`#m${i}`] = field;
    values[`:m${i}`] = minimum;
    const holds = `(attribute_type(#data.#m${i}, :number) AND #data.#m${i} >= :m${i})`;
    // A missing field counts as 0, which meets a minimum of 0 or less.
    conditions.push(minimum <= 0 ? `(attribute_not_exists(#data.#m${i}) OR ${holds})` : holds);
  });
  return {
    Update: {
      TableName: context.tableName,
      Key: { [ATTR.pk]: write.pk, [ATTR.sk]: write.sk },
      UpdateExpression: `SET ${set.join(', ')} ADD #version :one`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
