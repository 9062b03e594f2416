import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { freePort } from '@meridian/local/tests/support/ports';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EmulatedRegion, startEmulatedRegion } from './support/emulated-region';
import { orderBody, Shop, waitFor } from './support/shop';

/**
 * What happens on AWS when a dependency is down: the functions get an address where nothing listens
 * for one service (`AWS_ENDPOINT_URL_<SERVICE>`, which the SDK reads), as a configuration update would
 * give them, and get their deployed configuration back afterwards.
 */

let region: EmulatedRegion;
let shop: Shop;
let unreachable: string;

beforeAll(async () => {
  region = await startEmulatedRegion({ assemblyDir: inject('assemblyDir') });
  shop = await Shop.open(region);
  await shop.addProduct('RECOVER-001', 50);
  unreachable = `http://127.0.0.1:${await freePort()}`;
});
afterEach(async () => {
  await region.host.restoreDeployedConfiguration();
});
afterAll(async () => {
  await region?.close();
});

describe('a store that cannot be reached', () => {
  it('answers 503 problem+json (transient), not 500', async () => {
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_DYNAMODB: unreachable });

    const response = await region.api.request('GET', '/api/v1/products/RECOVER-001');

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 503, code: 'transient' });
  });

  it('refuses an order with 503 and stores nothing of it', async () => {
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_DYNAMODB: unreachable });
    const key = 'unreachable-store';

    const refused = await shop.place(orderBody({ sku: 'RECOVER-001' }), key);
    expect(refused.status).toBe(503);

    await region.host.reconfigure(region.apiFunction, undefined);
    const mine = await region.api.request<{ items: unknown[] }>('GET', '/api/v1/orders', {
      token: shop.customer,
    });
    expect(mine.body.items).toEqual([]);
  });
});

describe('a saga that cannot be started when the order is accepted', () => {
  const sagaStarter = () =>
    region.host.names.find((name) => name.startsWith('OrderSagaStarter')) ?? 'OrderSagaStarter';
  // The saga sweeper's schedule (the integrity sweep has schedules of its own).
  const sweep = async () => {
    const schedule = region.ruleTargets
      .schedules()
      .find((rule) =>
        rule.targets.some((target) => region.host.find(target.arn).name.startsWith('OrderSagaSweeper')),
      );
    if (!schedule) throw new Error('no schedule rule targets the saga sweeper');
    await region.ruleTargets.fireSchedule(schedule.name, { minAgeSeconds: 0 });
  };

  it('still answers 202 for the order, and the OrderPlaced event starts its saga', async () => {
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_SFN: unreachable });

    const placed = await shop.place(orderBody({ sku: 'RECOVER-001' }));

    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    expect(placed.body.status).toBe('PENDING');
    const order = await shop.waitForTerminal(placed.body.orderId);
    expect(order.status).toBe('CONFIRMED');
    expect((await shop.ledger(order.orderId)).map((entry) => entry.type)).toEqual([
      'authorization',
      'capture',
    ]);
  });

  it('a replay of the request also answers 202 with the same order', async () => {
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_SFN: unreachable });
    const key = 'replayed-while-down';

    const first = await shop.place(orderBody({ sku: 'RECOVER-001' }), key);
    const again = await shop.place(orderBody({ sku: 'RECOVER-001' }), key);

    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect((await shop.waitForTerminal(first.body.orderId)).status).toBe('CONFIRMED');
  });

  it('when the event cannot start it either, the scheduled sweep does', async () => {
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_SFN: unreachable });
    await region.host.reconfigure(sagaStarter(), { AWS_ENDPOINT_URL_SFN: unreachable });

    const placed = await shop.place(orderBody({ sku: 'RECOVER-001' }));
    expect(placed.status).toBe(202);
    // The OrderPlaced event reached the starter, which failed every attempt: the event is in its DLQ.
    await waitFor(async () => ((await deadLettersOf(sagaStarter())) > 0 ? true : undefined), {
      what: 'the failed start in the dead-letter queue',
    });
    expect((await shop.order(placed.body.orderId)).status).toBe('PENDING');

    await region.host.reconfigure(sagaStarter(), undefined);
    await sweep();

    expect((await shop.waitForTerminal(placed.body.orderId)).status).toBe('CONFIRMED');
  });

  it('a cancellation accepted while Step Functions is down answers 202 and its run still starts', async () => {
    const placed = await shop.place(orderBody({ sku: 'RECOVER-001', quantity: 2 }));
    expect((await shop.waitForTerminal(placed.body.orderId)).status).toBe('CONFIRMED');
    const stock = await shop.stockOf('RECOVER-001');
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_SFN: unreachable });

    const cancelled = await shop.cancel(placed.body.orderId);

    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(202);
    const order = await shop.waitForTerminal(placed.body.orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.payment?.status).toBe('REFUNDED');
    expect(await shop.stockOf('RECOVER-001')).toEqual({
      ...stock,
      available: stock.available + 2,
      sold: stock.sold - 2,
    });
  });

  it('and when its event cannot start the run either, the sweep does', async () => {
    const placed = await shop.place(orderBody({ sku: 'RECOVER-001' }));
    expect((await shop.waitForTerminal(placed.body.orderId)).status).toBe('CONFIRMED');
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_SFN: unreachable });
    await region.host.reconfigure(sagaStarter(), { AWS_ENDPOINT_URL_SFN: unreachable });
    const before = await deadLettersOf(sagaStarter());

    expect((await shop.cancel(placed.body.orderId)).status).toBe(202);
    await waitFor(async () => ((await deadLettersOf(sagaStarter())) > before ? true : undefined), {
      what: 'the failed cancellation start in the dead-letter queue',
    });
    const waiting = await shop.order(placed.body.orderId);
    expect(waiting).toMatchObject({ status: 'CONFIRMED', cancelRequested: true });

    await region.host.reconfigure(sagaStarter(), undefined);
    await sweep();

    expect((await shop.waitForTerminal(placed.body.orderId)).status).toBe('CANCELLED');
  });
});

