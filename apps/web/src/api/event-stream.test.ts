import { describe, expect, it, vi } from 'vitest';
import { followEventStream, type StreamState } from './event-stream';
import type { EventEnvelope } from './types';

describe('following the event stream', () => {
  const envelope = {
    version: '0',
    id: 'e1',
    'detail-type': 'OrderPlaced',
    source: 's',
    account: 'a',
    time: 't',
    region: 'us-east-1',
    resources: [],
    detail: {},
  };

  it('delivers envelopes, sends the token, and skips malformed messages', async () => {
    const states: StreamState[] = [];
    const events: EventEnvelope[] = [];
    const fetchImpl = vi.fn(
      async (_url: string | URL | Request, _init?: RequestInit) =>
        new Response(`data: not json\n\ndata: ${JSON.stringify(envelope)}\n\n`, {
          headers: { 'content-type': 'text/event-stream' },
        }),
    );
    const stop = followEventStream({
      url: '/frontdoor/events',
      token: 'tok',
      fetch: fetchImpl,
      onEvent: (e) => events.push(e),
      onState: (s) => states.push(s),
      retryMs: 60_000,
    });

    await vi.waitFor(() => expect(events).toHaveLength(1));
    stop();

    expect(events[0]?.id).toBe('e1');
    expect(states.map((s) => s.kind)).toContain('open');
    expect(new Headers(fetchImpl.mock.calls[0]?.[1]?.headers).get('authorization')).toBe('Bearer tok');
  });

  it('stops for good on 404 and retries after a dropped connection', async () => {
    const missing: StreamState[] = [];
    followEventStream({
      url: '/x',
      fetch: async () => new Response('', { status: 404 }),
      onEvent: () => undefined,
      onState: (s) => missing.push(s),
    });
    await vi.waitFor(() => expect(missing.at(-1)).toEqual({ kind: 'unavailable' }));

    const dropped: StreamState[] = [];
    const stop = followEventStream({
      url: '/x',
      fetch: async () => Promise.reject(new Error('socket hang up')),
      onEvent: () => undefined,
      onState: (s) => dropped.push(s),
      retryMs: 60_000,
    });
    await vi.waitFor(() =>
      expect(dropped.at(-1)).toEqual({ kind: 'retrying', reason: 'socket hang up', inMs: 60_000 }),
    );
    stop();
  });
});
