import autocannon from 'autocannon';
import { pacedLoad } from './paced-load';

export const ORDER_BODY = JSON.stringify({
  items: [
    { sku: 'MUG-001', quantity: 1 },
    { sku: 'NOTE-001', quantity: 2 },
  ],
  paymentMethod: 'pm_card_visa',
  shippingAddress: {
    name: 'Bench',
    line1: '1 Load St',
    city: 'Springfield',
    postalCode: '12345',
    country: 'US',
  },
});

export interface LoadResult {
  /** Orders acknowledged (2xx) per second of the measured run; refused and failed requests do not count. */
  acknowledgedPerSecond: number;
  /** Requests answered 2xx: the orders the platform accepted. */
  acknowledged: number;
  /** Requests answered with another status (refused, throttled, failed in the server). */
  non2xx: number;
  /** Requests with no answer: connection errors and timeouts, and (paced loads) requests never sent. */
  errors: number;
  /** What `acknowledgedPerSecond` divides by: an autocannon run's measured duration, a paced load's window. */
  seconds: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  orderIds: string[];
}

/**
 * The counts of an autocannon run, with its rate of acknowledged (2xx) requests over the measured
 * duration. autocannon's `requests.average` counts every response, refusals included: a front door that
 * answers 429 or 503 quickly would look fast by it.
 */
export function acknowledgedCounts(
  result: Pick<autocannon.Result, '2xx' | 'non2xx' | 'errors' | 'duration'>,
): Pick<LoadResult, 'acknowledgedPerSecond' | 'acknowledged' | 'non2xx' | 'errors' | 'seconds'> {
  const acknowledged = result['2xx'];
  return {
    acknowledgedPerSecond: result.duration > 0 ? Math.round(acknowledged / result.duration) : 0,
    acknowledged,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
  };
}

/**
 * POSTs orders with autocannon as fast as the connections allow (closed loop: each connection sends its
 * next order when the last is answered), each with its own Idempotency-Key. Collects the accepted order ids.
 * Its rate counts acknowledged (2xx) orders only, over the measured duration (`acknowledgedCounts`).
 */
export async function loadOrders(options: {
  url: string;
  token: string;
  seconds: number;
  connections: number;
  keyPrefix: string;
}): Promise<LoadResult> {
  let sequence = 0;
  const orderIds: string[] = [];
  const result = await autocannon({
    url: `${options.url}/api/v1/orders`,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: ORDER_BODY,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, 'idempotency-key': `${options.keyPrefix}-${sequence++}` },
        }),
        // Every 2xx, as `acknowledged` counts them (the API answers a placed order 202).
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) orderIds.push((JSON.parse(body) as { orderId: string }).orderId);
        },
      },
    ],
  });
  return {
    ...acknowledgedCounts(result),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    orderIds,
  };
}

/**
 * POSTs orders evenly spaced at `ratePerSecond` (open loop, see `pacedLoad`), each with its own
 * Idempotency-Key, and collects the accepted order ids. Used wherever a phase offers a fixed rate.
 */
export async function paceOrders(options: {
  url: string;
  token: string;
  seconds: number;
  ratePerSecond: number;
  keyPrefix: string;
  /** Customers' home regions, taken in turn (header `x-meridian-home-region`); none: the default. */
  homeRegions?: readonly string[];
}): Promise<LoadResult> {
  const homes = options.homeRegions ?? [];
  const paced = await pacedLoad({
    url: `${options.url}/api/v1/orders`,
    ratePerSecond: options.ratePerSecond,
    seconds: options.seconds,
    call: {
      body: ORDER_BODY,
      headers: (index) => ({
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json',
        'idempotency-key': `${options.keyPrefix}-${index}`,
        ...(homes.length > 0 ? { 'x-meridian-home-region': homes[index % homes.length] as string } : {}),
      }),
    },
  });
  return {
    acknowledgedPerSecond: paced.ratePerSecond,
    acknowledged: paced.ok,
    non2xx: paced.non2xx,
    errors: paced.errors + paced.skipped,
    seconds: options.seconds,
    latencyMs: {
      p50: paced.latencyMs.p50 ?? 0,
      p90: paced.latencyMs.p90 ?? 0,
      p99: paced.latencyMs.p99 ?? 0,
      max: paced.latencyMs.max ?? 0,
    },
    orderIds: paced.bodies.map((body) => (JSON.parse(body) as { orderId: string }).orderId),
  };
}

/**
 * The ceiling: the same load tool and connections against a bare node:http server answering 200, counted
 * as intake is (2xx answers per measured second).
 */
export async function loadBareServer(url: string, seconds: number, connections: number): Promise<number> {
  const result = await autocannon({ url, method: 'POST', connections, duration: seconds, body: ORDER_BODY });
  return acknowledgedCounts(result).acknowledgedPerSecond;
}
