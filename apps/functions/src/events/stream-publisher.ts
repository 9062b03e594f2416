import type { Logger } from '@aws-lambda-powertools/logger';
import { outboxEventFromImage, type PublishResult } from '@meridian/adapters-aws';
import type { EventEnvelope } from '@meridian/contracts';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventPublisher, logger, region } from '../aws/composition-root';

export interface StreamPublisherDependencies {
  /** Only outbox rows written in this region are published here; each region publishes its own. */
  region: string;
  publisher: { publish(events: readonly EventEnvelope[]): Promise<PublishResult> };
  logger: Pick<Logger, 'info' | 'error'>;
}

/**
 * The outbox relay on AWS: the table's stream → the regional bus. An outbox row is announced by its
 * INSERT; the copies the global table replicates from peer regions carry another `originRegion` and are
 * skipped, so every event is put on a bus exactly by the region that committed it (peers receive it
 * through the bus-to-bus forwarding rules). Records whose event was not accepted are reported as batch
 * item failures, so Lambda retries from the first of them (at least once; consumers dedupe by event id).
 */
export function createStreamPublisher(deps: StreamPublisherDependencies) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const failedSequences: string[] = [];
    const pending: Array<{ sequence: string; event: EventEnvelope }> = [];
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT') continue;
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      try {
        const envelope = outboxEventFromImage(record.dynamodb?.NewImage, deps.region);
        if (envelope) pending.push({ sequence, event: envelope });
      } catch (error) {
        // An unreadable outbox row of this region is an event about to be lost: fail loudly, never skip.
        deps.logger.error('outbox row holds no valid event', { sequence, error: asLoggable(error) });
        failedSequences.push(sequence);
      }
    }
    if (pending.length > 0) {
      const { failed } = await deps.publisher.publish(pending.map((item) => item.event));
      const failedIds = new Set(failed.map((failure) => failure.event.id));
      for (const failure of failed) {
        deps.logger.error('event not accepted by the bus', {
          eventId: failure.event.id,
          errorCode: failure.errorCode,
          errorMessage: failure.errorMessage,
        });
      }
      for (const item of pending) if (failedIds.has(item.event.id)) failedSequences.push(item.sequence);
      deps.logger.info('outbox events published', {
        published: pending.length - failedIds.size,
        failed: failedIds.size,
      });
    }
    return { batchItemFailures: failedSequences.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function asLoggable(error: unknown): Error | string {
  return error instanceof Error ? error : String(error);
}

let publish: ReturnType<typeof createStreamPublisher> | undefined;

/** Lambda entry: DynamoDB stream event source with ReportBatchItemFailures. */
export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger().addContext(context);
  publish ??= createStreamPublisher({ region: region(), publisher: eventPublisher(), logger: logger() });
  return publish(event);
}
