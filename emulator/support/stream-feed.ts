import {
  type _Record,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { compileEventPattern } from '@meridian/adapters-local';
import type { AwsClients } from './aws-clients';
import type { LambdaHost } from './lambda-host';
import type { StreamMapping } from './provision-service';

/** A stream record as Lambda hands it to the function (the shape the filter criteria are matched against). */
type LambdaStreamRecord = Record<string, unknown> & { dynamodb: { SequenceNumber?: string } };

/**
 * The table stream's event source mapping, emulated: reads moto's DynamoDB Streams from the mapping's
 * starting position, keeps the records its filter criteria admit (matched with Meridian's EventBridge
 * pattern implementation, the syntax Lambda filters use), invokes the function with batches of up to
 * `batchSize`, retries from the first reported batch item failure (or bisects a failed batch), and sends
 * a batch that exhausted its retries to the on-failure queue, as Lambda does. One poller for all shards,
 * one batch at a time per shard, as Lambda processes a shard in order.
 */
export class StreamFeed {
  private running = false;
  private loop?: Promise<void>;
  private readonly iterators = new Map<string, string | undefined>();
  private knownShards?: { ids: string[]; at: number };
  private readonly filters;
  /** Records delivered per function call, for tests that check what the consumer saw. */
  readonly delivered: LambdaStreamRecord[] = [];
  readonly failedBatches: Array<{ records: LambdaStreamRecord[]; reason: string }> = [];

  constructor(
    private readonly clients: AwsClients,
    private readonly mapping: StreamMapping,
    private readonly host: LambdaHost,
    private readonly options: { region: string; queueUrls: Map<string, string>; pollIntervalMs?: number },
  ) {
    this.filters = mapping.filterPatterns.map((pattern) => compileEventPattern(pattern));
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let received = 0;
      try {
        received = await this.pollOnce();
      } catch (error) {
        // moto restarting or a transient failure: Lambda's poller keeps trying too.
        if (this.running) console.error('stream feed: poll failed', error);
      }
      if (received === 0) await sleep(this.options.pollIntervalMs ?? 100);
    }
  }

  private async shards(): Promise<string[]> {
    // Shards change rarely (moto keeps one per table): describe the stream once a second, not per poll.
    if (!this.knownShards || Date.now() - this.knownShards.at > 1_000) {
      const description = await this.clients.streams.send(
        new DescribeStreamCommand({ StreamArn: this.mapping.eventSourceArn }),
      );
      const ids = (description.StreamDescription?.Shards ?? []).map((shard) => shard.ShardId ?? '');
      this.knownShards = { ids, at: Date.now() };
    }
    return this.knownShards.ids;
  }

  private async pollOnce(): Promise<number> {
    let received = 0;
    for (const shardId of await this.shards()) {
      if (!this.iterators.has(shardId)) {
        const start = await this.clients.streams.send(
          new GetShardIteratorCommand({
            StreamArn: this.mapping.eventSourceArn,
            ShardId: shardId,
            ShardIteratorType: this.mapping.startingPosition,
          }),
        );
        this.iterators.set(shardId, start.ShardIterator);
      }
      const iterator = this.iterators.get(shardId);
      if (!iterator) continue;
      const page = await this.clients.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
      );
      this.iterators.set(shardId, page.NextShardIterator);
      const records = (page.Records ?? []).map((record) => this.asLambdaRecord(record));
      received += records.length;
      const admitted = records.filter((record) => this.filters.some((filter) => filter.matches(record)));
      for (let start = 0; start < admitted.length; start += this.mapping.batchSize) {
        await this.deliver(admitted.slice(start, start + this.mapping.batchSize));
      }
    }
    return received;
  }

  /** Delivers one batch with Lambda's retry rules; resolves once it succeeded or went to the failure queue. */
  private async deliver(batch: LambdaStreamRecord[]): Promise<void> {
    let pending = batch;
    const maxAttempts =
      this.mapping.maximumRetryAttempts < 0 ? 10_000 : this.mapping.maximumRetryAttempts + 1;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.host.invoke(this.mapping.functionName, { Records: pending });
      let failedFrom = -1;
      if (!result.ok) {
        failedFrom = 0;
      } else if (this.mapping.reportBatchItemFailures) {
        const failures = (
          (result.payload as { batchItemFailures?: Array<{ itemIdentifier: string }> } | null)
            ?.batchItemFailures ?? []
        ).map((failure) => failure.itemIdentifier);
        if (failures.length > 0) {
          const positions = failures.map((id) =>
            pending.findIndex((record) => record.dynamodb.SequenceNumber === id),
          );
          // An identifier that names no record of the batch fails the whole batch, as on Lambda.
          failedFrom = positions.some((position) => position < 0) ? 0 : Math.min(...positions);
        }
      }
      if (failedFrom < 0) {
        this.delivered.push(...pending);
        return;
      }
      this.delivered.push(...pending.slice(0, failedFrom));
      pending = pending.slice(failedFrom);
      if (attempt >= maxAttempts) {
        const reason = result.ok
          ? 'batch item failures'
          : `${result.error.errorType}: ${result.error.errorMessage}`;
        await this.toFailureQueue(pending, reason);
        return;
      }
      if (!result.ok && this.mapping.bisectBatchOnFunctionError && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        await this.deliver(pending.slice(0, half));
        pending = pending.slice(half);
      }
      await sleep(20);
    }
  }

  private async toFailureQueue(records: LambdaStreamRecord[], reason: string): Promise<void> {
    this.failedBatches.push({ records, reason });
    const queueUrl = this.mapping.onFailureQueueArn
      ? this.options.queueUrls.get(this.mapping.onFailureQueueArn)
      : undefined;
    if (!queueUrl) return;
    const first = records[0]?.dynamodb.SequenceNumber;
    const last = records.at(-1)?.dynamodb.SequenceNumber;
    await this.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        // Lambda sends a description of the batch, not the records (an operator re-reads the stream).
        MessageBody: JSON.stringify({
          requestContext: { condition: 'RetryAttemptsExhausted', functionArn: this.mapping.functionName },
          responseContext: { reason },
          DDBStreamBatchInfo: {
            streamArn: this.mapping.eventSourceArn,
            startSequenceNumber: first,
            endSequenceNumber: last,
            batchSize: records.length,
          },
        }),
      }),
    );
  }

  private asLambdaRecord(record: _Record): LambdaStreamRecord {
    const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
    return {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: record.awsRegion ?? this.options.region,
      dynamodb: {
        ...(ApproximateCreationDateTime
          ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
          : {}),
        ...dynamodb,
      },
      eventSourceARN: this.mapping.eventSourceArn,
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
