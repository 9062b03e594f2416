import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningPlatform, signIn, startPlatform } from '@meridian/chaos/platform-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAndRemove } from './support/platform-state';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  contentType: string | undefined;
  code: string | undefined;
  ms: number;
}

/** GETs over a kept-alive connection from one local address (each address stands for one client). */
function client(base: string, from: string, token?: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port } = new URL(base);
  return {
    get: (path: string) =>
      new Promise<Answer>((resolve, reject) => {
        const started = performance.now();
        const outgoing = request(
          {
            hostname,
            port,
            path,
            agent,
            localAddress: from,
            headers: token ? { authorization: `Bearer ${token}` } : {},
            timeout: 10_000,
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
            });
            response.on('end', () => {
              let code: string | undefined;
              if (/problem\+json/.test(response.headers['content-type'] ?? ''))
                code = (JSON.parse(text) as { code?: string }).code;
              resolve({
                status: response.statusCode ?? 0,
                retryAfter: response.headers['retry-after'],
                contentType: response.headers['content-type'],
                code,
                ms: performance.now() - started,
              });
            });
          },
        );
        outgoing.on('timeout', () => outgoing.destroy(new Error(`${path}: no answer within 10 s`)));
        outgoing.on('error', reject);
        outgoing.end();
      }),
    close: () => agent.destroy(),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Sequential requests, one after the other, as a person's page or a script sends them. */
async function steady(send: () => Promise<Answer>, count: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) {
    answers.push(await send());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return answers;
}

interface FloodReport {
  statuses: Record<string, number>;
  refusals: Array<{ retryAfter: string | undefined; contentType: string | undefined; code: string }>;
}

const FLOODER = fileURLToPath(new URL('./support/flooder.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * GETs at `perSecond` over `connections` kept-alive connections for `ms`, from another process. The review
 * measured one client at 500-1,040 requests/s; the floods here send twice that.
 */
async function flood(
  url: string,
  from: string,
  connections: number,
  ms: number,
  token?: string,
  perSecond = 2000,
) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      FLOODER,
      url,
      from,
      String(connections),
      String(ms),
      String(perSecond),
      ...(token ? [token] : []),
    ],
    { cwd: REPO_ROOT, timeout: ms + 20_000 },
  );
  const report = JSON.parse(stdout) as FloodReport;
  const total = Object.values(report.statuses).reduce((sum, count) => sum + count, 0);
  return { ...report, total, refused: report.statuses['429'] ?? 0 };
}

/**
 * A client flooding the front door (the review measured 500-1,040 requests/s from one client) gets 429s,
 * while another client is still served at its usual latency: the flood is refused at the edge, before it
 * costs a region anything.
 */
describe('a flooding client', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform(['us-east-1']);
  }, 120_000);
  afterAll(async () => {
    await stopAndRemove(platform);
  }, 30_000);

  it('gets 429 from its address while another address is served within its usual latency', async () => {
    const front = platform.urls.frontDoor;
    const neighbour = client(front, '127.0.0.3');
    try {
      const read = () => neighbour.get('/api/v1/products?limit=20');
      const before = await steady(read, 30);
      const [flooded, during] = await Promise.all([
        flood(`${front}/api/v1/products?limit=20`, '127.0.0.2', 16, 4000),
        // Measured while the flood is at full speed (the flooder takes a moment to start).
        new Promise((resolve) => setTimeout(resolve, 1500)).then(() => steady(read, 30)),
      ]);
      // The usual latency is measured before and after, so that what the rest of the machine does in the
      // meantime is not taken for the flood's doing.
      const after = await steady(read, 30);

      // At least 1,000 requests/s, the most the review saw one client send.
      expect(flooded.total).toBeGreaterThanOrEqual(4000);
      expect(flooded.refused / flooded.total).toBeGreaterThan(0.5);
      expect(Object.keys(flooded.statuses).sort()).toEqual(['200', '429']);
      for (const refusal of flooded.refusals) {
        expect(refusal.code).toBe('rate_limited');
        expect(refusal.contentType).toBe('application/problem+json');
        expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      expect(during.map((answer) => answer.status)).toEqual(during.map(() => 200));
      const usualMs = Math.max(
        median(before.map((answer) => answer.ms)),
        median(after.map((answer) => answer.ms)),
      );
      const duringMs = median(during.map((answer) => answer.ms));
      console.log(
        `flood: ${flooded.total} requests in 4 s, ${flooded.refused} refused; neighbour median ${usualMs.toFixed(1)} ms usually, ${duringMs.toFixed(1)} ms during`,
      );
      expect(duringMs).toBeLessThan(Math.max(3 * usualMs, usualMs + 25));
    } finally {
      neighbour.close();
    }
  }, 60_000);

  it('gets 429 as a principal from any number of addresses, while another customer is served', async () => {
    const front = platform.urls.frontDoor;
    const alice = await signIn(front, 'alice');
    const bob = await signIn(front, 'bob');
    const other = client(front, '127.0.0.8', bob);
    try {
      const [served, ...flooded] = await Promise.all([
        new Promise((resolve) => setTimeout(resolve, 1000)).then(() =>
          steady(() => other.get('/api/v1/orders?limit=5'), 30),
        ),
        ...['127.0.0.4', '127.0.0.5', '127.0.0.6'].map((from) =>
          flood(`${front}/api/v1/orders?limit=5`, from, 4, 3000, alice),
        ),
      ]);
      // Each address alone may send 100/s; alice's own limit (50/s, 100 at once) is what refuses her.
      const total = flooded.reduce((sum, report) => sum + report.total, 0);
      const refused = flooded.reduce((sum, report) => sum + report.refused, 0);
      expect(refused / total).toBeGreaterThan(0.3);
      expect(served.map((answer) => answer.status)).toEqual(served.map(() => 200));
    } finally {
      other.close();
    }
  }, 60_000);
});
