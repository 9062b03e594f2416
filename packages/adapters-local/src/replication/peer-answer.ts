import type { EventEnvelope } from '@meridian/contracts';
import * as z from 'zod';
import type { EventChange, ItemChange, ReplicationStream } from './change-feed';

const sequence = z.number().int().positive();

const itemChangeSchema = z.object({
  seq: sequence,
  pk: z.string(),
  sk: z.string(),
  data: z.string(),
  version: z.number().int(),
  updatedAt: z.number(),
  writerRegion: z.string(),
  gsi1pk: z.string().nullable(),
  gsi1sk: z.string().nullable(),
  gsi2pk: z.string().nullable(),
  gsi2sk: z.string().nullable(),
  baseUpdatedAt: z.number().nullable(),
  baseWriterRegion: z.string().nullable(),
}) satisfies z.ZodType<ItemChange>;

// Only the frame is checked here: the envelope is the bus's to judge, and a peer on another version may
// send one this bus refuses, which is left off the bus rather than holding up every later event.
const eventChangeSchema = z.object({ seq: sequence, event: z.record(z.string(), z.unknown()) });

const answerSchemas = {
  changes: z.object({ items: z.array(itemChangeSchema) }),
  events: z.object({ items: z.array(eventChangeSchema) }),
};

/** A peer's answer to a pull that is not JSON or not the shape of its stream: refused whole. */
export class MalformedPeerAnswerError extends Error {
  override readonly name = 'MalformedPeerAnswerError';
}

/** The item changes in a peer's answer to a pull; throws `MalformedPeerAnswerError`. */
export function parseChangesAnswer(text: string): ItemChange[] {
  return parseAnswer('changes', text).items;
}

/** The events in a peer's answer to a pull; throws `MalformedPeerAnswerError`. */
export function parseEventsAnswer(text: string): EventChange[] {
  // The frame is checked; the envelope is checked by the bus (see above).
  return parseAnswer('events', text).items.map(({ seq, event }) => ({ seq, event: event as EventEnvelope }));
}

function parseAnswer<S extends ReplicationStream>(
  stream: S,
  text: string,
): z.output<(typeof answerSchemas)[S]> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MalformedPeerAnswerError(`malformed ${stream} answer: not JSON`);
  }
  const parsed = answerSchemas[stream].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedPeerAnswerError(
      `malformed ${stream} answer: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unexpected shape'}`,
    );
  }
  return parsed.data as z.output<(typeof answerSchemas)[S]>;
}
