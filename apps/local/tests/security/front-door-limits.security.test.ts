import { describe, expect, it } from 'vitest';
import { expectProblem, expectSecurityHeaders } from './support/answers';
import { sleep, startEdgeDoor } from './support/edge-kit';
import { rawRequest } from './support/raw-http';

describe('host names', () => {
  it('answers only to the names it listens for, so a page rebinding its domain to 127.0.0.1 gets nothing', async () => {
    const door = await startEdgeDoor({ allowedHosts: ['localhost', '127.0.0.1', '[::1]'] });
    try {
      const port = new URL(door.url).port;
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST'])
        expect(
          (await rawRequest(door.url, { method: 'GET', target: '/api/v1/products', headers: { host } }))
            .status,
          host,
        ).toBe(200);
      for (const host of [
        `evil.example:${port}`,
        'evil.example',
        'localhost.evil.example',
        '127.0.0.1.nip.io',
        '',
      ]) {
        const response = await rawRequest(door.url, {
          method: 'GET',
          target: '/api/v1/products',
          headers: { host },
        });
        expect(response.status, host).toBe(403);
        expectProblem(response, host);
        expect(response.json).toMatchObject({ code: 'host_not_allowed' });
      }
      expect(
        door.regions.flatMap((region) => region.received).filter((r) => r.url !== '/api/v1/products'),
      ).toEqual([]);
    } finally {
      await door.close();
    }
  });
});

describe('health checks and slow requests', () => {
  it('keeps a healthy region healthy while requests to it time out, and finds out a dead one', async () => {
    const door = await startEdgeDoor({
      proxyTimeoutMs: 300,
      health: { intervalMs: 200, failureThreshold: 2 },
    });
    try {
      const [us] = door.regions;
      if (!us) throw new Error('no region');
      for (const region of door.regions) region.slowMs = 2000;
      const flips: string[] = [];
      const watching = (async () => {
        for (let i = 0; i < 40; i++) {
          for (const region of door.checker.snapshot()) if (!region.healthy) flips.push(region.name);
          await sleep(50);
        }
      })();
      // Six slow requests at once, then six more: each times out at the front door after 300 ms, in both
      // regions (a GET is tried on the next one).
      for (let round = 0; round < 2; round++) {
        const answers = await Promise.all(
          Array.from({ length: 6 }, () =>
            rawRequest(door.url, { method: 'GET', target: '/api/v1/products' }),
          ),
        );
        for (const answer of answers) expect(answer.status).toBe(502);
      }
      await watching;
      expect(flips).toEqual([]);
      // A region that is really gone is still taken out of rotation.
      await us.close();
      await sleep(1000);
      expect(door.checker.isHealthy('us-east-1')).toBe(false);
    } finally {
      await door.close();
    }
  });
});

describe('rate limits at the edge', () => {
  it('limits each address and each principal on its own, with 429, Retry-After and a problem', async () => {
    const door = await startEdgeDoor({
      limits: { perAddressPerSecond: 20, perPrincipalPerSecond: 10, eventStreamsPerPrincipal: 4 },
    });
    try {
      const burst = (from: string, headers: Record<string, string> = {}, count = 60) =>
        Promise.all(
          Array.from({ length: count }, () =>
            rawRequest(door.url, { method: 'GET', target: '/api/v1/products', from, headers }),
          ),
        );
      const flood = await burst('127.0.0.2');
      const limited = flood.filter((answer) => answer.status === 429);
      // The bucket holds two seconds' worth (40); the rest of the burst is refused.
      expect(limited.length).toBeGreaterThanOrEqual(15);
      expect(flood.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(45);
      for (const answer of limited) {
        expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expectProblem(answer, '429');
        expect(answer.json).toMatchObject({ code: 'rate_limited' });
        expectSecurityHeaders(answer, '429');
      }
      // Another address is not affected.
      expect(
        (await rawRequest(door.url, { method: 'GET', target: '/api/v1/products', from: '127.0.0.3' })).status,
      ).toBe(200);

      // One principal spread over several addresses is limited as one.
      const bob = { authorization: `Bearer ${await door.token('bob')}` };
      const spread = (
        await Promise.all(['127.0.0.4', '127.0.0.5', '127.0.0.6'].map((from) => burst(from, bob, 15)))
      ).flat();
      expect(spread.filter((answer) => answer.status === 429).length).toBeGreaterThanOrEqual(20);
      const carol = { authorization: `Bearer ${await door.token('carol')}` };
      expect(
        (
          await rawRequest(door.url, {
            method: 'GET',
            target: '/api/v1/products',
            from: '127.0.0.7',
            headers: carol,
          })
        ).status,
      ).toBe(200);
    } finally {
      await door.close();
    }
  });
});
