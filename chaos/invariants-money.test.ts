import { describe, expect, it } from 'vitest';
import { order, state } from './invariant-fixtures';
import { checkStock } from './invariants-money';
import type { ProductView } from './region-reader';

/** MUG-001 as us-east-1 reports its own allotment. */
const mug = (available: number, sold: number, reserved = 0) =>
  ({
    sku: 'MUG-001',
    stock: { byRegion: [{ region: 'us-east-1', available, reserved, sold }] },
  }) as unknown as ProductView;

const sold = (name: string) =>
  checkStock(stateWith(name)).rows.find((row) => row.name.startsWith('units sold'));
const returned = order('r', 'CANCELLED', {
  inventory: 'COMMITTED',
  duplicateOf: 'k',
  shipment: { shipmentId: 's', carrier: 'c', trackingNumber: 't', status: 'RETURN_REQUESTED' },
});
function stateWith(name: string) {
  const orders = name === 'returned' ? [order('k', 'CONFIRMED'), returned] : [order('k', 'CONFIRMED')];
  // Two units sold when a cancelled duplicate awaits its return, one otherwise.
  const soldUnits = name === 'returned' || name === 'too many sold' ? 2 : 1;
  return state(orders, [], {
    products: { 'us-east-1': [mug(10 - soldUnits, soldUnits)] },
    supply: { 'MUG-001': 10 },
  });
}

describe('checkStock', () => {
  it('counts the units of a cancelled duplicate awaiting its return as sold', () => {
    const row = sold('returned');
    expect(row?.passed).toBe(true);
    expect(row?.summary).toBe('every SKU matches; 1 cancelled orders awaiting a return');
  });

  it('fails units sold that no confirmed order, nor a return awaited, accounts for', () => {
    expect(sold('plain')?.passed).toBe(true);
    expect(sold('too many sold')?.passed).toBe(false);
  });

  it('does not count a cancelled order whose stock came back', () => {
    const restored = order('r', 'CANCELLED', { inventory: 'RESTORED' });
    const rows = checkStock(
      state([order('k', 'CONFIRMED'), restored], [], {
        products: { 'us-east-1': [mug(9, 1)] },
        supply: { 'MUG-001': 10 },
      }),
    ).rows;
    expect(rows.every((row) => row.passed)).toBe(true);
  });
});
