import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../api/types';
import { sessionStore } from '../auth/session';
import { fakeFetch, json, problem } from '../test-support/fake-fetch';
import { demoToken, order } from '../test-support/fixtures';
import { ORDER_POLL_MS, OrderPage, orderPollMs, SETTLEMENT_POLL_MS } from './order-page';

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
    vi.useRealTimers();
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
    const outcome = screen.getByRole('region', { name: 'What this means for you' });
    expect(outcome.textContent).toContain('You have not been charged.');
    expect(outcome.textContent).toContain('The items are back in stock.');
  });

  it('never says "not been charged" while releasing the hold on the card is owed, and shows it pending', async () => {
    // The authorization's answer was lost: the order has no payment on record, but the provider holds one.
    const refusal = 'Sorry, we cannot ship to AQ yet. You have not been charged.';
    fakeFetch({
      [`GET /api/v1/orders/${placed.orderId}`]: () =>
        json(
          order({
            status: 'FAILED',
            inventory: 'RELEASED',
            // Written when the carrier refused, before the release of the hold failed.
            failureReason: refusal,
            compensation: { startedAt: '2026-01-01T10:00:03.000Z' },
            settlement: { status: 'PENDING', owed: ['voidPayment'], since: '2026-01-01T10:00:05.000Z' },
            timeline: [
              { type: 'PLACED', at: '2026-01-01T10:00:00.000Z' },
              { type: 'INVENTORY_RESERVED', at: '2026-01-01T10:00:01.000Z' },
              { type: 'INVENTORY_RELEASED', at: '2026-01-01T10:00:04.000Z' },
              { type: 'FAILED', at: '2026-01-01T10:00:05.000Z', detail: refusal },
            ],
          }),
        ),
    });
    render(<OrderPage orderId={placed.orderId} />);

    const pending = await screen.findByRole('region', { name: 'Still to do' });
    expect(pending.textContent).toContain('Releasing the hold on your card is pending');
    expect(pending.textContent).toContain('Pending since');
    expect(document.body.textContent).not.toMatch(/not been charged/i);
    expect(screen.getByRole('alert').textContent).toBe('Order failed: Sorry, we cannot ship to AQ yet.');
    expect(screen.getByText(/updates live/)).toBeTruthy();
    const steps = within(screen.getByRole('list', { name: 'Order progress' })).getAllByRole('listitem');
    expect(steps.at(-1)?.textContent).toContain('Release of the hold on your card');
    expect(steps.at(-1)?.textContent).toContain('(waiting)');
  });

  it('keeps following a closed order until its refund is settled, then stops asking', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const failed = order({
      status: 'FAILED',
      inventory: 'RELEASED',
      failureReason: 'The carrier refused the shipment.',
      payment: { authorizationId: 'auth_1', status: 'CAPTURED', amountMinor: 3399, refundedMinor: 0 },
      settlement: { status: 'PENDING', owed: ['refundPayment'], since: '2026-01-01T10:00:05.000Z' },
    });
    const settled = order({
      ...failed,
      payment: { authorizationId: 'auth_1', status: 'REFUNDED', amountMinor: 3399, refundedMinor: 3399 },
      settlement: {
        status: 'SETTLED',
        owed: [],
        since: '2026-01-01T10:00:05.000Z',
        settledAt: '2026-01-01T10:03:00.000Z',
      },
      timeline: [
        ...failed.timeline,
        { type: 'SETTLED', at: '2026-01-01T10:03:00.000Z', detail: 'refundPayment' },
      ],
    });
    const answers = [failed, failed];
    const { requests } = fakeFetch({
      [`GET /api/v1/orders/${placed.orderId}`]: () => json(answers.shift() ?? settled),
    });
    render(<OrderPage orderId={placed.orderId} />);

    expect((await screen.findByRole('region', { name: 'Still to do' })).textContent).toContain(
      'Your refund of $33.99 is pending',
    );
    expect(document.body.textContent).not.toContain('was refunded');
    await vi.advanceTimersByTimeAsync(2 * SETTLEMENT_POLL_MS + ORDER_POLL_MS);

    const outcome = await screen.findByRole('region', { name: 'What this means for you' });
    expect(outcome.textContent).toContain('Everything this order owed was completed');
    expect(outcome.textContent).toContain('$33.99 was refunded to your card.');
    expect(screen.getByText('Everything owed was settled')).toBeTruthy();
    expect(screen.getByText('refund of the payment')).toBeTruthy();
    expect(screen.queryByText(/updates live/)).toBeNull();
    const asked = requests.length;
    await vi.advanceTimersByTimeAsync(5 * SETTLEMENT_POLL_MS);
    expect(requests.length).toBe(asked);
  });

  it('polls a running saga fast and a closed order that owes a refund slowly', () => {
    const pending = order({
      status: 'FAILED',
      settlement: { status: 'PENDING', owed: ['refundPayment'], since: '2026-01-01T10:00:05.000Z' },
    });
    expect(orderPollMs(undefined)).toBe(ORDER_POLL_MS);
    expect(orderPollMs(placed)).toBe(ORDER_POLL_MS);
    expect(orderPollMs(pending)).toBe(SETTLEMENT_POLL_MS);
    expect(SETTLEMENT_POLL_MS).toBeGreaterThan(ORDER_POLL_MS);
  });

  it('explains a duplicate order and links the order that was kept', async () => {
    fakeFetch({
      [`GET /api/v1/orders/${placed.orderId}`]: () =>
        json(
          order({
            status: 'CANCELLED',
            inventory: 'RESTORED',
            duplicateOf: 'ord_01KEPT_eu-west-1',
            payment: {
              authorizationId: 'auth_1',
              status: 'REFUNDED',
              amountMinor: 3399,
              refundedMinor: 3399,
            },
            shipment: {
              shipmentId: 'shp_1',
              carrier: 'UPS',
              trackingNumber: '1Z9',
              status: 'RETURN_REQUESTED',
            },
          }),
        ),
    });
    render(<OrderPage orderId={placed.orderId} />);

    const outcome = await screen.findByRole('region', { name: 'What this means for you' });
    expect(outcome.textContent).toContain('This order duplicated order ord_01KEPT_eu-west-1, which you keep');
    expect(within(outcome).getByRole('link', { name: 'ord_01KEPT_eu-west-1' }).getAttribute('href')).toBe(
      '/orders/ord_01KEPT_eu-west-1',
    );
    expect(outcome.textContent).toContain('please send it back');
    expect(outcome.textContent).toContain('$33.99 was refunded to your card.');
    expect(screen.getByRole('region', { name: 'Summary' }).textContent).toContain('return requested');
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
