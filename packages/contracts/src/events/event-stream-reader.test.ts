import { describe, expect, it } from 'vitest';
import { type EventStreamMessage, readEventStream } from './event-stream-reader';

/** A response body that arrives in these chunks, each cut wherever the test says. */
function body(...chunks: string[]): ReadableStream<Uint8Array<ArrayBuffer>> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function messages(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<EventStreamMessage[]> {
  const read: EventStreamMessage[] = [];
  for await (const message of readEventStream(stream)) read.push(message);
  return read;
}

describe('readEventStream', () => {
  it('keeps an unfinished message for the next chunk and joins multi-line data', async () => {
    expect(
      await messages(
        body(
          'event: event\ndata: {"a":\ndata: 1}\n\nid: 7\ndata: {"b"',
          ':2}\r\n\r\n: keep-alive comment\n\n',
        ),
      ),
    ).toEqual([
      { event: 'event', data: '{"a":\n1}', id: undefined },
      { event: 'message', data: '{"b":2}', id: '7' },
    ]);
  });

  it('reads CRLF and CR line ends, also when a CRLF pair is cut between chunks', async () => {
    expect(
      await messages(
        body('event: ready\r\ndata: {}\r', '\n\r\ndata: one\rdata: two\r\r', 'data: three\r\n\r\n'),
      ),
    ).toEqual([
      { event: 'ready', data: '{}', id: undefined },
      { event: 'message', data: 'one\ntwo', id: undefined },
      { event: 'message', data: 'three', id: undefined },
    ]);
  });

  it('does not read a CRLF cut between chunks as two line ends (which would end the message early)', async () => {
    expect(await messages(body('data: one\r', '\ndata: two\r\n\r\n'))).toEqual([
      { event: 'message', data: 'one\ntwo', id: undefined },
    ]);
  });

  it('takes one space after the colon off the value and keeps the rest', async () => {
    expect(await messages(body('data:no space\n\ndata:   three spaces\n\n'))).toEqual([
      { event: 'message', data: 'no space', id: undefined },
      { event: 'message', data: '  three spaces', id: undefined },
    ]);
  });

  it('decodes a character cut between chunks', async () => {
    const bytes = new TextEncoder().encode('data: Zürich\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    expect(await messages(stream)).toEqual([{ event: 'message', data: 'Zürich', id: undefined }]);
  });

  it('dispatches nothing for a message without data or one the stream ended in the middle of', async () => {
    expect(await messages(body('event: ping\n\n: comment\n\ndata: cut off'))).toEqual([]);
  });
});
