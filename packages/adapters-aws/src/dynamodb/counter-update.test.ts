import { describe, expect, it } from 'vitest';
import { buildTransactItems } from './transact-items';

describe('counter writes on DynamoDB', () => {
  it('become one conditional in-place update: deltas on data fields, a floor per field, the item must exist', () => {
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
      'SET #updatedAt = :now, #writerRegion = :region, #data.#a0 = #data.#a0 + :a0, #data.#a1 = #data.#a1 + :a1 ADD #version :one',
    );
    expect(update?.ConditionExpression).toBe('attribute_exists(#pk) AND #data.#m0 >= :m0');
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
    });
  });
});
