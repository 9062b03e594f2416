import { type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type EventEnvelope, eventEnvelopeSchema } from '@meridian/contracts';
import { asJsonMap } from '../shared/json';
import { ATTR } from './table-layout';

export const OUTBOX_PK_PREFIX = 'OUTBOX#';
export const OUTBOX_SK = 'EVENT';
/** Outbox rows only have to outlive the stream (24 h retention); TTL removes them after a day. */
export const OUTBOX_TTL_SECONDS = 24 * 60 * 60;

/**
 * The outbox row of one event, written in the same TransactWriteItems as the state change it announces.
 * `originRegion` lets the stream publisher of each region skip the copies the global table replicates in.
 */
export function outboxItem(event: EventEnvelope, originRegion: string, nowMs: number): Record<string, unknown> {
  return {
    [ATTR.pk]: `${OUTBOX_PK_PREFIX}${event.id}`,
    [ATTR.sk]: OUTBOX_SK,
    event: asJsonMap(event),
    originRegion,
    [ATTR.expiresAt]: Math.floor(nowMs / 1000) + OUTBOX_TTL_SECONDS,
  };
}

/**
 * The event to publish for a stream record's new image, or undefined when the image is not an outbox row
 * written by `region` (a state item, or an outbox row replicated from a peer, which its own region
 * publishes). Throws when an outbox row of this region holds no valid envelope: that is data loss to surface.
 */
export function outboxEventFromImage(
  image: Record<string, AttributeValue> | undefined,
  region: string,
): EventEnvelope | undefined {
  if (!image) return undefined;
  if (!image.pk?.S?.startsWith(OUTBOX_PK_PREFIX) || image.sk?.S !== OUTBOX_SK) return undefined;
  if (image.originRegion?.S !== region) return undefined;
  const row = unmarshall(image);
  return eventEnvelopeSchema.parse(row.event);
}
