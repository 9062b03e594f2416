import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '@meridian/contracts';
import { describeError, errorName } from '../shared/aws-errors';
import { backoffDelay, realSleep, type Sleep } from '../shared/retry';
import { entrySize, MAX_PUT_EVENTS_BYTES, toPutEventsEntry } from './event-entry';

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;
/** Entry error codes EventBridge documents as retryable; the others will fail again. */
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException']);

export interface FailedPublication {
  event: EventEnvelope;
  errorCode: string;
  errorMessage: string;
}

export interface PublishResult {
  /** Events EventBridge did not accept after every retry, with its last reason. */
  failed: FailedPublication[];
}

export interface EventBridgePublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Calls per entry before it counts as failed (the SDK retries whole-call errors on its own). */
  maxAttempts?: number;
  sleep?: Sleep;
}

/**
 * Puts Meridian envelopes on an EventBridge bus: batches of 10 entries within 256 KB, entries that failed
 * with a retryable code retried with backoff, the rest reported back so the caller can ask for a redelivery
 * (the stream publisher reports them as batch item failures). Delivery is at least once.
 */
export class EventBridgePublisher {
  private readonly maxAttempts: number;
  private readonly sleep: Sleep;

  constructor(private readonly options: EventBridgePublisherOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.sleep = options.sleep ?? realSleep;
  }

  /**
   * Never throws: a call that fails as a whole (after the SDK's own retries) fails the events of its batch,
   * and later batches are still tried, so the caller learns exactly which events to redeliver.
   */
  async publish(events: readonly EventEnvelope[]): Promise<PublishResult> {
    const failed: FailedPublication[] = [];
    const sendable: Array<{ event: EventEnvelope; entry: PutEventsRequestEntry; size: number }> = [];
    for (const event of events) {
      let entry: PutEventsRequestEntry;
      try {
        entry = toPutEventsEntry(event, this.options.eventBusName);
      } catch (error) {
        failed.push({ event, errorCode: 'InvalidEvent', errorMessage: describeError(error) });
        continue;
      }
      const size = entrySize(entry);
      if (size > MAX_PUT_EVENTS_BYTES) {
        failed.push({
          event,
          errorCode: 'EntryTooLarge',
          errorMessage: `entry is ${size} bytes, over 256 KB`,
        });
      } else {
        sendable.push({ event, entry, size });
      }
    }
    for (const batch of toBatches(sendable)) {
      try {
        failed.push(...(await this.putWithRetry(batch)));
      } catch (error) {
        const errorCode = errorName(error) ?? 'PutEventsFailed';
        failed.push(...batch.map(({ event }) => ({ event, errorCode, errorMessage: describeError(error) })));
      }
    }
    return { failed };
  }

  private async putWithRetry(
    batch: ReadonlyArray<{ event: EventEnvelope; entry: PutEventsRequestEntry }>,
  ): Promise<FailedPublication[]> {
    const failures: FailedPublication[] = [];
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const response = await this.options.client.send(
        new PutEventsCommand({ Entries: pending.map((p) => p.entry) }),
      );
      if (!response.FailedEntryCount) return failures;
      // Result entries are positional: the i-th result belongs to the i-th request entry.
      const retry: Array<(typeof pending)[number]> = [];
      pending.forEach((item, i) => {
        const result = response.Entries?.[i];
        if (!result?.ErrorCode) return;
        if (RETRYABLE_ENTRY_ERRORS.has(result.ErrorCode) && attempt < this.maxAttempts) retry.push(item);
        else
          failures.push({
            event: item.event,
            errorCode: result.ErrorCode,
            errorMessage: result.ErrorMessage ?? '',
          });
      });
      if (retry.length === 0) return failures;
      pending = retry;
      await this.sleep(backoffDelay(attempt, 100));
    }
  }
}

function toBatches<T extends { size: number }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length === MAX_ENTRIES_PER_CALL || bytes + item.size > MAX_PUT_EVENTS_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
