import { describe, expect, it } from 'vitest';
import { buildTransactItems } from './transact-items';

describe('counter writes on DynamoDB', () => {
  it('become one conditional in-place update: deltas on numeric data fields (missing ones from 0), a floor per field, the item must exist', () => {
    const [item] = buildTransactItems(
      [
        {
          kind: 'counters',
          pk: 'STOCK#MUG-001',
          sk: 'ALLOTMENT#eu-west-1',
          add: { available: -2, reserved: 2 },
          atLeast: { available: 2 },
        },
      ],
      [],
      { tableName: 'meridian', region: 'eu-west-1', nowMs: 42 },
    );

    const update = item?.Update;
    expect(update?.Key).toEqual({ pk: 'STOCK#MUG-001', sk: 'ALLOTMENT#eu-west-1' });
    expect(update?.UpdateExpression).toBe(
      'SET #updatedAt = :now, #writerRegion = :region, #data.#a0 = if_not_exists(#data.#a0, :zero) + :a0, #data.#a1 = if_not_exists(#data.#a1, :zero) + :a1 ADD #version :one',
    );
    expect(update?.ConditionExpression).toBe(
      'attribute_exists(#pk)' +
        ' AND (attribute_not_exists(#data.#a0) OR attribute_type(#data.#a0, :number))' +
        ' AND (attribute_not_exists(#data.#a1) OR attribute_type(#data.#a1, :number))' +
        ' AND (attribute_type(#data.#m0, :number) AND #data.#m0 >= :m0)',
    );
    expect(update?.ExpressionAttributeNames).toMatchObject({
      '#a0': 'available',
      '#a1': 'reserved',
      '#m0': 'available',
    });
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':a0': -2,
      ':a1': 2,
      ':m0': 2,
      ':now': 42,
      ':region': 'eu-west-1',
      ':zero': 0,
      ':number': 'N',
    });
  });

  it('let a missing field meet a minimum of zero or less, as it counts as 0', () => {
    const [item] = buildTransactItems(
      [{ kind: 'counters', pk: 'A', sk: 'X', add: { n: 1 }, atLeast: { n: 0 } }],
      [],
      { tableName: 'meridian', region: 'eu-west-1', nowMs: 42 },
    );
    expect(item?.Update?.ConditionExpression).toContain(
      '(attribute_not_exists(#data.#m0) OR (attribute_type(#data.#m0, :number) AND #data.#m0 >= :m0))',
    );
  });
});
