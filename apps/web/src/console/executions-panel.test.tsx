import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Execution, ExecutionEvent } from '../api/types';
import { fakeFetch, json } from '../test-support/fake-fetch';
import { ExecutionsPanel } from './executions-panel';

const execution: Execution = {
  name: 'ord_01A_us-east-1',
  status: 'SUCCEEDED',
  input: { mode: 'place' },
  output: { outcome: { status: 'FAILED', reason: 'Your card was declined.' } },
  startedAt: '2026-01-01T10:00:00.000Z',
  finishedAt: '2026-01-01T10:00:00.250Z',
};
const history: ExecutionEvent[] = [
  { type: 'StateEntered', state: 'ReserveInventory', at: '2026-01-01T10:00:00.010Z' },
  { type: 'StateExited', state: 'ReserveInventory', at: '2026-01-01T10:00:00.020Z' },
  { type: 'StateEntered', state: 'AuthorizePayment', at: '2026-01-01T10:00:00.030Z' },
  {
    type: 'StateFailed',
    state: 'AuthorizePayment',
    at: '2026-01-01T10:00:00.100Z',
    error: 'PaymentDeclinedError',
    cause: 'Your card was declined.',
  },
  { type: 'StateCaught', state: 'AuthorizePayment', at: '2026-01-01T10:00:00.110Z' },
  { type: 'StateExited', state: 'AuthorizePayment', at: '2026-01-01T10:00:00.110Z' },
];

describe('saga executions panel', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('has an empty state that explains where executions come from', async () => {
    fakeFetch({ 'GET /api/v1/admin/executions': () => json({ items: [] }) });
    render(<ExecutionsPanel token="t" />);
    expect(screen.getByText('Reading executions…')).toBeTruthy();
    expect(await screen.findByText('No saga has run yet.')).toBeTruthy();
  });

  it('shows the order outcome and, on demand, each step with its status and error', async () => {
    fakeFetch({
      'GET /api/v1/admin/executions': () => json({ items: [execution] }),
      [`GET /api/v1/admin/executions/${execution.name}/history`]: () => json({ items: history }),
    });
    render(<ExecutionsPanel token="t" />);

    expect(await screen.findByText('FAILED: Your card was declined.')).toBeTruthy();
    const toggle = screen.getByRole('button', { name: 'Show steps' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');

    const steps = await screen.findByRole('list', { name: `Steps of ${execution.name}` });
    const items = [...steps.querySelectorAll('li')].map((li) => li.textContent);
    expect(items[0]).toContain('ReserveInventory — succeeded in 10 ms');
    expect(items[1]).toContain('AuthorizePayment — failed, handled');
    expect(items[1]).toContain('PaymentDeclinedError: Your card was declined.');
  });

  it('asks the API for the chosen status only', async () => {
    const { requests } = fakeFetch({ 'GET /api/v1/admin/executions': () => json({ items: [] }) });
    render(<ExecutionsPanel token="t" />);
    await screen.findByText('No saga has run yet.');

    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'FAILED' } });

    expect(await screen.findByText('No FAILED execution.')).toBeTruthy();
    expect(requests.some((r) => r.path === '/api/v1/admin/executions')).toBe(true);
  });
});
