import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type EventEnvelope, eventEnvelopeSchema } from '@meridian/contracts';
import { isRecord } from '../shared/json';

/**
 * EventBridge gives every event its own `id`, so the Meridian event id travels in `detail.eventId`. It is
 * the id consumers deduplicate by (the same id as the envelope `id` in local mode and in the outbox), and
 * it survives cross-region forwarding, archive replay and DLQ redrive, which all mint new EventBridge ids.
 */
export const EVENT_ID_FIELD = 'eventId';

/**
 * EventBridge keeps `time` to whole seconds, so the envelope's exact time (milliseconds, as the outbox row
 * and local mode have it) travels in `detail.eventTime` and becomes `time` again on delivery.
 */
export const EVENT_TIME_FIELD = 'eventTime';

/** PutEvents' limit on one entry and on a whole request. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

export function toPutEventsEntry(event: EventEnvelope, eventBusName: string): PutEventsRequestEntry {
  for (const [field, value] of [
    [EVENT_ID_FIELD, event.id],
    [EVENT_TIME_FIELD, event.time],
  ] as const) {
    const existing = event.detail[field];
    if (existing !== undefined && existing !== value) {
      throw new Error(`event ${event.id} already has a different detail.${field}`);
    }
  }
  return {
    EventBusName: eventBusName,
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify({ ...event.detail, [EVENT_ID_FIELD]: event.id, [EVENT_TIME_FIELD]: event.time }),
    Resources: event.resources,
    Time: new Date(event.time),
  };
}

/** The size EventBridge charges an entry against its 256 KB limits (UTF-8 bytes; Time counts 14). */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    14 +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/**
 * The Meridian envelope of an event as EventBridge delivers it (to a Lambda target, or as the body of a
 * DLQ message): `id` and `time` become the Meridian event's again and `detail` loses the transport
 * fields. `region` stays the origin region, because forwarding between buses keeps it. An event published
 * before `detail.eventTime` existed (an archive replay) keeps EventBridge's `time`.
 */
export function fromEventBridgeEvent(event: unknown): EventEnvelope {
  if (!isRecord(event) || !isRecord(event.detail))
    throw new Error('not an EventBridge event: no detail object');
  const { [EVENT_ID_FIELD]: eventId, [EVENT_TIME_FIELD]: eventTime, ...detail } = event.detail;
  if (typeof eventId !== 'string' || eventId === '') {
    throw new Error(
      `event ${String(event.id)} carries no detail.${EVENT_ID_FIELD}: it was not published by Meridian`,
    );
  }
  const time = typeof eventTime === 'string' ? eventTime : event.time;
  return eventEnvelopeSchema.parse({ ...event, id: eventId, time, detail });
}
