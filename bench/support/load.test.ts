import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgedCounts, loadOrders } from './load';
import { loopbackServers } from './loopback-server';

const servers = loopbackServers();
afterEach(() => servers.closeAll());

describe('acknowledgedCounts', () => {
  it('counts only 2xx answers, over the measured duration', () => {
    expect(acknowledgedCounts({ '2xx': 1_056, non2xx: 162_066, errors: 0, duration: 45.01 })).toEqual({
      acknowledgedPerSecond: 23,
      acknowledged: 1_056,
      non2xx: 162_066,
      errors: 0,
      seconds: 45.01,
    });
    expect(acknowledgedCounts({ '2xx': 0, non2xx: 0, errors: 12, duration: 0 }).acknowledgedPerSecond).toBe(
      0,
    );
  });
});

describe('loadOrders', () => {
  it('gives the rate of acknowledged orders, not of every answer, and collects their ids', async () => {
    // One order in four is accepted; the rest are refused at once, as a throttling front door would.
    let received = 0;
    const url = await servers.listen((request, response) => {
      request.resume();
      request.on('end', () => {
        const index = received++;
        if (index % 4 === 0) {
          response.writeHead(202, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ orderId: `order-${index}` }));
        } else {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end('{"title":"busy"}');
        }
      });
    });

    const result = await loadOrders({ url, token: 't', seconds: 1, connections: 4, keyPrefix: 'test' });

    expect(result.acknowledged).toBeGreaterThan(10);
    expect(result.non2xx).toBeGreaterThanOrEqual(2 * result.acknowledged);
    expect(result.orderIds).toHaveLength(result.acknowledged);
    expect(result.seconds).toBeGreaterThanOrEqual(1);
    expect(result.acknowledgedPerSecond).toBe(Math.round(result.acknowledged / result.seconds));
    // Every answer per second would be about four times as many.
    expect(result.acknowledgedPerSecond).toBeLessThan(
      (result.acknowledged + result.non2xx) / result.seconds / 2,
    );
  });
});
