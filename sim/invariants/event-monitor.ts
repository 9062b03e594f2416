import type { EventEnvelope } from '@meridian/contracts';
import { INVARIANTS, type Violation } from './violation';

const FORWARD = new Set([
  'OrderInventoryReserved',
  'OrderPaymentAuthorized',
  'OrderShipmentCreated',
  'OrderPaymentCaptured',
  'OrderConfirmed',
]);
const COMPENSATION = new Set([
  'OrderPaymentRefunded',
  'OrderShipmentCancelled',
  'OrderPaymentVoided',
  'OrderInventoryReleased',
]);
const CLOSING = new Set(['OrderFailed', 'OrderCancelled']);

interface OrderProgress {
  compensating: boolean;
  closed: boolean;
  seen: Set<string>;
}

/**
 * Checked while the run goes, as each region's own order events are committed (cheap: a few set
 * lookups per event): once an order's compensation has begun or it has closed, no forward step acts on
 * it again; an order confirms once and closes once.
 */
export class EventMonitor {
  readonly violations: Violation[] = [];
  private readonly orders = new Map<string, OrderProgress>();

  constructor(private readonly elapsed: () => number) {}

  observe(event: EventEnvelope): void {
    const type = event['detail-type'];
    if (!type.startsWith('Order')) return;
    const orderId = String((event.detail as { orderId?: unknown }).orderId);
    const progress = this.orders.get(orderId) ?? {
      compensating: false,
      closed: false,
      seen: new Set<string>(),
    };
    this.orders.set(orderId, progress);
    const broken = (detail: string) =>
      this.violations.push({
        invariant: INVARIANTS.oneWay,
        detail: `${orderId}: ${detail}`,
        subjects: [orderId],
        at: this.elapsed(),
      });
    if (FORWARD.has(type) && (progress.compensating || progress.closed))
      broken(`${type} after its ${progress.closed ? 'closing' : 'compensation'} began`);
    if ((type === 'OrderConfirmed' || CLOSING.has(type)) && progress.seen.has(type))
      broken(`${type} a second time`);
    if (
      CLOSING.has(type) &&
      progress.seen.has('OrderFailed') !== progress.seen.has('OrderCancelled') &&
      !progress.seen.has(type)
    )
      broken(`${type} after it had already closed`);
    if (COMPENSATION.has(type)) progress.compensating = true;
    if (CLOSING.has(type)) progress.closed = true;
    progress.seen.add(type);
  }
}
