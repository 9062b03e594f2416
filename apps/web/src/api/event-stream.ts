import { readEventStream } from '@meridian/contracts/event-stream';
import type { EventEnvelope } from './types';

export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'unavailable' }
  | { kind: 'retrying'; reason: string; inMs: number };

export interface EventStreamOptions {
  url: string;
  token?: string | undefined;
  onEvent: (event: EventEnvelope) => void;
  onState: (state: StreamState) => void;
  fetch?: typeof fetch;
  /** First reconnect delay; doubles up to 10 s. */
  retryMs?: number;
}

function isEnvelope(value: unknown): value is EventEnvelope {
  const record = value as Record<string, unknown> | null;
  return typeof record?.id === 'string' && typeof record['detail-type'] === 'string';
}

/**
 * Follows an SSE endpoint with fetch rather than EventSource, so a 404 (no stream in this deployment) is
 * told apart from a dropped connection, and the admin token can be sent. Returns a function that stops it.
 */
export function followEventStream(options: EventStreamOptions): () => void {
  const fetchImpl = options.fetch ?? fetch;
  const controller = new AbortController();
  let lastEventId: string | undefined;
  let delay = options.retryMs ?? 1000;

  const connectOnce = async (): Promise<'stop' | string> => {
    options.onState({ kind: 'connecting' });
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetchImpl(options.url, { headers, signal: controller.signal });
    const type = response.headers.get('content-type') ?? '';
    if (response.status === 404 || (response.ok && !type.includes('text/event-stream'))) {
      await response.body?.cancel();
      options.onState({ kind: 'unavailable' });
      return 'stop';
    }
    if (!response.ok || !response.body) return `HTTP ${response.status}`;
    options.onState({ kind: 'open' });
    delay = options.retryMs ?? 1000;
    for await (const message of readEventStream(response.body)) {
      if (message.id) lastEventId = message.id;
      try {
        const envelope: unknown = JSON.parse(message.data);
        if (isEnvelope(envelope)) options.onEvent(envelope);
      } catch {
        // A malformed message is dropped; the stream itself is still good.
      }
    }
    return 'the stream ended';
  };

  const loop = async () => {
    while (!controller.signal.aborted) {
      let reason: string;
      try {
        const outcome = await connectOnce();
        if (outcome === 'stop') return;
        reason = outcome;
      } catch (error) {
        if (controller.signal.aborted) return;
        reason = error instanceof Error ? error.message : String(error);
      }
      options.onState({ kind: 'retrying', reason, inMs: delay });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void loop();
  return () => controller.abort();
}
