import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '@meridian/contracts/percentile';

export interface PacedCall {
  /** Sent with the request; `index` counts from 0 in send order. */
  headers(index: number): Record<string, string>;
  body: string;
}

export interface PacedResult {
  sent: number;
  /** Requests answered 2xx per second of the run (`ok / seconds`). */
  ratePerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Requests never sent because `maxInFlight` were still unanswered when they were due. */
  skipped: number;
  /** From the moment each request was due (not sent), so a stalled sender cannot hide waiting time. */
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  /** The 2xx bodies, in the order their answers arrived. */
  bodies: string[];
}

/**
 * An open-loop load: request i is due at start + i / rate, whether or not earlier ones were answered,
 * as independent shoppers would arrive. autocannon's `overallRate` is closed-loop per connection and
 * releases each second's quota at the start of the second, so at a "fixed rate" every order of a second
 * arrives in one burst and queues behind the others; this spaces them evenly instead.
 */
export async function pacedLoad(options: {
  url: string;
  ratePerSecond: number;
  seconds: number;
  call: PacedCall;
  /** Safety bound on unanswered requests (default 2,000); past it a due request is skipped and counted. */
  maxInFlight?: number;
  timeoutMs?: number;
  /** Time source and wait (tests replace them to check the schedule without depending on timing). */
  clock?: { now(): number; sleep(ms: number): Promise<unknown> };
}): Promise<PacedResult> {
  const { url, ratePerSecond, seconds, call } = options;
  if (!(ratePerSecond > 0) || !(seconds > 0)) throw new Error('rate and seconds must be positive');
  const maxInFlight = options.maxInFlight ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const clock = options.clock ?? { now: () => performance.now(), sleep };
  // As many sockets as requests may be unanswered: a request never waits for a socket (open loop).
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const total = Math.round(ratePerSecond * seconds);
  const interval = 1000 / ratePerSecond;
  const latencies: number[] = [];
  const result: PacedResult = {
    sent: 0,
    ratePerSecond: 0,
    ok: 0,
    non2xx: 0,
    errors: 0,
    skipped: 0,
    latencyMs: { p50: null, p90: null, p99: null, max: null },
    bodies: [],
  };
  const inFlight = new Set<Promise<void>>();
  const start = clock.now();

  const send = (index: number, due: number): Promise<void> =>
    new Promise<void>((resolve) => {
      // Each request is counted once, however many of its error, abort and end events fire.
      let settled = false;
      const settle = (outcome: 'error' | { status: number; body: string }) => {
        if (settled) return;
        settled = true;
        if (outcome === 'error') result.errors++;
        else {
          latencies.push(clock.now() - due);
          if (outcome.status >= 200 && outcome.status < 300) {
            result.ok++;
            result.bodies.push(outcome.body);
          } else result.non2xx++;
        }
        resolve();
      };
      const body = Buffer.from(call.body);
      const outgoing = request(url, {
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: { ...call.headers(index), 'content-length': body.length },
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', () => settle('error'));
      outgoing.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', () => settle('error'));
        response.on('close', () => {
          if (!response.complete) settle('error');
        });
        response.on('end', () =>
          settle({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      outgoing.end(body);
    });

  try {
    for (let index = 0; index < total; index++) {
      const due = start + index * interval;
      const wait = due - clock.now();
      if (wait > 1) await clock.sleep(wait);
      if (inFlight.size >= maxInFlight) {
        result.skipped++;
        continue;
      }
      result.sent++;
      const pending = send(index, due).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  result.ratePerSecond = Math.round(result.ok / seconds);
  const rounded = (value: number | null) => (value === null ? null : Math.round(value));
  result.latencyMs = {
    p50: rounded(percentile(latencies, 50)),
    p90: rounded(percentile(latencies, 90)),
    p99: rounded(percentile(latencies, 99)),
    max: rounded(percentile(latencies, 100)),
  };
  return result;
}
