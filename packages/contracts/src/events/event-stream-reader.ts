import { EventSourceParserStream } from 'eventsource-parser/stream';

/**
 * Reading the front door's live event stream (`GET /frontdoor/events`, Server-Sent Events) in the
 * browser and in the CLI: `eventsource-parser` does the standard's line handling (LF, CRLF or CR line
 * ends, `data:` over several lines joined by a line feed, comments, a message split over chunks).
 * Zod-free, so the web app imports it (`@meridian/contracts/event-stream`) without bundling schemas.
 */
export interface EventStreamMessage {
  /** The `event:` field; `message` when the server sent none, as EventSource has it. */
  event: string;
  data: string;
  id: string | undefined;
}

/** The messages of an event stream's body, in order, until it ends; a dropped connection rejects. */
export async function* readEventStream(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): AsyncGenerator<EventStreamMessage, void, undefined> {
  const reader = body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield { event: value.event ?? 'message', data: value.data, id: value.id };
    }
  } finally {
    // A reader that stops early (a break, a thrown handler) lets go of the connection too.
    await reader.cancel().catch(() => undefined);
  }
}
