import { HttpTimeoutError } from '@meridian/adapters-node';
import { forwardWithFailover, noRegionProblem } from '@meridian/local/front-door/failover';
import { HealthChecker } from '@meridian/local/front-door/health-checker';
import type { RoutingPolicy } from '@meridian/local/front-door/routing-policy';
import { Hono } from 'hono';
import type { ProcessRuntime } from '../kernel/process-runtime';
import type { SimAnswer, SimNetwork } from '../network/network';
import { simUrl } from '../network/network';

export const FRONT_DOOR = 'front-door';

/**
 * The front door's routing and failover (the same `forwardWithFailover` and `HealthChecker` the
 * front-door process runs) as a simulated process: /api/v1 requests go to the best healthy region over
 * the simulated network, and on to the next when one fails.
 */
export function startFrontDoor(options: {
  runtime: ProcessRuntime;
  network: SimNetwork;
  regions: readonly string[];
  policy: RoutingPolicy;
  healthIntervalMs: number;
  failureThreshold: number;
  timeoutMs: number;
}): { checker: HealthChecker } {
  const { runtime, network } = options;
  const targets = options.regions.map((name) => ({ name, url: simUrl(name) }));
  const http = network.client(runtime.process);
  const checker = new HealthChecker({
    regions: targets,
    intervalMs: options.healthIntervalMs,
    failureThreshold: options.failureThreshold,
    http,
    now: () => runtime.clock.now(),
    timers: runtime.timers,
  });
  const app = new Hono();
  app.all('/api/v1/*', async (c) => {
    const method = c.req.method;
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.text();
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      if (name !== 'host' && name !== 'content-length') headers[name] = value;
    });
    const path = new URL(c.req.url).pathname + new URL(c.req.url).search;
    const outcome = await forwardWithFailover<SimAnswer>(
      { method, headers },
      {
        regions: targets,
        policy: options.policy,
        checker,
        timeoutMs: options.timeoutMs,
        now: () => runtime.clock.now(),
        attempt: async (region, attemptHeaders) => {
          try {
            const answer = await network.exchange(runtime.process, {
              method: method as 'GET' | 'POST',
              url: `${region.url}${path}`,
              headers: Object.fromEntries(
                Object.entries(attemptHeaders).map(([name, value]) => [name, String(value)]),
              ),
              ...(body === undefined ? {} : { body }),
              timeoutMs: options.timeoutMs,
            });
            return { kind: 'answered', status: answer.status, answer };
          } catch (error) {
            return {
              kind: 'failed',
              reason: error instanceof Error ? error.message : String(error),
              staleSocket: false,
              timedOut: error instanceof HttpTimeoutError,
            };
          }
        },
        discard: () => {},
      },
    );
    if (outcome.kind === 'answered') {
      const headersOut = new Headers(outcome.answer.headers);
      headersOut.set('x-meridian-attempts', String(outcome.attempts));
      return new Response(outcome.answer.text, { status: outcome.status, headers: headersOut });
    }
    return new Response(noRegionProblem(outcome), {
      status: 502,
      headers: {
        'content-type': 'application/problem+json',
        'x-meridian-attempts': String(outcome.attempts),
      },
    });
  });
  network.serve(FRONT_DOOR, runtime.process, app.fetch);
  checker.start();
  return { checker };
}
