import type { Logger } from '@aws-lambda-powertools/logger';
import { outboxEventFromImage, type PublishResult } from '@meridian/adapters-aws';
import type { EventEnvelope } from '@meridian/contracts';
import { noteDuplicateKey, receiveStock, type StockTransfer } from '@meridian/domain';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { domainContext, eventPublisher, logger, region } from '../aws/composition-root';
import { peerClaimFromImage } from './claim-image';
import { stockTransferFromImage } from './stock-transfer-image';

export interface StreamPublisherDependencies {
  /** Only outbox rows written in this region are published here; each region publishes its own. */
  region: string;
  publisher: { publish(events: readonly EventEnvelope[]): Promise<PublishResult> };
  /** Credits a transfer addressed to this region once (`receiveStock`); false when it already was. */
  creditTransfer(transfer: StockTransfer): Promise<boolean>;
  /**
   * Another region's claim on an Idempotency-Key arrived: notes the key for the duplicate sweep when this
   * region holds a twin order (`noteDuplicateKey`); true when it did.
   */
  noteClaim(claim: { customerId: string; key: string }): Promise<boolean>;
  logger: Pick<Logger, 'info' | 'error'>;
}

/**
 * The table stream's consumer on AWS, in three roles.
 *
 * The outbox relay: the table's stream → the regional bus. An outbox row is announced by its INSERT; the
 * copies the global table replicates from peer regions carry another `originRegion` and are skipped, so
 * every event is put on a bus exactly by the region that committed it (peers receive it through the
 * bus-to-bus forwarding rules).
 *
 * Transfer credits: a `TRANSFER#` record (a peer's share of a restock, or units a region sent) is written
 * by the sending region and reaches the receiving region's stream as a replicated INSERT; the receiving
 * region credits its allotment with it, exactly once by the transfer's CREDIT# record (`receiveStock`).
 *
 * Duplicate keys: another region's claim on an Idempotency-Key reaches this region's stream as a replicated
 * write; when this region holds a twin order for the key, the key is noted for the duplicate sweep
 * (apps/functions/src/integrity), which decides which order is kept.
 *
 * Records whose event was not accepted, or whose transfer could not be credited, are reported as batch
 * item failures, so Lambda retries from the first of them (at least once; consumers dedupe by event id,
 * and a transfer already credited is not credited again).
 */
export function createStreamPublisher(deps: StreamPublisherDependencies) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const failedSequences: string[] = [];
    const pending: Array<{ sequence: string; event: EventEnvelope }> = [];
    for (const record of event.Records) {
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      // A peer's claim arrives as an INSERT, or as a MODIFY when it took its key again after expiry.
      if (record.eventName === 'INSERT' || record.eventName === 'MODIFY') {
        const noted = await noteClaim(deps, record.dynamodb?.NewImage, sequence);
        if (noted === 'failed') failedSequences.push(sequence);
        if (noted !== 'not-a-claim') continue;
      }
      if (record.eventName !== 'INSERT') continue;
      let transfer: StockTransfer | undefined;
      try {
        transfer = stockTransferFromImage(record.dynamodb?.NewImage, deps.region);
      } catch (error) {
        deps.logger.error('transfer record holds no valid transfer', { sequence, error: asLoggable(error) });
        failedSequences.push(sequence);
        continue;
      }
      if (transfer) {
        if (!(await credit(deps, transfer, sequence))) failedSequences.push(sequence);
        continue;
      }
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

/** Notes a peer's claim; 'failed' (logged) when it could not, so its record is retried. */
async function noteClaim(
  deps: StreamPublisherDependencies,
  image: Readonly<Record<string, unknown>> | undefined,
  sequence: string,
): Promise<'not-a-claim' | 'noted' | 'failed'> {
  try {
    const claim = peerClaimFromImage(image, deps.region);
    if (!claim) return 'not-a-claim';
    if (await deps.noteClaim(claim))
      deps.logger.info('another region accepted an Idempotency-Key this region also accepted', { sequence });
    return 'noted';
  } catch (error) {
    deps.logger.error('could not note a peer claim on an Idempotency-Key', {
      sequence,
      error: asLoggable(error),
    });
    return 'failed';
  }
}

/** Credits one transfer; false when it failed (logged), so its record is retried. */
async function credit(deps: StreamPublisherDependencies, transfer: StockTransfer, sequence: string) {
  const about = {
    sequence,
    transferId: transfer.transferId,
    sku: transfer.sku,
    quantity: transfer.quantity,
    from: transfer.fromRegion,
  };
  try {
    const credited = await deps.creditTransfer(transfer);
    deps.logger.info(credited ? 'stock transfer credited' : 'stock transfer already credited', about);
    return true;
  } catch (error) {
    deps.logger.error('could not credit a stock transfer', { ...about, error: asLoggable(error) });
    return false;
  }
}

function asLoggable(error: unknown): Error | string {
  return error instanceof Error ? error : String(error);
}

let publish: ReturnType<typeof createStreamPublisher> | undefined;

/** Lambda entry: DynamoDB stream event source (outbox and transfer filters) with ReportBatchItemFailures. */
export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger().addContext(context);
  publish ??= createStreamPublisher({
    region: region(),
    publisher: eventPublisher(),
    creditTransfer: (transfer) => receiveStock(domainContext(), transfer),
    noteClaim: (claim) => noteDuplicateKey(domainContext(), claim),
    logger: logger(),
  });
  return publish(event);
}
