import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../api/types';
import { sessionStore } from '../auth/session';
import { fakeFetch, json, problem } from '../test-support/fake-fetch';
import { demoToken, order } from '../test-support/fixtures';
import { OrderPage } from './order-page';

const placed = order();
const confirmed: Order = order({
  status: 'CONFIRMED',
  inventory: 'COMMITTED',
  timeline: [
    'PLACED',
    'INVENTORY_RESERVED',
    'PAYMENT_AUTHORIZED',
    'SHIPMENT_CREATED',
    'PAYMENT_CAPTURED',
    'CONFIRMED',
  ].map((type, index) => ({ type, at: `2026-01-01T10:00:0${index}.000Z` })),
});

describe('order page', () => {
  beforeEach(() => sessionStore.signIn(demoToken({ sub: 'alice' }), 'local'));
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('follows the saga live until the order is confirmed, then stops asking', async () => {
    const answers = [placed, placed, confirmed];
    const { requests } = fakeFetch({
      [`GET /api/v1/orders/${placed.orderId}`]: () => json(answers.shift() ?? confirmed),
    });
    render(<OrderPage orderId={placed.orderId} />);

    expect(await screen.findByRole('heading', { name: 'We are processing your order…' })).toBeTruthy();
    expect(
      await screen.findByRole('heading', { name: 'Thank you! Your order is confirmed.' }, { timeout: 3000 }),
    ).toBeTruthy();
    expect(screen.getByText('CONFIRMED')).toBeTruthy();
    const asked = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(requests.length).toBe(asked);
  });

  it('says plainly why an order failed and what that means for the customer', async () => {
    fakeFetch({
      [`GET /api/v1/orders/${placed.orderId}`]: () =>
        json(
          order({
            status: 'FAILED',
            inventory: 'RELEASED',
            failureReason: 'Your card was declined.',
            timeline: [
              { type: 'PLACED', at: '2026-01-01T10:00:00.000Z' },
              { type: 'FAILED', at: '2026-01-01T10:00:01.000Z', detail: 'Your card was declined.' },
            ],
          }),
        ),
    });
    render(<OrderPage orderId={placed.orderId} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Order failed: Your card was declined.');
    expect(alert.textContent).toContain('You have not been charged.');
    expect(alert.textContent).toContain('The items are back in stock.');
  });

  it('shows a missing order as a message, not an error dump', async () => {
    fakeFetch({
      [`GET /api/v1/orders/${placed.orderId}`]: () =>
        problem(404, 'order_not_found', `No order ${placed.orderId}.`),
    });
    render(<OrderPage orderId={placed.orderId} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Loading the order failed: We could not find that order.');
  });

  it('cancels only after a confirmation, then follows the order to CANCELLED', async () => {
    let current: Order = confirmed;
    const { requests } = fakeFetch({
      [`GET /api/v1/orders/${placed.orderId}`]: () => json(current),
      [`POST /api/v1/orders/${placed.orderId}/cancel`]: () => {
        current = {
          ...confirmed,
          status: 'CANCELLED',
          timeline: [...confirmed.timeline, { type: 'CANCELLED', at: '2026-01-01T10:00:09.000Z' }],
        };
        return json({ ...confirmed, cancelRequested: true }, 202);
      },
    });
    render(<OrderPage orderId={placed.orderId} />);

    fireEvent.click(await screen.findByRole('button', { name: 'Cancel this order…' }));
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel the order' }));

    expect(await screen.findByRole('heading', { name: 'Your order was cancelled.' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Cancel this order/ })).toBeNull();
  });
});
