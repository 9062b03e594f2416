import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '@meridian/contracts';
import { describe, expect, it } from 'vitest';
import { toPutEventsEntry } from '../eventbridge/event-entry';
import type { PublishResult } from '../eventbridge/eventbridge-publisher';
import { fakeAwsClient, type Respond } from '../testing/fake-aws-client';
import { sampleEvent } from '../testing/sample-event';
import { SqsDeadLetters } from './sqs-dead-letters';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/meridian-notify-dlq';

/** The body EventBridge writes to a rule target's DLQ: the event as it would have been delivered. */
function deadLetter(id: string, event: EventEnvelope): Message {
  const entry = toPutEventsEntry(event, 'meridian');
  return {
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: JSON.stringify({ ...event, id: `eb-${id}`, detail: JSON.parse(entry.Detail ?? '{}') }),
    Attributes: { SentTimestamp: String(Date.UTC(2025, 2, 1, 12)) },
    MessageAttributes: {
      RULE_ARN: {
        DataType: 'String',
        StringValue: 'arn:aws:events:eu-west-1:123456789012:rule/meridian/Notifications',
      },
      TARGET_ARN: {
        DataType: 'String',
        StringValue: 'arn:aws:lambda:eu-west-1:123456789012:function:notify',
      },
      ERROR_CODE: { DataType: 'String', StringValue: 'Lambda.FunctionError' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: 'boom' },
      RETRY_ATTEMPTS: { DataType: 'String', StringValue: '8' },
    },
  };
}

/** A queue holding `messages`: receives hide them for the visibility timeout, deletes remove them. */
function queueOf(messages: Message[]) {
  const visible = new Set(messages);
  const published: EventEnvelope[][] = [];
  const respond: Respond = (command) => {
    const input = command.input as Record<string, unknown>;
    switch (command.name) {
      case 'GetQueueAttributesCommand':
        return { Attributes: { ApproximateNumberOfMessages: String(visible.size) } };
      case 'ReceiveMessageCommand': {
        const batch = [...visible].slice(0, Number(input.MaxNumberOfMessages));
        if (Number(input.VisibilityTimeout) > 0) for (const message of batch) visible.delete(message);
        return { Messages: batch };
      }
      case 'DeleteMessageBatchCommand':
        return { Successful: (input.Entries as unknown[]).map((_, i) => ({ Id: String(i) })) };
      case 'ChangeMessageVisibilityBatchCommand':
        for (const entry of input.Entries as Array<{ ReceiptHandle: string }>) {
          const message = messages.find((m) => m.ReceiptHandle === entry.ReceiptHandle);
          if (message) visible.add(message);
        }
        return { Successful: [] };
      default:
        throw new Error(`unexpected ${command.name}`);
    }
  };
  const { client, sent } = fakeAwsClient<SQSClient>(respond);
  const publisher = {
    publish: async (events: readonly EventEnvelope[]): Promise<PublishResult> => {
      published.push([...events]);
      return { failed: [] };
    },
  };
  return {
    deadLetters: new SqsDeadLetters({ client, queueUrls: [QUEUE], publisher }),
    sent,
    published,
    visible,
  };
}

describe('SqsDeadLetters', () => {
  it('lists without hiding messages and shows the Meridian envelope with its failure', async () => {
    const { deadLetters, sent } = queueOf([
      deadLetter('m1', sampleEvent('evt-1')),
      deadLetter('m2', sampleEvent('evt-2')),
    ]);

    const page = await deadLetters.list({ limit: 10 });

    expect(page.nextCursor).toBeUndefined();
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toEqual({
      id: 'm1',
      rule: 'Notifications',
      target: 'arn:aws:lambda:eu-west-1:123456789012:function:notify',
      attempts: 9,
      error: 'Lambda.FunctionError: boom',
      failedAt: '2025-03-01T12:00:00.000Z',
      event: sampleEvent('evt-1'),
    });
    const receives = sent.filter((command) => command.name === 'ReceiveMessageCommand');
    expect(receives.every((command) => command.input.VisibilityTimeout === 0)).toBe(true);
  });

  it('redrives one dead letter: publishes its event, deletes it, and makes the others visible again', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => deadLetter(`m${i}`, sampleEvent(`evt-${i}`)));
    const { deadLetters, sent, published, visible } = queueOf(messages);

    const found = await deadLetters.redrive('m11');

    expect(found).toBe(true);
    expect(published).toEqual([[sampleEvent('evt-11')]]);
    const deleted = sent.filter((command) => command.name === 'DeleteMessageBatchCommand');
    expect(deleted.map((command) => command.input.Entries)).toEqual([[{ Id: '0', ReceiptHandle: 'rh-m11' }]]);
    expect(visible.size).toBe(11);
  });

  it('answers false for an id no queue holds, leaving every message visible', async () => {
    const { deadLetters, published, visible } = queueOf([deadLetter('m1', sampleEvent('evt-1'))]);

    expect(await deadLetters.redrive('missing')).toBe(false);
    expect(published).toEqual([]);
    expect(visible.size).toBe(1);
  });

  it('redrives everything and counts what went back on the bus', async () => {
    const unreadable: Message = { MessageId: 'bad', ReceiptHandle: 'rh-bad', Body: 'not json' };
    const messages = [
      ...Array.from({ length: 13 }, (_, i) => deadLetter(`m${i}`, sampleEvent(`evt-${i}`))),
      unreadable,
    ];
    const { deadLetters, published } = queueOf(messages);

    const count = await deadLetters.redriveAll();

    expect(count).toBe(13);
    expect(published.flat()).toHaveLength(13);
  });
});
