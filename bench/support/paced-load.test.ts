import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pacedLoad } from './paced-load';

interface Arrival {
  at: number;
  index: number;
  body: string;
}

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

async function serve(
  answer: (arrival: Arrival, response: ServerResponse) => void,
): Promise<{ url: string; arrivals: Arrival[] }> {
  const arrivals: Arrival[] = [];
  const created = createServer((request: IncomingMessage, response) => {
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
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(created.address() as AddressInfo).port}/`, arrivals };
}

const call = { body: '{"n":1}', headers: (index: number) => ({ 'x-index': String(index) }) };

describe('pacedLoad', () => {
  it('spreads a second of requests over the second instead of sending them in one burst', async () => {
    const { url, arrivals } = await serve((_, response) => response.end('{}'));
    const result = await pacedLoad({ url, ratePerSecond: 40, seconds: 1, call });

    expect(result).toMatchObject({ sent: 40, ok: 40, non2xx: 0, errors: 0, skipped: 0, ratePerSecond: 40 });
    const first = Math.min(...arrivals.map((arrival) => arrival.at));
    const last = Math.max(...arrivals.map((arrival) => arrival.at));
    // Evenly spaced, the 40th is due 975 ms after the first; a burst would arrive within a few ms.
    expect(last - first).toBeGreaterThan(900);
    expect(arrivals.filter((arrival) => arrival.at - first < 250).length).toBeLessThanOrEqual(20);
    expect(arrivals.map((arrival) => arrival.body)).toEqual(Array(40).fill('{"n":1}'));
  });

  it('keeps sending on schedule while earlier requests are unanswered (open loop)', async () => {
    const { url, arrivals } = await serve((_, response) => {
      setTimeout(() => response.end('{}'), 300);
    });
    const result = await pacedLoad({ url, ratePerSecond: 20, seconds: 0.5, call });

    expect(result.ok).toBe(10);
    // Closed loop with one connection would need 10 × 300 ms; open loop sends all within half a second.
    const first = Math.min(...arrivals.map((arrival) => arrival.at));
    expect(Math.max(...arrivals.map((arrival) => arrival.at)) - first).toBeLessThan(700);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(300);
  });

  it('counts refusals and failures apart and keeps only the accepted bodies', async () => {
    const { url } = await serve((arrival, response) => {
      if (arrival.index % 4 === 3) {
        response.socket?.destroy();
        return;
      }
      response.statusCode = arrival.index % 2 === 0 ? 202 : 409;
      response.end(JSON.stringify({ index: arrival.index }));
    });
    const result = await pacedLoad({ url, ratePerSecond: 40, seconds: 0.2, call });

    expect(result).toMatchObject({ sent: 8, ok: 4, non2xx: 2, errors: 2 });
    expect(result.bodies.map((body) => (JSON.parse(body) as { index: number }).index).sort()).toEqual([
      0, 2, 4, 6,
    ]);
  });

  it('skips, and counts, requests due while too many are unanswered', async () => {
    const { url } = await serve((_, response) => {
      setTimeout(() => response.end('{}'), 800);
    });
    const result = await pacedLoad({ url, ratePerSecond: 20, seconds: 0.5, call, maxInFlight: 4 });

    expect(result).toMatchObject({ sent: 4, skipped: 6, ok: 4 });
  });

  it('refuses a rate or duration that is not positive', async () => {
    await expect(
      pacedLoad({ url: 'http://127.0.0.1:1/', ratePerSecond: 0, seconds: 1, call }),
    ).rejects.toThrow('rate and seconds must be positive');
  });
});
