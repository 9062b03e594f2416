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

  it('names step types it does not know instead of hiding them', () => {
    render(<OrderTimeline status="CONFIRMED" timeline={[{ type: 'GIFT_WRAPPED', at: at(0) }]} />);
    expect(renderedSteps()).toEqual(['Gift wrapped']);
  });
});
