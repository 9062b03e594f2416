import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Whole-call budget, including reading the answer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Whether sending the call twice is harmless (an idempotency key, an id the receiver de-duplicates
   * by). GETs are; a call that is not is never sent again on a fresh socket.
   */
  idempotent?: boolean;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** The call took longer than its budget. */
export class HttpTimeoutError extends Error {
  constructor(method: string, url: string, timeoutMs: number) {
    super(`no answer to ${method} ${url} within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/**
 * What the local adapters need from HTTP between the platform's own processes: one call, its status and
 * its text. Adapters take this port so tests can answer without a network.
 */
export interface HttpClient {
  call(call: HttpCall): Promise<HttpAnswer>;
}

/**
 * `node:http` (or `node:https`) with a keep-alive pool. Every saga step and replication poll makes such a
 * call, and `fetch` (undici with WHATWG streams, signals and Request objects) costs several times the
 * exchange itself.
 */
export class PooledHttpClient implements HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });
  private readonly tlsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });

  async call(call: HttpCall): Promise<HttpAnswer> {
    // A budget is elapsed time: the monotonic clock, which a wall-clock step cannot stretch or cut.
    const deadline = performance.now() + call.timeoutMs;
    try {
      return await this.once(call);
    } catch (error) {
      // A kept-alive socket reset before any answer: usually the peer closed it while idle and never saw
      // the request (Node's advice is to send it again on a fresh socket), but it may also have read it
      // and died, so only a call that may be repeated is sent again, within what is left of its budget.
      const repeatable = call.method === 'GET' || call.idempotent === true;
      const left = deadline - performance.now();
      if (error instanceof StaleSocketError && repeatable && left > 0)
        return this.once({ ...call, timeoutMs: left });
      throw error instanceof StaleSocketError ? error.cause : error;
    }
  }

  close(): void {
    this.agent.destroy();
    this.tlsAgent.destroy();
  }

  private once({ method, url, headers = {}, body, timeoutMs, signal }: HttpCall): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const tls = url.startsWith('https:');
      const outgoing = (tls ? httpsRequest : httpRequest)(url, {
        method,
        agent: tls ? this.tlsAgent : this.agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      });
      const onAbort = () =>
        outgoing.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(
        () => outgoing.destroy(new HttpTimeoutError(method, url, timeoutMs)),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      let responded = false;
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        settle();
        const stale = outgoing.reusedSocket && error.code === 'ECONNRESET' && !responded;
        reject(stale ? new StaleSocketError(error.message, { cause: error }) : error);
      });
      outgoing.on('response', (response) => {
        responded = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => {
          settle();
          reject(error);
        });
        response.on('end', () => {
          settle();
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      outgoing.end(body);
    });
  }
}

class StaleSocketError extends Error {}

/** The same port over a `fetch` function (tests pass fakes; other runtimes have only fetch). */
export class FetchHttpClient implements HttpClient {
  constructor(private readonly fetchImpl: typeof fetch = fetch) {}

  async call({ method, url, headers, body, timeoutMs, signal }: HttpCall): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await this.fetchImpl(url, {
        method,
        ...(headers ? { headers } : {}),
        ...(body === undefined ? {} : { body }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (timeout.aborted && !signal?.aborted) throw new HttpTimeoutError(method, url, timeoutMs);
      throw error;
    }
  }
}

/** A client from an adapter's options: the injected fetch (tests) or the pooled client. */
export function httpClientFrom(options: { http?: HttpClient; fetch?: typeof fetch }): HttpClient {
  if (options.http) return options.http;
  return options.fetch ? new FetchHttpClient(options.fetch) : new PooledHttpClient();
}
