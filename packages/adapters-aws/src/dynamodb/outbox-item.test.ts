import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../testing/sample-event';
import { outboxEventFromImage, outboxItem } from './outbox-item';

/** A stream image as Lambda delivers it: the item in DynamoDB JSON. */
const imageOf = (item: Record<string, unknown>) => marshall(item) as Record<string, unknown>;

describe('outbox rows', () => {
  it('round-trip from the written row to the event the stream publisher sends', () => {
    const event = sampleEvent('evt-1', { lines: [{ sku: 'A', quantity: 2 }], totalMinor: 1999 });

    const published = outboxEventFromImage(imageOf(outboxItem(event, 'eu-west-1', 0)), 'eu-west-1');

    expect(published).toEqual(event);
  });

  it('are published only by the region that wrote them', () => {
    const image = imageOf(outboxItem(sampleEvent('evt-1'), 'us-east-1', 0));

    expect(outboxEventFromImage(image, 'eu-west-1')).toBeUndefined();
    expect(outboxEventFromImage(image, 'us-east-1')?.id).toBe('evt-1');
  });

  it('are told apart from state items', () => {
    const state = imageOf({ pk: 'ORDER#a', sk: 'ORDER', data: {}, version: 1, originRegion: 'eu-west-1' });

    expect(outboxEventFromImage(state, 'eu-west-1')).toBeUndefined();
  });

  it('without a valid envelope fail loudly instead of being skipped', () => {
    const broken = imageOf({ pk: 'OUTBOX#x', sk: 'EVENT', originRegion: 'eu-west-1', event: { id: 'x' } });

    expect(() => outboxEventFromImage(broken, 'eu-west-1')).toThrow();
  });
});
