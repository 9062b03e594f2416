import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { loopbackServers } from './loopback-server';
import { pacedLoad } from './paced-load';

interface Arrival {
  at: number;
  index: number;
  body: string;
}

const servers = loopbackServers();
afterEach(() => servers.closeAll());

async function serve(
  answer: (arrival: Arrival, response: ServerResponse) => void,
): Promise<{ url: string; arrivals: Arrival[] }> {
  const arrivals: Arrival[] = [];
  const url = await servers.listen((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrival = {
        at: performance.now(),
        index: Number(request.headers['x-index']),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      arrivals.push(arrival);
      answer(arrival, response);
    });
  });
  return { url: `${url}/`, arrivals };
}

const call = { body: '{"n":1}', headers: (index: number) => ({ 'x-index': String(index) }) };

/**
 * A clock whose waits return at once and move time forward by what was asked: the load's schedule
 * shows in the times requests are sent, however slow the machine running the test is.
 */
function virtualClock() {
  const realStart = performance.now();
  let waited = 0;
  return {
    now: () => performance.now() - realStart + waited,
    sleep: async (ms: number) => {
      waited += ms;
    },
  };
}

describe('pacedLoad', () => {
  it('sends request i at start + i / rate instead of sending a second of requests in one burst', async () => {
    const { url } = await serve((_, response) => response.end('{}'));
    const clock = virtualClock();
    const sentAt: number[] = [];
    const before = clock.now();
    const result = await pacedLoad({
      url,
      ratePerSecond: 40,
      seconds: 1,
      clock,
      call: {
        ...call,
        headers: (index) => {
          sentAt.push(clock.now());
          return call.headers(index);
        },
      },
    });

    expect(result).toMatchObject({ sent: 40, ok: 40, non2xx: 0, errors: 0, skipped: 0, ratePerSecond: 40 });
    // A burst would send all 40 at once; paced, request i leaves no earlier than i × 25 ms (1 s / 40),
    // less the millisecond the pacer does not wait for.
    expect(sentAt).toHaveLength(40);
    for (const [index, at] of sentAt.entries()) expect(at - before).toBeGreaterThanOrEqual(index * 25 - 1);
    expect((sentAt[39] ?? 0) - before).toBeLessThan(975 + 2_000);
    expect(result.bodies).toEqual(Array(40).fill('{}'));
  });

  it('keeps sending on schedule while earlier requests are unanswered (open loop)', async () => {
    let arrivedBeforeFirstAnswer = 0;
    const { url, arrivals } = await serve((_, response) => {
      setTimeout(() => {
        arrivedBeforeFirstAnswer ||= arrivals.length;
        response.end('{}');
      }, 1_000);
    });
    const result = await pacedLoad({ url, ratePerSecond: 20, seconds: 0.5, call, clock: virtualClock() });

    expect(result.ok).toBe(10);
    // Closed loop, each connection would wait for its answer before sending the next request.
    expect(arrivedBeforeFirstAnswer).toBe(10);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(1_000);
  });

  it('counts refusals and failures apart, each request once, and keeps only the accepted bodies', async () => {
    const { url } = await serve((arrival, response) => {
      if (arrival.index === 3) {
        response.socket?.destroy();
        return;
      }
      if (arrival.index === 7) {
        // Stops halfway through the body until the client gives up: the timeout fails both the request
        // and its response, and that is one failed request, not two.
        response.writeHead(202, { 'content-length': 100 });
        response.write('{"partial":');
        return;
      }
      response.statusCode = arrival.index % 2 === 0 ? 202 : 409;
      response.end(JSON.stringify({ index: arrival.index }));
    });
    const result = await pacedLoad({
      url,
      ratePerSecond: 40,
      seconds: 0.2,
      call,
      clock: virtualClock(),
      timeoutMs: 300,
    });
    // The timed-out request's later events (response error, close) fire after the run has returned.
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(result).toMatchObject({ sent: 8, ok: 4, non2xx: 2, errors: 2 });
    expect(result.bodies.map((body) => (JSON.parse(body) as { index: number }).index).sort()).toEqual([
      0, 2, 4, 6,
    ]);
  });

  it('skips, and counts, requests due while too many are unanswered', async () => {
    const { url } = await serve((_, response) => {
      setTimeout(() => response.end('{}'), 1_000);
    });
    const result = await pacedLoad({
      url,
      ratePerSecond: 20,
      seconds: 0.5,
      call,
      maxInFlight: 4,
      clock: virtualClock(),
    });

    expect(result).toMatchObject({ sent: 4, skipped: 6, ok: 4 });
  });

  it('refuses a rate or duration that is not positive', async () => {
    await expect(
      pacedLoad({ url: 'http://127.0.0.1:1/', ratePerSecond: 0, seconds: 1, call }),
    ).rejects.toThrow('rate and seconds must be positive');
  });
});
