import { marshall } from '@aws-sdk/util-dynamodb';
import type { PublishResult } from '@meridian/adapters-aws';
import { outboxItem } from '@meridian/adapters-aws';
import type { EventEnvelope } from '@meridian/contracts';
import {
  claimWrite,
  loadAllotment,
  newClaim,
  noteDuplicateKey,
  openDuplicateKeys,
  receiveStock,
  type StockTransfer,
} from '@meridian/domain';
import { InMemoryItemStore, inMemoryContext } from '@meridian/domain/testing';
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

/** A store whose next `failures` transactions fail, as a throttled or unreachable table would. */
class FailingStore extends InMemoryItemStore {
  failures = 0;
  override async transact(...args: Parameters<InMemoryItemStore['transact']>): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('ProvisionedThroughputExceededException');
    }
    return super.transact(...args);
  }
}

function setup(reject: (event: EventEnvelope) => boolean = () => false) {
  const published: EventEnvelope[][] = [];
  const errors: string[] = [];
  const store = new FailingStore();
  const { ctx } = inMemoryContext({ region: REGION, regions: [REGION, 'us-east-1'], store });
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
    creditTransfer: (transfer) => receiveStock(ctx, transfer),
    noteClaim: (claim) => noteDuplicateKey(ctx, claim),
    logger: { info: () => undefined, error: (message: string) => void errors.push(message) },
  });
  const available = async (sku: string) => (await loadAllotment(store, sku, REGION))?.value.available ?? 0;
  return { handler, published, errors, store, available, ctx };
}

function transfer(transferId: string, toRegion: string, quantity = 5): StockTransfer {
  return {
    transferId,
    sku: 'SKU-1',
    fromRegion: 'supplier',
    toRegion,
    quantity,
    createdAt: '2025-03-01T12:00:00.000Z',
    restock: 'req-1',
  };
}

/** A transfer record as the DynamoDB item store writes it (the global table replicates it as is). */
function transferItem(t: StockTransfer, writerRegion = 'us-east-1'): Record<string, unknown> {
  return {
    pk: `STOCK#${t.sku}`,
    sk: `TRANSFER#${t.transferId}`,
    data: { ...t },
    version: 1,
    updatedAt: '2025-03-01T12:00:00.000Z',
    writerRegion,
  };
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

  it('credits, once, the transfer records addressed to this region that replicate in', async () => {
    const { handler, published, available, store } = setup();

    const result = await handler(
      batch(
        record('40', 'INSERT', transferItem(transfer('T-mine', REGION, 5))),
        // Written here for the peer: the peer's stream consumer credits it, not this one.
        record('41', 'INSERT', transferItem(transfer('T-peer', 'us-east-1', 7), REGION)),
        record('42', 'MODIFY', transferItem(transfer('T-modified', REGION, 11))),
        record('43', 'INSERT', outboxItem(event('mine-1'), REGION, 0)),
      ),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(await available('SKU-1')).toBe(5);
    expect(await store.get('STOCK#SKU-1', 'CREDIT#T-mine')).toBeDefined();
    expect(await store.get('STOCK#SKU-1', 'CREDIT#T-peer')).toBeUndefined();
    expect(published).toEqual([[event('mine-1')]]);

    // Lambda redelivers a batch after any failure: a transfer already credited adds nothing.
    await handler(batch(record('40', 'INSERT', transferItem(transfer('T-mine', REGION, 5)))));
    expect(await available('SKU-1')).toBe(5);
  });

  it('reports a transfer it could not credit as a batch item failure, and credits it on the retry', async () => {
    const { handler, store, available, errors } = setup();
    store.failures = 1;
    const records = batch(
      record('50', 'INSERT', transferItem(transfer('T-1', REGION, 3))),
      record('51', 'INSERT', transferItem(transfer('T-2', REGION, 4))),
    );

    expect((await handler(records)).batchItemFailures).toEqual([{ itemIdentifier: '50' }]);
    expect(errors).toEqual(['could not credit a stock transfer']);
    expect(await available('SKU-1')).toBe(4);

    expect((await handler(records)).batchItemFailures).toEqual([]);
    expect(await available('SKU-1')).toBe(7);
  });

  it('fails an unreadable transfer record addressed to this region instead of dropping it', async () => {
    const { handler, errors } = setup();
    const item = transferItem(transfer('T-bad', REGION));
    (item.data as Record<string, unknown>).quantity = 'five';

    const result = await handler(batch(record('60', 'INSERT', item)));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '60' }]);
    expect(errors).toEqual(['transfer record holds no valid transfer']);
  });

  it('notes a key another region also claimed when this region holds a twin order, and only then', async () => {
    const { handler, ctx, store } = setup();
    // The claims' day of life starts on the context's clock.
    const at = new Date(ctx.clock.now()).toISOString();
    const claimOf = (region: string, orderId: string, key = 'k-1') => ({
      ...newClaim(
        { ...ctx, region },
        { customerId: 'alice', key, orderId, requestFingerprint: 'f', createdAt: at },
      ),
    });
    // This region's own claim on k-1; another region's claims on k-1 and on k-2 replicate in (the stream
    // shows each once it is in this region's table).
    const peerK1 = claimOf('us-east-1', 'ord_B_us-east-1');
    const peerK2 = claimOf('us-east-1', 'ord_C_us-east-1', 'k-2');
    await store.transact([
      claimWrite(claimOf(REGION, 'ord_A_eu-west-1'), 'absent'),
      claimWrite(peerK1, 'absent'),
      claimWrite(peerK2, 'absent'),
    ]);
    // As the DynamoDB item store writes it, and the global table replicates it.
    const item = (claim: ReturnType<typeof claimOf>) => {
      const { pk, sk, data } = claimWrite(claim, 'absent');
      return { pk, sk, data, version: 1 };
    };

    const result = await handler(
      batch(
        record('70', 'INSERT', item(peerK1)),
        record('71', 'INSERT', item(peerK2)),
        // This region's own claim, as its own stream shows it: nothing to decide.
        record('72', 'INSERT', item(claimOf(REGION, 'ord_A_eu-west-1'))),
      ),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(await openDuplicateKeys(ctx)).toBe(1);
    expect(await store.get('DUPLICATE#alice#k-1', `DUPLICATE#${REGION}`)).toBeDefined();
    expect(await store.get('DUPLICATE#alice#k-2', `DUPLICATE#${REGION}`)).toBeUndefined();
  });

  it('fails an unreadable peer claim instead of dropping it', async () => {
    const { handler, errors } = setup();

    const result = await handler(
      batch(record('80', 'INSERT', { pk: 'IDEMPOTENCY#alice#k', sk: 'CLAIM#us-east-1', data: { key: 1 } })),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '80' }]);
    expect(errors).toEqual(['could not note a peer claim on an Idempotency-Key']);
  });
});
