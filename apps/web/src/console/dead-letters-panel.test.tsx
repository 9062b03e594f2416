import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeadLetter } from '../api/types';
import { fakeFetch, json } from '../test-support/fake-fetch';
import { DeadLettersPanel } from './dead-letters-panel';

const letter: DeadLetter = {
  id: 'dl-1',
  rule: 'order-notifications',
  target: 'notification-service',
  attempts: 5,
  error: 'SMTP relay refused the message',
  failedAt: '2026-01-01T10:00:00.000Z',
  event: { 'detail-type': 'OrderConfirmed', id: 'evt-1' },
};

describe('dead letters panel', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows a loading state while the first answer is on its way', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>(() => undefined)),
    );
    render(<DeadLettersPanel token="t" />);
    // Announced politely to screen readers, and no empty state before the API has answered.
    expect(screen.getByText('Reading dead letters…').closest('[role="status"]')).not.toBeNull();
    expect(screen.queryByText('No dead letters.')).toBeNull();
  });

  it('says so when nothing failed', async () => {
    fakeFetch({ 'GET /api/v1/admin/dead-letters': () => json({ items: [] }) });
    render(<DeadLettersPanel token="t" />);
    expect(await screen.findByText('No dead letters.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Redrive all/ })).toBeNull();
  });

  it('lists failed deliveries and redrives one, then reloads the list', async () => {
    let remaining = [letter];
    const { requests } = fakeFetch({
      'GET /api/v1/admin/dead-letters': () => json({ items: remaining }),
      'POST /api/v1/admin/dead-letters/dl-1/redrive': () => {
        remaining = [];
        return json({ redriven: 1 }, 202);
      },
    });
    render(<DeadLettersPanel token="admin-token" />);

    expect(await screen.findByText('SMTP relay refused the message')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Redrive OrderConfirmed to notification-service' }));

    expect(await screen.findByText('1 delivery queued again.')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('No dead letters.')).toBeTruthy());
    const redrive = requests.find((r) => r.method === 'POST');
    expect(redrive?.headers.get('authorization')).toBe('Bearer admin-token');
  });
});
