import type { EventEnvelope } from '@meridian/contracts';

export function sampleEvent(id: string, detail: Record<string, unknown> = {}): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'OrderConfirmed',
    source: 'meridian.orders',
    account: '123456789012',
    time: '2025-03-01T12:00:00.000Z',
    region: 'eu-west-1',
    resources: [`arn:aws:meridian:eu-west-1:123456789012:order/ord_${id}`],
    detail: { orderId: `ord_${id}`, ...detail },
  };
}
