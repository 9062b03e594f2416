import { HttpTimeoutError } from '@meridian/adapters-node';
import { bearerCredential } from '@meridian/local/auth/local-secrets';
import {
  type ClientLimitSettings,
  ClientLimits,
  tooManyRequests,
} from '@meridian/local/front-door/client-limits';
import { forwardWithFailover, noRegionProblem } from '@meridian/local/front-door/failover';
import { HealthChecker } from '@meridian/local/front-door/health-checker';
import { type FrontDoorProblem, problemBody } from '@meridian/local/front-door/http-problem';
import type { RoutingPolicy } from '@meridian/local/front-door/routing-policy';
import { Hono } from 'hono';
import type { ProcessRuntime } from '../kernel/process-runtime';
import type { SimAnswer, SimNetwork } from '../network/network';
import { simUrl } from '../network/network';

export const FRONT_DOOR = 'front-door';
/** The address a simulated customer connects from (what the front door reads off the socket). */
export const CLIENT_ADDRESS_HEADER = 'x-sim-client-address';

/**
 * The front door's rate limits, routing and failover (the same `ClientLimits`, `forwardWithFailover` and
 * `HealthChecker` the front-door process runs, on the process's simulated clock) as a simulated process:
 * an /api/v1 request over its client's or its user's rate is answered 429 with Retry-After before it
 * goes anywhere; the others go to the best healthy region over the simulated network, and on to the
 * next when one fails.
 */
export function startFrontDoor(options: {
  runtime: ProcessRuntime;
  network: SimNetwork;
  regions: readonly string[];
  policy: RoutingPolicy;
  healthIntervalMs: number;
  failureThreshold: number;
  timeoutMs: number;
  limits: ClientLimitSettings;
  /** The user a bearer token names (the front door limits each user, whatever address they use). */
  subjectOf: (token: string) => Promise<string | undefined>;
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
  const limits = new ClientLimits(options.limits, () => runtime.clock.now());
  const refuse = (problem: FrontDoorProblem, headers: Record<string, string>) =>
    new Response(problemBody(problem), {
      status: problem.status,
      headers: { 'content-type': 'application/problem+json', ...headers },
    });
  const app = new Hono();
  app.all('/api/v1/*', async (c) => {
    // The address first, as the front door does: a flood of forged tokens is limited before any check.
    const byAddress = limits.admitAddress(c.req.header(CLIENT_ADDRESS_HEADER) ?? 'unknown');
    if (!byAddress.admitted) {
      const refusal = tooManyRequests(byAddress, 'client address');
      return refuse(refusal.problem, refusal.headers);
    }
    const token = bearerCredential(c.req.header('authorization'));
    const subject = token === undefined ? undefined : await options.subjectOf(token);
    const byPrincipal = subject === undefined ? undefined : limits.admitPrincipal(subject);
    if (byPrincipal && !byPrincipal.admitted) {
      const refusal = tooManyRequests(byPrincipal, 'user');
      return refuse(refusal.problem, refusal.headers);
    }
    const method = c.req.method;
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.text();
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      if (name !== 'host' && name !== 'content-length' && name !== CLIENT_ADDRESS_HEADER)
        headers[name] = value;
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
