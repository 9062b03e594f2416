import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { fakeAwsClient, noSleep, type Respond, scripted } from '../testing/fake-aws-client';
import { sampleEvent } from '../testing/sample-event';
import { fromEventBridgeEvent, toPutEventsEntry } from './event-entry';
import { EventBridgePublisher } from './eventbridge-publisher';

function publisherWith(respond: Respond) {
  const { client, sent } = fakeAwsClient<EventBridgeClient>(respond);
  const publisher = new EventBridgePublisher({
    client,
    eventBusName: 'meridian',
    sleep: noSleep,
    maxAttempts: 3,
  });
  return { publisher, sent };
}

const entriesOf = (input: Record<string, unknown>) => input.Entries as PutEventsRequestEntry[];
const accepted = (n: number) => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: n }, (_, i) => ({ EventId: `eb-${i}` })),
});

describe('EventBridgePublisher', () => {
  it('sends batches of at most 10 entries, each mapped from the envelope', async () => {
    const { publisher, sent } = publisherWith((command) => accepted(entriesOf(command.input).length));
    const events = Array.from({ length: 23 }, (_, i) => sampleEvent(`evt-${i}`));

    const result = await publisher.publish(events);

    expect(result.failed).toEqual([]);
    expect(sent.map((command) => entriesOf(command.input).length)).toEqual([10, 10, 3]);
    expect(entriesOf(sent[0]?.input ?? {})[0]).toEqual({
      EventBusName: 'meridian',
      Source: 'meridian.orders',
      DetailType: 'OrderConfirmed',
      Detail: JSON.stringify({
        orderId: 'ord_evt-0',
        eventId: 'evt-0',
        eventTime: '2025-03-01T12:00:00.000Z',
      }),
      Resources: ['arn:aws:meridian:eu-west-1:123456789012:order/ord_evt-0'],
      Time: new Date('2025-03-01T12:00:00.000Z'),
    });
  });

  it('keeps requests under 256 KB by splitting large entries across calls', async () => {
    const { publisher, sent } = publisherWith((command) => accepted(entriesOf(command.input).length));
    const big = (id: string) => sampleEvent(id, { blob: 'x'.repeat(100 * 1024) });

    await publisher.publish([big('a'), big('b'), big('c')]);

    expect(sent.map((command) => entriesOf(command.input).length)).toEqual([2, 1]);
  });

  it('retries only the entries that failed with a retryable code', async () => {
    const { publisher, sent } = publisherWith(
      scripted(
        {
          FailedEntryCount: 2,
          Entries: [
            { EventId: 'eb-0' },
            { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
            { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad detail' },
          ],
        },
        accepted(1),
      ),
    );

    const result = await publisher.publish([sampleEvent('a'), sampleEvent('b'), sampleEvent('c')]);

    expect(sent).toHaveLength(2);
    expect(entriesOf(sent[1]?.input ?? {}).map((entry) => JSON.parse(entry.Detail ?? '{}').eventId)).toEqual([
      'b',
    ]);
    expect(result.failed.map((failure) => [failure.event.id, failure.errorCode])).toEqual([
      ['c', 'MalformedDetail'],
    ]);
  });

  it('reports an entry that is still throttled after the last attempt', async () => {
    const { publisher, sent } = publisherWith(() => ({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try later' }],
    }));

    const result = await publisher.publish([sampleEvent('a')]);

    expect(sent).toHaveLength(3);
    expect(result.failed).toEqual([
      { event: sampleEvent('a'), errorCode: 'InternalFailure', errorMessage: 'try later' },
    ]);
  });

  it('fails the events of a call that errors as a whole and still sends the next batch', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    const { publisher, sent } = publisherWith(scripted(denied, accepted(1)));
    const events = Array.from({ length: 11 }, (_, i) => sampleEvent(`evt-${i}`));

    const result = await publisher.publish(events);

    expect(sent).toHaveLength(2);
    expect(result.failed).toHaveLength(10);
    expect(result.failed[0]?.errorCode).toBe('AccessDeniedException');
  });
});

describe('event envelope on EventBridge', () => {
  it('comes back as the same Meridian envelope when EventBridge delivers it, to the millisecond', () => {
    const original = { ...sampleEvent('evt-1'), time: '2025-03-01T12:00:00.123Z' };
    const entry = toPutEventsEntry(original, 'meridian');
    const delivered = {
      version: '0',
      id: 'eventbridge-assigned-id',
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '123456789012',
      time: '2025-03-01T12:00:00Z',
      region: 'eu-west-1',
      resources: entry.Resources,
      detail: JSON.parse(entry.Detail ?? '{}'),
    };

    const envelope = fromEventBridgeEvent(delivered);

    // EventBridge keeps whole seconds in `time`; the exact time travels in the detail.
    expect(envelope).toEqual(original);
  });

  it('refuses an event that does not carry a Meridian event id', () => {
    const foreign = {
      version: '0',
      id: 'x',
      'detail-type': 'T',
      source: 's',
      account: '1',
      time: 't',
      region: 'r',
      resources: [],
      detail: {},
    };

    expect(() => fromEventBridgeEvent(foreign)).toThrow('detail.eventId');
  });
});
