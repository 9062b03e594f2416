import { useSyncExternalStore } from 'react';

export interface CartLine {
  sku: string;
  quantity: number;
}

const KEY = 'meridian.cart.v1';
/** The API accepts 1–100 units per line and at most 50 lines per order. */
export const MAX_QUANTITY = 100;
export const MAX_LINES = 50;

export interface CartStore {
  lines(): readonly CartLine[];
  add(sku: string, quantity?: number): void;
  setQuantity(sku: string, quantity: number): void;
  remove(sku: string): void;
  clear(): void;
  subscribe(listener: () => void): () => void;
}

function parseLines(raw: string | null): CartLine[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value.flatMap((entry: unknown) => {
      const line = entry as Partial<CartLine> | null;
      return typeof line?.sku === 'string' && Number.isInteger(line.quantity) && (line.quantity ?? 0) > 0
        ? [{ sku: line.sku, quantity: Math.min(line.quantity as number, MAX_QUANTITY) }]
        : [];
    });
  } catch {
    // A corrupted entry (edited by hand, older format) starts an empty cart rather than breaking the shop.
    return [];
  }
}

/** The cart lives in localStorage so it survives reloads and is shared by the tabs of one browser. */
export function createCartStore(storage: Storage): CartStore {
  const listeners = new Set<() => void>();
  let cached: { raw: string | null; lines: CartLine[] } = { raw: null, lines: [] };
  const read = (): CartLine[] => {
    const raw = storage.getItem(KEY);
    if (raw !== cached.raw) cached = { raw, lines: parseLines(raw) };
    return cached.lines;
  };
  const write = (lines: CartLine[]) => {
    if (lines.length === 0) storage.removeItem(KEY);
    else storage.setItem(KEY, JSON.stringify(lines));
    for (const listener of listeners) listener();
  };
  const clamp = (quantity: number) => Math.max(0, Math.min(MAX_QUANTITY, Math.floor(quantity)));
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (event) => {
      if (event.key === KEY) for (const listener of listeners) listener();
    });
  }
  return {
    lines: read,
    add(sku, quantity = 1) {
      const lines = read();
      const existing = lines.find((line) => line.sku === sku);
      if (!existing && lines.length >= MAX_LINES) return;
      write(
        existing
          ? lines.map((line) =>
              line.sku === sku ? { sku, quantity: clamp(line.quantity + quantity) } : line,
            )
          : [...lines, { sku, quantity: clamp(quantity) }],
      );
    },
    setQuantity(sku, quantity) {
      const next = clamp(quantity);
      write(
        next === 0
          ? read().filter((line) => line.sku !== sku)
          : read().map((line) => (line.sku === sku ? { sku, quantity: next } : line)),
      );
    },
    remove(sku) {
      write(read().filter((line) => line.sku !== sku));
    },
    clear() {
      write([]);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const cartStore: CartStore = createCartStore(localStorage);

export function useCart(store: CartStore = cartStore): readonly CartLine[] {
  return useSyncExternalStore(store.subscribe, store.lines);
}

export function cartCount(lines: readonly CartLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}
