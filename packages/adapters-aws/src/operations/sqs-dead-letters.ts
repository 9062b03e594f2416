import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '@meridian/contracts';
import {
  type DeadLetterView,
  InvalidCursorError,
  type Page,
  type PageRequest,
  TransientError,
} from '@meridian/domain';
import { fromEventBridgeEvent } from '../eventbridge/event-entry';
import type { PublishResult } from '../eventbridge/eventbridge-publisher';
import { isRecord, parseJsonOrUndefined } from '../shared/json';

const MAX_PAGE = 200;
/** ReceiveMessage returns at most 10 messages per call. */
const RECEIVE_BATCH = 10;
/** Messages examined per queue when looking for one id (redrive of a single dead letter). */
const MAX_SCAN_MESSAGES = 500;
/** Messages redriven by one "redrive all" call, so it ends well inside API Gateway's 29 s. */
const MAX_REDRIVE_ALL = 500;
/** How long a message being redriven is hidden from other readers; it reappears if the redrive fails. */
const REDRIVE_VISIBILITY_SECONDS = 30;

export interface SqsDeadLettersOptions {
  client: SQSClient;
  /** The dead-letter queues of the bus's rule targets and of the event consumers. */
  queueUrls: readonly string[];
  publisher: { publish(events: readonly EventEnvelope[]): Promise<PublishResult> };
}

/**
 * Dead letters kept in SQS queues: the bodies are EventBridge events, as EventBridge (rule target DLQ) or
 * Lambda (asynchronous invocation DLQ) parked them.
 *
 * Limits, because SQS is a queue and not a table:
 * - A listing is a sample: up to `limit` messages, read with VisibilityTimeout 0 so nothing is hidden,
 *   and no next page (SQS cannot resume a listing). The queue depth is in the health detail.
 * - Redriving one id scans at most 500 messages per queue; the scanned ones are made visible again.
 * - Redriving puts the event back on this region's bus, so every rule matching it delivers it again,
 *   not only the target that failed; consumers deduplicate by `detail.eventId`. The event's `region`
 *   becomes this region.
 */
export class SqsDeadLetters {
  constructor(private readonly options: SqsDeadLettersOptions) {}

