import { marshall } from '@aws-sdk/util-dynamodb';
import type { PublishResult } from '@meridian/adapters-aws';
import { outboxItem } from '@meridian/adapters-aws';
import type { EventEnvelope } from '@meridian/contracts';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createStreamPublisher } from './stream-publisher';

const REGION = 'eu-west-1';

function event(id: string, region = REGION): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'OrderPlaced',
    source: 'meridian.orders',
    account: '123456789012',
    time: '2025-03-01T12:00:00.000Z',
    region,
    resources: [],
    detail: { orderId: `ord_${id}` },
  };
}

function record(
  sequence: string,
  eventName: DynamoDBRecord['eventName'],
  item: Record<string, unknown>,
): DynamoDBRecord {
  // The stream delivers DynamoDB JSON; aws-lambda's AttributeValue type differs from the SDK's only in binaries.
  const image = marshall(item) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  return {
    eventName,
    dynamodb: {
      SequenceNumber: sequence,
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
    },
  };
}

function setup(reject: (event: EventEnvelope) => boolean = () => false) {
  const published: EventEnvelope[][] = [];
  const errors: string[] = [];
  const publisher = {
    publish: async (events: readonly EventEnvelope[]): Promise<PublishResult> => {
      published.push([...events]);
      return {
        failed: events
          .filter(reject)
          .map((e) => ({ event: e, errorCode: 'InternalFailure', errorMessage: 'busy' })),
      };
    },
  };
  const handler = createStreamPublisher({
    region: REGION,
    publisher,
    logger: { info: () => undefined, error: (message: string) => void errors.push(message) },
  });
  return { handler, published, errors };
}

const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

describe('stream publisher', () => {
  it('publishes only outbox rows this region inserted', async () => {
    const { handler, published } = setup();

    const result = await handler(
      batch(
        record('1', 'INSERT', outboxItem(event('mine-1'), REGION, 0)),
        record('2', 'INSERT', outboxItem(event('peer', 'us-east-1'), 'us-east-1', 0)),
        record('3', 'INSERT', { pk: 'ORDER#a', sk: 'ORDER', data: {}, version: 1 }),
        record('4', 'MODIFY', outboxItem(event('modified'), REGION, 0)),
        record('5', 'REMOVE', outboxItem(event('expired'), REGION, 0)),
        record('6', 'INSERT', outboxItem(event('mine-2'), REGION, 0)),
      ),
    );

    expect(published).toEqual([[event('mine-1'), event('mine-2')]]);
    expect(result.batchItemFailures).toEqual([]);
  });

  it('reports the records whose events the bus did not accept', async () => {
    const { handler } = setup((e) => e.id === 'b');

    const result = await handler(
      batch(
        record('10', 'INSERT', outboxItem(event('a'), REGION, 0)),
        record('11', 'INSERT', outboxItem(event('b'), REGION, 0)),
        record('12', 'INSERT', outboxItem(event('c'), REGION, 0)),
      ),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '11' }]);
  });

  it('fails an unreadable outbox row of this region instead of dropping it', async () => {
    const { handler, published, errors } = setup();

    const result = await handler(
      batch(
        record('20', 'INSERT', { pk: 'OUTBOX#x', sk: 'EVENT', originRegion: REGION, event: { id: 'x' } }),
        record('21', 'INSERT', outboxItem(event('ok'), REGION, 0)),
      ),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '20' }]);
    expect(published).toEqual([[event('ok')]]);
    expect(errors).toEqual(['outbox row holds no valid event']);
  });

  it('does not call the bus for a batch without outbox rows of this region', async () => {
    const { handler, published } = setup();

    await handler(batch(record('30', 'INSERT', outboxItem(event('peer', 'us-east-1'), 'us-east-1', 0))));

    expect(published).toEqual([]);
  });
});
