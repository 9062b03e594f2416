import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import { type Attempt, forwardWithFailover, noRegionProblem } from './failover';
import type { HealthChecker, RegionTarget } from './health-checker';
import { writeProblem } from './http-problem';
import type { RoutingPolicy } from './routing-policy';

export { DEADLINE_HEADER } from './failover';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'host',
  'upgrade',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
]);

export interface ProxyOptions {
  regions: readonly RegionTarget[];
  policy: RoutingPolicy;
  checker: HealthChecker;
  timeoutMs: number;
  /** The clock deadlines are stamped with (default Date.now). */
  now?: () => number;
  /** Called before each attempt (tests count where requests went). */
  onForward?: (region: RegionTarget) => void;
}

/**
 * Forwards an API request to the best region and, when that region fails and the request may be
 * repeated, to the next one. The answer says who served it (`x-meridian-region`, set by the region)
 * and how many regions were tried (`x-meridian-attempts`).
 *
 * Written on `node:http` with a keep-alive pool per front door rather than `fetch`: every order passes
 * through here, and the WHATWG Request/Response/stream layers cost several times the forwarding itself.
 */
export function createRegionProxy(options: ProxyOptions) {
  // Sockets to regions stay open between requests, as CloudFront keeps connections to its origins.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  // Parsed once: every request goes to one of these origins.
  const origins = new Map(options.regions.map((region) => [region.name, new URL(region.url)]));

  const attempt = (
    region: RegionTarget,
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
    body: Buffer | undefined,
  ) =>
    new Promise<Attempt<IncomingMessage>>((resolve) => {
      const origin = origins.get(region.name) ?? new URL(region.url);
      const outgoing = request(
        {
          hostname: origin.hostname,
          port: origin.port,
          path,
          method,
          headers,
          agent,
          timeout: options.timeoutMs,
        },
        (response) => resolve({ kind: 'answered', status: response.statusCode ?? 502, answer: response }),
      );
      let timedOut = false;
      outgoing.on('timeout', () => {
        timedOut = true;
        outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        resolve({
          kind: 'failed',
          reason: error.message,
          timedOut,
          // A kept-alive socket the region closed while idle: the request never reached it (Node's advice
          // is to send it again on a fresh socket).
          staleSocket: outgoing.reusedSocket && error.code === 'ECONNRESET',
        }),
      );
      outgoing.end(body);
    });

  const forward = async (incoming: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = incoming.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(incoming);
    const headers = forwardableHeaders(incoming.headers);
    // A GET or HEAD is forwarded without a body, so it must not announce one (the region would wait for it).
    if (body === undefined) delete headers['content-length'];
    else headers['content-length'] = String(body.length);
    const outcome = await forwardWithFailover<IncomingMessage>(
      { method, headers },
      {
        regions: options.regions,
        policy: options.policy,
        checker: options.checker,
        timeoutMs: options.timeoutMs,
        now: options.now ?? Date.now,
        ...(options.onForward ? { onForward: options.onForward } : {}),
        attempt: (region, attemptHeaders) =>
          attempt(region, method, incoming.url ?? '/', attemptHeaders, body),
        discard: (response) => response.resume(),
      },
    );
    if (outcome.kind === 'answered') {
      const { answer: response, status } = outcome;
      const answer = forwardableHeaders(response.headers);
      answer['x-meridian-attempts'] = String(outcome.attempts);
      // A client that has gone (now or later) must not leave the region's socket paused in the pool.
      if (res.destroyed) {
        response.destroy();
        return;
      }
      res.on('close', () => {
        if (!response.complete) response.destroy();
      });
      response.on('error', () => res.destroy());
      res.writeHead(status, answer);
      response.pipe(res);
      return;
    }
    const problem = noRegionProblem(outcome);
    res.writeHead(502, {
      'content-type': 'application/problem+json',
      'content-length': Buffer.byteLength(problem),
      'x-meridian-attempts': String(outcome.attempts),
    });
    res.end(problem);
  };

  return {
    forward(incoming: IncomingMessage, res: ServerResponse): void {
      forward(incoming, res).catch((error: unknown) => {
        const tooLarge = error instanceof BodyTooLargeError;
        writeProblem(
          res,
          tooLarge
            ? { status: 413, code: 'payload_too_large', detail: (error as Error).message }
            : {
                status: 400,
                code: 'unreadable_body',
                detail: `The request could not be read: ${error instanceof Error ? error.message : String(error)}`,
              },
          { close: true },
        );
      });
    },
    close(): void {
      agent.destroy();
    },
  };
}

export type RegionProxy = ReturnType<typeof createRegionProxy>;

function forwardableHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  // Headers the Connection header names are hop-by-hop too (RFC 9110 §7.6.1).
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) result[name] = value;
  }
  return result;
}

/** The front door buffers a body (to repeat it on another region); regions apply their own, smaller limit. */
const MAX_FORWARDED_BODY_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {}

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client receives the 413 instead of a reset;
      // a body far beyond it is cut off.
      if (size > 16 * MAX_FORWARDED_BODY_BYTES) {
        incoming.destroy(
          new BodyTooLargeError(`Request bodies are limited to ${MAX_FORWARDED_BODY_BYTES} bytes.`),
        );
      } else if (size <= MAX_FORWARDED_BODY_BYTES) chunks.push(chunk);
    });
    incoming.on('end', () =>
      size > MAX_FORWARDED_BODY_BYTES
        ? reject(new BodyTooLargeError(`Request bodies are limited to ${MAX_FORWARDED_BODY_BYTES} bytes.`))
        : resolve(Buffer.concat(chunks)),
    );
    incoming.on('error', reject);
    // The client left, or the server's request timeout cut a body that came too slowly.
    incoming.on('close', () => {
      if (!incoming.complete) reject(new Error('the body ended before its announced length'));
    });
  });
}