  /** Approximate number of dead letters per queue URL. */
  async depths(): Promise<Map<string, number>> {
    const entries = await Promise.all(
      this.options.queueUrls.map(async (queueUrl) => {
        const result = await this.options.client.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        );
        return [queueUrl, Number(result.Attributes?.ApproximateNumberOfMessages ?? 0)] as const;
      }),
    );
    return new Map(entries);
  }

  async list(page: PageRequest): Promise<Page<DeadLetterView>> {
    if (page.cursor !== undefined) throw new InvalidCursorError();
    const limit = Number.isFinite(page.limit)
      ? Math.min(Math.max(1, Math.trunc(page.limit)), MAX_PAGE)
      : MAX_PAGE;
    const depths = await this.depths();
    const found = new Map<string, DeadLetterView>();
    for (const queueUrl of this.options.queueUrls) {
      const depth = depths.get(queueUrl) ?? 0;
      // Stop at the reported depth or when a read brings nothing new (the same messages come back).
      for (
        let read = 0;
        depth > 0 && found.size < limit && read < Math.ceil(depth / RECEIVE_BATCH) + 2;
        read++
      ) {
        const messages = await this.receive(queueUrl, Math.min(RECEIVE_BATCH, limit - found.size), 0);
        const fresh = messages.filter((message) => message.MessageId && !found.has(message.MessageId));
        if (fresh.length === 0) break;
        for (const message of fresh)
          found.set(message.MessageId as string, toDeadLetterView(queueUrl, message));
      }
    }
    return { items: [...found.values()] };
  }

  /** False when no queue holds a message with that id. */
  async redrive(id: string): Promise<boolean> {
    for (const queueUrl of this.options.queueUrls) {
      const passedOver: Message[] = [];
      try {
        while (passedOver.length < MAX_SCAN_MESSAGES) {
          const messages = await this.receive(queueUrl, RECEIVE_BATCH, REDRIVE_VISIBILITY_SECONDS);
          if (messages.length === 0) break;
          const match = messages.find((message) => message.MessageId === id);
          passedOver.push(...messages.filter((message) => message !== match));
          if (!match) continue;
          if ((await this.redriveMessages(queueUrl, [match])) === 0) {
            throw new TransientError(
              `dead letter ${id} could not be put back on the bus; it stays in the queue`,
            );
          }
          return true;
        }
      } finally {
        await this.makeVisible(queueUrl, passedOver);
      }
    }
    return false;
  }

  /** Redrives what the queues hold now, up to 500 messages; returns how many were put back on the bus. */
  async redriveAll(): Promise<number> {
    let redriven = 0;
    let examined = 0;
    for (const queueUrl of this.options.queueUrls) {
      while (examined < MAX_REDRIVE_ALL) {
        // Failed messages stay hidden for the visibility timeout, so this loop never meets them again.
        const messages = await this.receive(queueUrl, RECEIVE_BATCH, REDRIVE_VISIBILITY_SECONDS);
        if (messages.length === 0) break;
        examined += messages.length;
        redriven += await this.redriveMessages(queueUrl, messages);
      }
    }
    return redriven;
  }

  /** Publishes the messages' events and deletes the messages whose event the bus accepted. */
  private async redriveMessages(queueUrl: string, messages: readonly Message[]): Promise<number> {
    const redrivable = messages.flatMap((message) => {
      const event = envelopeOf(message);
      return event && message.ReceiptHandle ? [{ message, event }] : [];
    });
    if (redrivable.length === 0) return 0;
    const { failed } = await this.options.publisher.publish(redrivable.map((item) => item.event));
    const failedIds = new Set(failed.map((failure) => failure.event.id));
    const published = redrivable.filter((item) => !failedIds.has(item.event.id));
    if (published.length === 0) return 0;
    const result = await this.options.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: published.map((item, i) => ({ Id: String(i), ReceiptHandle: item.message.ReceiptHandle })),
      }),
    );
    return result.Successful?.length ?? 0;
  }

  private async makeVisible(queueUrl: string, messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += RECEIVE_BATCH) {
      const chunk = messages.slice(start, start + RECEIVE_BATCH);
      await this.options.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, i) => ({
            Id: String(i),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }

  private async receive(queueUrl: string, max: number, visibilityTimeout: number): Promise<Message[]> {
    const result = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        VisibilityTimeout: visibilityTimeout,
        // Long polling asks every SQS server, so a nearly empty queue still answers with its messages;
        // it returns at once when there are some.
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    return result.Messages ?? [];
  }
}

function envelopeOf(message: Message): EventEnvelope | undefined {
  try {
    return fromEventBridgeEvent(parseJsonOrUndefined(message.Body));
  } catch {
    return undefined;
  }
}

/**
 * EventBridge writes RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE and RETRY_ATTEMPTS as message
 * attributes; Lambda's asynchronous-invocation DLQ writes ErrorCode and ErrorMessage.
 */
export function toDeadLetterView(queueUrl: string, message: Message): DeadLetterView {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const queueName = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  const retries = Number(attribute('RETRY_ATTEMPTS'));
  const code = attribute('ERROR_CODE') ?? attribute('ErrorCode');
  const detail = attribute('ERROR_MESSAGE') ?? attribute('ErrorMessage');
  const sentAt = Number(message.Attributes?.SentTimestamp);
  const body = parseJsonOrUndefined(message.Body);
  const envelope = envelopeOf(message);
  return {
    id: message.MessageId ?? '',
    rule: attribute('RULE_ARN')?.split('/').at(-1) ?? queueName,
    target: attribute('TARGET_ARN') ?? queueName,
    // RETRY_ATTEMPTS counts retries after the first delivery; Lambda's DLQ does not say, so at least one.
    attempts: Number.isInteger(retries) ? retries + 1 : 1,
    error: [code, detail].filter(Boolean).join(': ') || 'unknown',
    failedAt: new Date(Number.isFinite(sentAt) ? sentAt : 0).toISOString(),
    event: envelope ? { ...envelope } : isRecord(body) ? body : { body: message.Body ?? '' },
  };
}
