import { openDatabase, SqliteItemStore } from '@meridian/adapters-local';
import { createOrder, type Order, orderWrite } from '@meridian/domain';
import { describe, expect, it } from 'vitest';
import { OrderImageMonitor } from './order-image-monitor';

const NOW = '2030-01-01T00:00:00.000Z';
const product = {
  sku: 'MUG-001',
  name: 'Mug',
  description: '',
  priceMinor: 1000,
  currency: 'USD',
  active: true,
  category: 'c',
  createdAt: NOW,
  updatedAt: NOW,
};

function setup() {
  const db = openDatabase(':memory:');
  const store = new SqliteItemStore(db, { region: 'us-east-1', clock: { now: () => Date.parse(NOW) } });
  const monitor = new OrderImageMonitor(() => 42);
  monitor.watch(db, (listener) => store.onWrite(listener));
  let version = 0;
  const write = async (order: Order) => {
    await store.transact([orderWrite(order, version === 0 ? 'absent' : version)]);
    version++;
  };
  const placed = createOrder(
    {
      orderId: 'ord_A_us-east-1',
      region: 'us-east-1',
      customerId: 'c01',
      items: [{ sku: 'MUG-001', quantity: 1 }],
      shippingAddress: { name: 'c01', line1: '1 Main St', city: 'Town', postalCode: '12345', country: 'US' },
      paymentMethod: 'pm_card_visa',
      now: NOW,
    },
    new Map([['MUG-001', product]]),
  );
  return { monitor, write, placed };
}

describe('OrderImageMonitor', () => {
  it('accepts an order that goes forward, then compensates and closes', async () => {
    const { monitor, write, placed } = setup();
    await write(placed);
    const reserved: Order = {
      ...placed,
      inventory: 'RESERVED',
      timeline: [...placed.timeline, { type: 'INVENTORY_RESERVED', at: NOW }],
    };
    await write(reserved);
    const compensating: Order = { ...reserved, compensation: { startedAt: NOW } };
    await write(compensating);
    await write({
      ...compensating,
      status: 'FAILED',
      inventory: 'RELEASED',
      timeline: [
        ...compensating.timeline,
        { type: 'INVENTORY_RELEASED', at: NOW },
        { type: 'FAILED', at: NOW },
      ],
    });

    expect(monitor.violations).toEqual([]);
  });

  it('catches a forward step after compensation began, the marker dropped, and a closed order reopened', async () => {
    const { monitor, write, placed } = setup();
    await write(placed);
    const compensating: Order = { ...placed, compensation: { startedAt: NOW } };
    await write(compensating);
    const resumed: Order = {
      ...placed,
      timeline: [...placed.timeline, { type: 'PAYMENT_AUTHORIZED', at: NOW }],
    };
    await write(resumed);
    await write({ ...resumed, status: 'FAILED' });
    await write({ ...resumed, status: 'CONFIRMED' });

    expect(monitor.violations.map((violation) => violation.detail)).toEqual([
      'ord_A_us-east-1: its compensation marker was removed',
      'ord_A_us-east-1: PAYMENT_AUTHORIZED recorded after its compensation began',
      'ord_A_us-east-1: status went from FAILED to CONFIRMED',
    ]);
    expect(monitor.violations[0]?.at).toBe(42);
  });
});
