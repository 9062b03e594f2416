import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventStreamPanel } from './event-stream-panel';

function sseResponse(messages: readonly unknown[]): Response {
  const text = messages.map((message) => `event: event\ndata: ${JSON.stringify(message)}\n\n`).join('');
  return new Response(text, { headers: { 'content-type': 'text/event-stream' } });
}

const envelope = (id: string, region: string, type: string, detail: Record<string, unknown>) => ({
  version: '0',
  id,
  'detail-type': type,
  source: 'meridian.orders',
  account: 'local',
  time: '2026-01-01T10:00:00.000Z',
  region,
  resources: [],
  detail,
});

describe('live event stream panel', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('says the stream is not available when the front door answers 404', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('Not Found', { status: 404 })),
    );
    render(<EventStreamPanel token="t" />);
    expect(await screen.findByText('Not available')).toBeTruthy();
    expect(screen.getByText('No events yet.')).toBeTruthy();
  });

  it('lists events from every region, newest first, with what they are about', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        sseResponse([
          envelope('e1', 'us-east-1', 'OrderPlaced', { orderId: 'ord_1', status: 'PENDING' }),
          envelope('e2', 'eu-west-1', 'OrderConfirmed', { orderId: 'ord_2', status: 'CONFIRMED' }),
        ]),
      ),
    );
    render(<EventStreamPanel token="t" />);

    expect(await screen.findByText('ord_2 · CONFIRMED')).toBeTruthy();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((row) => row.querySelectorAll('td')[1]?.textContent)).toEqual(['eu-west-1', 'us-east-1']);
  });
});
