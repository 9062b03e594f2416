import type { Order, TimelineEntryType } from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import { INVARIANTS, type Violation } from './violation';

const FORWARD_ENTRIES = new Set<TimelineEntryType>([
  'INVENTORY_RESERVED',
  'PAYMENT_AUTHORIZED',
  'SHIPMENT_CREATED',
  'PAYMENT_CAPTURED',
  'CONFIRMED',
]);
const ALLOWED: Record<string, readonly string[]> = {
  PENDING: ['PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED'],
  CONFIRMED: ['CONFIRMED', 'CANCELLED'],
  FAILED: ['FAILED'],
  CANCELLED: ['CANCELLED'],
};

interface Seen {
  status: string;
  compensating: boolean;
  timeline: number;
}

/**
 * Checked while the run goes, on every committed image of every order a region writes (its change log,
 * read after each commit): the status only moves forward (PENDING → CONFIRMED → CANCELLED, or closed for
 * good), the timeline only grows, and once an order's compensation has begun it stays begun and no
 * forward step is recorded on it again (compensation is one-way).
 */
export class OrderImageMonitor {
  readonly violations: Violation[] = [];
  private readonly orders = new Map<string, Seen>();

  constructor(private readonly elapsed: () => number) {}

  /** Watches one incarnation of a region: reads its change log after each commit, from where it left off. */
  watch(db: Database, onWrite: (listener: () => void) => void): void {
    // Every new row moves the cursor (only orders carry their image): a cursor left at the last order
    // would read every later write again after each commit.
    const read = db.prepare(
      "SELECT seq, CASE WHEN sk = 'ORDER' AND pk LIKE 'ORDER#%' THEN data END AS data FROM change_log WHERE seq > ? ORDER BY seq",
    );
    let cursor = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log').get() as { seq: number })
      .seq;
    onWrite(() => {
      if (!db.open) return;
      for (const row of read.all(cursor) as Array<{ seq: number; data: string | null }>) {
        cursor = row.seq;
        if (row.data !== null) this.observe(JSON.parse(row.data) as Order);
      }
    });
  }

  private observe(order: Order): void {
    const before = this.orders.get(order.orderId);
    const compensating = order.compensation !== undefined;
    this.orders.set(order.orderId, { status: order.status, compensating, timeline: order.timeline.length });
    if (!before) return;
    const broken = (detail: string) =>
      this.violations.push({
        invariant: INVARIANTS.oneWay,
        detail: `${order.orderId}: ${detail}`,
        subjects: [order.orderId, order.idempotencyKey ?? ''],
        at: this.elapsed(),
      });
    if (!(ALLOWED[before.status] ?? []).includes(order.status))
      broken(`status went from ${before.status} to ${order.status}`);
    if (order.timeline.length < before.timeline) broken('its timeline lost entries');
    if (before.compensating) {
      if (!compensating) broken('its compensation marker was removed');
      const added = order.timeline.slice(before.timeline).filter((entry) => FORWARD_ENTRIES.has(entry.type));
      if (added.length > 0)
        broken(`${added.map((entry) => entry.type).join(', ')} recorded after its compensation began`);
    }
  }
}
