import { MeridianError } from '../shared/errors';

/**
 * One region's share of a SKU's sellable stock (escrow). Only its own region writes it, with a
 * conditional write, so the regions never oversell even when they cannot talk to each other.
 * Invariant: every count is a non-negative integer; available + reserved + sold changes only by
 * restock and transfers.
 */
export interface Allotment {
  sku: string;
  region: string;
  available: number;
  reserved: number;
  sold: number;
}

export interface StockLine {
  sku: string;
  quantity: number;
}

export class OutOfStockError extends MeridianError {
  constructor(readonly shortages: ReadonlyArray<{ sku: string; requested: number; available: number }>) {
    super(
      'out_of_stock',
      `Not enough stock: ${shortages
        .map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`)
        .join(', ')}.`,
    );
  }
}

export class InvalidStockOperationError extends MeridianError {
  constructor(message: string) {
    super('invalid_stock_operation', message);
  }
}

export function emptyAllotment(sku: string, region: string): Allotment {
  return { sku, region, available: 0, reserved: 0, sold: 0 };
}

function assertQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new InvalidStockOperationError('quantity must be a positive integer');
  }
}

/** Moves units from available to reserved; throws OutOfStockError rather than go negative. */
export function reserve(allotment: Allotment, quantity: number): Allotment {
  assertQuantity(quantity);
  if (allotment.available < quantity) {
    throw new OutOfStockError([{ sku: allotment.sku, requested: quantity, available: allotment.available }]);
  }
  return { ...allotment, available: allotment.available - quantity, reserved: allotment.reserved + quantity };
}

/** Returns reserved units to available (compensation of reserve). */
export function release(allotment: Allotment, quantity: number): Allotment {
  assertQuantity(quantity);
  if (allotment.reserved < quantity)
    throw new InvalidStockOperationError('cannot release more than is reserved');
  return { ...allotment, available: allotment.available + quantity, reserved: allotment.reserved - quantity };
}

/** Turns reserved units into sold units when the order is confirmed. */
export function commit(allotment: Allotment, quantity: number): Allotment {
  assertQuantity(quantity);
  if (allotment.reserved < quantity)
    throw new InvalidStockOperationError('cannot commit more than is reserved');
  return { ...allotment, reserved: allotment.reserved - quantity, sold: allotment.sold + quantity };
}

/** Puts sold units back on sale when a confirmed order is cancelled before it ships. */
export function restore(allotment: Allotment, quantity: number): Allotment {
  assertQuantity(quantity);
  if (allotment.sold < quantity) throw new InvalidStockOperationError('cannot return more than was sold');
  return { ...allotment, available: allotment.available + quantity, sold: allotment.sold - quantity };
}

export function restock(allotment: Allotment, quantity: number): Allotment {
  assertQuantity(quantity);
  return { ...allotment, available: allotment.available + quantity };
}

/** Splits a restock across regions: an explicit split, or evenly with the remainder to the first regions. */
export function splitEvenly(
  quantity: number,
  regions: readonly string[],
): Array<{ region: string; quantity: number }> {
  const share = Math.floor(quantity / regions.length);
  const remainder = quantity % regions.length;
  return regions.map((region, index) => ({ region, quantity: share + (index < remainder ? 1 : 0) }));
}

/** Sums requested quantities per SKU, so an order naming a SKU twice reserves it once. */
export function mergeStockLines(lines: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity }));
}

export type StockMove = 'reserve' | 'release' | 'commit' | 'restore' | 'receive' | 'send';

/**
 * The same moves as reserve/release/commit/restore above, plus units received (restock, a transfer in)
 * and sent (a transfer out), as in-place counter changes for the store: what each adds to the
 * allotment's counts, and the floor that keeps every count non-negative. A region writes them as one
 * atomic conditional update, so concurrent orders and transfers for one SKU never conflict.
 */
export function stockMoveCounters(
  move: StockMove,
  quantity: number,
): {
  add: Record<'available' | 'reserved' | 'sold', number>;
  atLeast: Partial<Record<'available' | 'reserved' | 'sold', number>>;
} {
  assertQuantity(quantity);
  switch (move) {
    case 'reserve':
      return { add: { available: -quantity, reserved: quantity, sold: 0 }, atLeast: { available: quantity } };
    case 'release':
      return { add: { available: quantity, reserved: -quantity, sold: 0 }, atLeast: { reserved: quantity } };
    case 'commit':
      return { add: { available: 0, reserved: -quantity, sold: quantity }, atLeast: { reserved: quantity } };
    case 'restore':
      return { add: { available: quantity, reserved: 0, sold: -quantity }, atLeast: { sold: quantity } };
    case 'receive':
      return { add: { available: quantity, reserved: 0, sold: 0 }, atLeast: {} };
    case 'send':
      return { add: { available: -quantity, reserved: 0, sold: 0 }, atLeast: { available: quantity } };
  }
}
