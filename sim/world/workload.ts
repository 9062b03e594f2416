import type { FaultKind } from '../faults/fault-plan';
import type { Prng } from '../kernel/prng';

export interface OrderIntent {
  key: string;
  customerId: string;
  at: number;
  items: Array<{ sku: string; quantity: number }>;
  paymentMethod: string;
  country: string;
  /** Also sent straight to another region this long after the first send (two regions, one key). */
  twinAfterMs?: number;
  /** The customer cancels this long after the order was acknowledged. */
  cancelAfterMs?: number;
  /** An operator ships it this long after it was acknowledged (if it is CONFIRMED by then). */
  shipAfterMs?: number;
}

export interface AdminIntent {
  kind: 'restock' | 'transfer';
  at: number;
  sku: string;
  quantity: number;
  /** restock: how it is split (default evenly); transfer: from and to. */
  from?: string;
  to?: string;
  key: string;
}

export interface Workload {
  customers: Array<{ id: string; home: string }>;
  orders: OrderIntent[];
  admin: AdminIntent[];
}

const PAYMENT_METHODS: Array<[string, number]> = [
  ['pm_card_visa', 0.86],
  ['pm_card_mastercard', 0.04],
  ['pm_card_chargeDeclined', 0.04],
  ['pm_card_chargeDeclinedInsufficientFunds', 0.02],
  ['pm_card_transientFailure', 0.04],
];
const SERVED = ['US', 'GB', 'DE', 'FR', 'JP', 'CA'];

function weighted(prng: Prng, options: Array<[string, number]>): string {
  let roll = prng.float();
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return options[0]?.[0] ?? '';
}

/** The customers' and operators' actions of a run, drawn from the seed. */
export function drawWorkload(options: {
  prng: Prng;
  orders: number;
  workloadMs: number;
  regions: readonly string[];
  skus: readonly string[];
  enabled: ReadonlySet<FaultKind>;
}): Workload {
  const { prng, regions, skus } = options;
  const customers = Array.from({ length: 12 }, (_, index) => ({
    id: `c${String(index + 1).padStart(2, '0')}`,
    home: regions[index % regions.length] as string,
  }));
  // Customers come in bursts (a campaign, a page going viral) over a steady trickle.
  const bursts = Array.from({ length: prng.int(1, 4) }, () => ({
    at: prng.between(0, options.workloadMs),
    spreadMs: prng.logUniform(2_000, 60_000),
  }));
  const arrival = () => {
    if (prng.chance(0.4)) return prng.between(0, options.workloadMs);
    const burst = prng.pick(bursts);
    return Math.min(options.workloadMs, burst.at + prng.between(0, burst.spreadMs));
  };
  const orders: OrderIntent[] = [];
  for (let index = 0; index < options.orders; index++) {
    const lines = prng.chance(0.7) ? 1 : 2;
    const chosen = new Set<string>();
    while (chosen.size < lines) chosen.add(prng.pick(skus));
    orders.push({
      key: `k${index + 1}`,
      customerId: prng.pick(customers).id,
      at: arrival(),
      items: [...chosen].map((sku) => ({ sku, quantity: prng.int(1, 3) })),
      paymentMethod: weighted(prng, PAYMENT_METHODS),
      country: prng.chance(0.04) ? 'AQ' : prng.pick(SERVED),
      ...(options.enabled.has('retry-elsewhere') && prng.chance(0.12)
        ? { twinAfterMs: prng.logUniform(1, 2_000) }
        : {}),
      ...(prng.chance(0.1) ? { cancelAfterMs: prng.logUniform(100, 300_000) } : {}),
      ...(options.enabled.has('admin') && prng.chance(0.25)
        ? { shipAfterMs: prng.logUniform(1_000, 600_000) }
        : {}),
    });
  }
  orders.sort((a, b) => a.at - b.at);
  const admin: AdminIntent[] = [];
  // The operator's own stream: a run with fewer orders keeps the same operator actions.
  const operator = prng.fork('operator');
  if (options.enabled.has('admin')) {
    for (let i = operator.int(0, 3); i > 0; i--)
      admin.push({
        kind: 'restock',
        at: operator.between(0, options.workloadMs),
        sku: operator.pick(skus),
        quantity: operator.int(1, 12),
        key: `restock-${i}`,
      });
    for (let i = operator.int(0, 2); i > 0 && regions.length > 1; i--) {
      const from = operator.pick(regions);
      const to = operator.pick(regions.filter((region) => region !== from));
      admin.push({
        kind: 'transfer',
        at: operator.between(0, options.workloadMs),
        sku: operator.pick(skus),
        quantity: operator.int(1, 4),
        from,
        to,
        key: `transfer-${i}`,
      });
    }
  }
  return { customers, orders, admin };
}
