import * as z from 'zod';
import { errorMessage, postJson } from './http';
import type { AcknowledgedOrder } from './load-generator';
import { CUSTOMERS, KEY_MARKER, type OrderBody } from './order-mix';
import { sleep } from './progress';
import type { RegionReader } from './region-reader';
import { PLENTIFUL_SKUS } from './scenario';

const acceptedSchema = z.object({ orderId: z.string() });

/**
 * Places `orders` good orders (a plentiful SKU, pm_card_visa) at `ordersPerSecond`, each to one region
 * directly, the regions in turn, so every region owns some. A request that gets no 202 is sent again
 * with the same key (at most 5 tries); what never got one is returned as refused.
 */
export async function placeOrdersDirectly(options: {
  orders: number;
  ordersPerSecond: number;
  runId: string;
  readers: readonly RegionReader[];
  tokens: Record<string, string>;
}): Promise<{
  startedAt: number;
  acknowledged: AcknowledgedOrder[];
  refused: Array<{ key: string; outcome: string }>;
}> {
  const acknowledged: AcknowledgedOrder[] = [];
  const refused: Array<{ key: string; outcome: string }> = [];
  const started = Date.now();
  const sends = Array.from({ length: options.orders }, async (_, index) => {
    await sleep((index * 1000) / options.ordersPerSecond - (Date.now() - started));
    const reader = options.readers[index % options.readers.length] as RegionReader;
    const customer = CUSTOMERS[index % CUSTOMERS.length] as string;
    const key = `${options.runId}-${index}`;
    const body: OrderBody = {
      items: [{ sku: PLENTIFUL_SKUS[index % PLENTIFUL_SKUS.length] as string, quantity: 1 }],
      paymentMethod: 'pm_card_visa',
      shippingAddress: {
        name: `Outage ${customer}`,
        line1: '3 Provider Lane',
        line2: `${KEY_MARKER}${key}`,
        city: 'Springfield',
        postalCode: '12345',
        country: 'US',
      },
    };
    let outcome = 'not sent';
    const firstAttemptAt = Date.now();
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const response = await postJson(`${reader.url}/api/v1/orders`, body, {
          token: options.tokens[customer],
          headers: { 'idempotency-key': key },
          timeoutMs: 5000,
        });
        outcome = `${response.status} ${response.text.slice(0, 120)}`;
        if (response.status === 202) {
          acknowledged.push({
            key,
            customer,
            orderId: acceptedSchema.parse(JSON.parse(response.text)).orderId,
            answeredBy: reader.region,
            paymentMethod: body.paymentMethod,
            items: body.items,
            firstAttemptAt,
            ackAt: Date.now(),
            attempts: attempt,
            replayed: response.headers.get('idempotent-replayed') === 'true',
          });
          return;
        }
      } catch (error) {
        outcome = `network: ${errorMessage(error)}`;
      }
      await sleep(200 * attempt);
    }
    refused.push({ key, outcome });
  });
  await Promise.all(sends);
  return { startedAt: started, acknowledged, refused };
}
