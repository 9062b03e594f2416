import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type EventEnvelope, eventEnvelopeSchema } from '@meridian/contracts';
import { asJsonMap, isRecord } from '../shared/json';
import { ATTR } from './table-layout';

export const OUTBOX_PK_PREFIX = 'OUTBOX#';
export const OUTBOX_SK = 'EVENT';
/** Outbox rows only have to outlive the stream (24 h retention); TTL removes them after a day. */
export const OUTBOX_TTL_SECONDS = 24 * 60 * 60;

/**
 * The outbox row of one event, written in the same TransactWriteItems as the state change it announces.
 * `originRegion` lets the stream publisher of each region skip the copies the global table replicates in.
 */
export function outboxItem(
  event: EventEnvelope,
  originRegion: string,
  nowMs: number,
): Record<string, unknown> {
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
  image: Readonly<Record<string, unknown>> | undefined,
  region: string,
): EventEnvelope | undefined {
  if (!image) return undefined;
  const text = (name: string) => {
    const value = image[name];
    return isRecord(value) && typeof value.S === 'string' ? value.S : undefined;
  };
  if (!text(ATTR.pk)?.startsWith(OUTBOX_PK_PREFIX) || text(ATTR.sk) !== OUTBOX_SK) return undefined;
  if (text('originRegion') !== region) return undefined;
  // Lambda delivers stream images as JSON, whose binary members are base64 text rather than bytes; an
  // outbox row has no binary attributes, so the SDK's unmarshaller reads it as is.
  const row = unmarshall(image as Record<string, AttributeValue>);
  return eventEnvelopeSchema.parse(row.event);
}