describe('a consumer that keeps failing', () => {
  it('parks the events in its dead-letter queue; after the fix, a redrive from the console delivers them', async () => {
    const consumer = region.host.names.find((name) => name.startsWith('NotificationConsumer')) ?? '';
    await region.host.reconfigure(consumer, { AWS_ENDPOINT_URL_DYNAMODB: unreachable });

    const placed = await shop.place(orderBody({ sku: 'RECOVER-001' }));
    const order = await shop.waitForTerminal(placed.body.orderId);
    expect(order.status).toBe('CONFIRMED');
    const parked = await waitFor(
      async () => {
        const letters = await region.api.request<{ items: Array<{ event: Record<string, unknown> }> }>(
          'GET',
          '/api/v1/admin/dead-letters?limit=100',
          { token: shop.admin },
        );
        const mine = letters.body.items.filter(
          (letter) => (letter.event.detail as { orderId?: string }).orderId === order.orderId,
        );
        return mine.length >= 2 ? mine : undefined;
      },
      { what: 'the failed notifications in the dead-letter queue' },
    );
    expect(parked.map((letter) => letter.event['detail-type']).sort()).toEqual([
      'OrderConfirmed',
      'OrderPlaced',
    ]);
    expect(await shop.notificationsOf(order.orderId)).toEqual([]);

    await region.host.restoreDeployedConfiguration();
    const redriven = await region.api.request<{ redriven: number }>(
      'POST',
      '/api/v1/admin/dead-letters/redrive',
      {
        token: shop.admin,
      },
    );
    expect(redriven.status).toBe(202);
    expect(redriven.body.redriven).toBeGreaterThanOrEqual(2);

    const notified = await waitFor(
      async () => {
        const mine = await shop.notificationsOf(order.orderId);
        return mine.length >= 2 ? mine : undefined;
      },
      { what: 'the redriven notifications' },
    );
    expect(notified.map((notification) => notification.eventType).sort()).toEqual([
      'OrderConfirmed',
      'OrderPlaced',
    ]);
  });
});

/** Messages in a function's dead-letter queue (failed asynchronous invocations). */
async function deadLettersOf(functionName: string): Promise<number> {
  const arn = region.host.find(functionName).deadLetterQueueArn;
  const url = arn ? region.service.queueUrls.get(arn) : undefined;
  if (!url) throw new Error(`${functionName} has no dead-letter queue`);
  const attributes = await region.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
}
