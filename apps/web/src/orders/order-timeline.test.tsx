import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderTimeline } from './order-timeline';

const at = (second: number) => `2026-01-01T10:00:0${second}.000Z`;

function renderedSteps(): string[] {
  const list = screen.getByRole('list', { name: 'Order progress' });
  return within(list)
    .getAllByRole('listitem')
    .map((item) => item.querySelector('.step-label')?.textContent ?? '');
}

describe('order timeline', () => {
  afterEach(cleanup);

  it('lists what happened, then the saga steps still to come while the order is pending', () => {
    render(
      <OrderTimeline
        status="PENDING"
        timeline={[
          { type: 'PLACED', at: at(0) },
          { type: 'INVENTORY_RESERVED', at: at(1) },
        ]}
      />,
    );

    expect(renderedSteps()).toEqual([
      'Order placed',
      'Stock reserved',
      'Payment authorized',
      'Shipment booked with the carrier',
      'Payment captured',
      'Order confirmed',
    ]);
    const items = screen.getAllByRole('listitem');
    expect(items[1]?.textContent).toContain('(done)');
    expect(items[2]?.textContent).toContain('(waiting)');
    expect(items[2]?.querySelector('time')).toBeNull();
  });

  it('shows a failed order with its compensation and reason, and predicts nothing more', () => {
    render(
      <OrderTimeline
        status="FAILED"
        timeline={[
          { type: 'PLACED', at: at(0) },
          { type: 'INVENTORY_RESERVED', at: at(1) },
          { type: 'INVENTORY_RELEASED', at: at(2) },
          { type: 'FAILED', at: at(3), detail: 'Your card was declined.' },
        ]}
      />,
    );

    expect(renderedSteps()).toEqual([
      'Order placed',
      'Stock reserved',
      'Reserved stock released',
      'Order failed',
    ]);
    const items = screen.getAllByRole('listitem');
    expect(items[2]?.textContent).toContain('(undone)');
    expect(items[3]?.textContent).toContain('(failed)');
    expect(items[3]?.textContent).toContain('Your card was declined.');
  });

  it('shows what a closed order still owes as waiting steps after what happened', () => {
    render(
      <OrderTimeline
        status="CANCELLED"
        owed={['refundPayment', 'cancelShipment']}
        timeline={[
          { type: 'PLACED', at: at(0) },
          { type: 'CANCEL_REQUESTED', at: at(1) },
          { type: 'CANCELLED', at: at(2) },
        ]}
      />,
    );

    expect(renderedSteps()).toEqual([
      'Order placed',
      'Cancellation requested',
      'Order cancelled',
      'Refund of the payment',
      'Cancellation of the shipment',
    ]);
    const items = screen.getAllByRole('listitem');
    expect(items[3]?.textContent).toContain('(waiting)');
    expect(items[3]?.textContent).toContain('retried automatically');
    expect(items[3]?.querySelector('time')).toBeNull();
  });

  it('names settlement and a requested return in words, and a release the reconciler made', () => {
    render(
      <OrderTimeline
        status="CANCELLED"
        timeline={[
          { type: 'SHIPPED', at: at(0) },
          { type: 'RETURN_REQUESTED', at: at(1) },
          { type: 'PAYMENT_REFUNDED', at: at(2), detail: 'released by the payment reconciler' },
          { type: 'CANCELLED', at: at(3) },
          { type: 'SETTLED', at: at(4), detail: 'refundPayment, voidPayment' },
        ]}
      />,
    );

    expect(renderedSteps()).toEqual([
      'Handed to the carrier',
      'Return requested (the parcel had already left)',
      'Payment refunded',
      'Order cancelled',
      'Everything owed was settled',
    ]);
    const items = screen.getAllByRole('listitem');
    expect(items[1]?.textContent).toContain('(undone)');
    expect(items[2]?.textContent).toContain('released by the payment reconciler');
    expect(items[4]?.textContent).toContain('(done)');
    expect(items[4]?.querySelector('.step-detail')?.textContent).toBe(
      'refund of the payment, release of the hold on your card',
    );
  });

  it('names step types it does not know instead of hiding them', () => {
    render(<OrderTimeline status="CONFIRMED" timeline={[{ type: 'GIFT_WRAPPED', at: at(0) }]} />);
    expect(renderedSteps()).toEqual(['Gift wrapped']);
  });
});
