import { type HttpAnswer, type HttpCall, type HttpClient, HttpTimeoutError } from '@meridian/adapters-node';
import type { Scheduler, SimProcess } from '../kernel/scheduler';
import type { Trace } from '../kernel/trace';
import { SimRequest } from './sim-request';

/** What a process serving HTTP answers with: a Hono app's `fetch`. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** The fate of one message on one link, drawn when it is sent. */
export interface MessageFate {
  /** Dropped on the way (a partition or loss): never arrives. */
  lost: boolean;
  /** How long it takes to arrive. */
  latencyMs: number;
  /** Delivered a second time this much later (a retrying proxy, a duplicated packet), or never. */
  duplicateAfterMs?: number;
}

/** Decides each message's fate from the fault plan: `from` and `to` are process names. */
export type LinkPolicy = (from: string, to: string, kind: 'request' | 'response') => MessageFate;

export interface SimAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** The process named `name` is not up: a refused connection, as a real client would see it. */
export class ConnectionRefusedError extends Error {
  constructor(name: string) {
    super(`connect ECONNREFUSED ${name}`);
    this.name = 'ConnectionRefusedError';
  }
}

interface Endpoint {
  process: SimProcess;
  fetch: FetchHandler;
}

/**
 * A region process answers with @hono/node-server's lightweight Response, which keeps a string body as
 * it was given and writes it to the socket as is; read that way here too (undici's streams would cost
 * more than the exchange), or through `text()` for any other response.
 */
async function bodyText(response: Response): Promise<string> {
  const cache = lightweightBody(response);
  return typeof cache === 'string' ? cache : response.text();
}

let cacheSymbol: symbol | undefined;

function lightweightBody(response: Response): unknown {
  cacheSymbol ??= Object.getOwnPropertySymbols(response).find((symbol) => symbol.description === 'cache');
  if (cacheSymbol === undefined) return undefined;
  const cached = (response as unknown as Record<symbol, unknown>)[cacheSymbol];
  return Array.isArray(cached) ? cached[1] : undefined;
}

/** `http://<process>.sim/…` names a simulated process. */
export function simUrl(process: string): string {
  return `http://${process}.sim`;
}

/** The process a URL names and the path (with its query) it asks for. */
function splitUrl(url: string): { target: string; path: string } {
  const scheme = url.indexOf('://');
  const hostStart = scheme < 0 ? 0 : scheme + 3;
  const slash = url.indexOf('/', hostStart);
  const authority = slash < 0 ? url.slice(hostStart) : url.slice(hostStart, slash);
  const colon = authority.indexOf(':');
  const host = colon < 0 ? authority : authority.slice(0, colon);
  return {
    target: host.endsWith('.sim') ? host.slice(0, -4) : host,
    path: slash < 0 ? '' : url.slice(slash),
  };
}

/**
 * Every HTTP exchange between simulated processes, in process: a request is a task delivered to the
 * serving process after the link's latency (or lost, or delivered twice), the Hono app answers it as
 * that process, and the answer is a task delivered back (or lost after the effect applied). Timeouts are
 * the caller's timers; a crashed caller never hears back; a crashed or stopped server refuses.
 */
export class SimNetwork {
  private readonly endpoints = new Map<string, Endpoint>();
  private exchanges = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly trace: Trace,
    private readonly policy: LinkPolicy,
    /** Rewrites a served answer before it leaves (the simulator's replication-cursor bug). */
    private readonly rewriteAnswer?: (from: string, to: string, path: string, text: string) => string,
  ) {}

  /** `process` serves HTTP at simUrl(name) until it stops or crashes. */
  serve(name: string, process: SimProcess, fetch: FetchHandler): void {
    this.endpoints.set(name, { process, fetch });
  }

  stopServing(name: string): void {
    this.endpoints.delete(name);
  }

  get messages(): number {
    return this.exchanges;
  }

  /** The HTTP client port for code running as `process`. */
  client(process: SimProcess): HttpClient {
    return {
      call: async (call: HttpCall): Promise<HttpAnswer> => {
        const answer = await this.exchange(process, call);
        return { status: answer.status, text: answer.text };
      },
    };
  }

  exchange(caller: SimProcess, call: HttpCall): Promise<SimAnswer> {
    const { target, path } = splitUrl(call.url);
    const id = ++this.exchanges;
    const incarnation = caller.incarnation;
    // Written only when something is recorded (most exchanges record nothing).
    const describe = () => `#${id} ${call.method} ${target}${path.split('?')[0]}`;
    return new Promise<SimAnswer>((resolve, reject) => {
      let settled = false;
      const serverAborts: Array<{ request: SimRequest; process: SimProcess; incarnation: number }> = [];
      const finish = (outcome: { answer: SimAnswer } | { error: unknown }) => {
        if (settled) return;
        settled = true;
        this.scheduler.cancel(timeout);
        call.signal?.removeEventListener('abort', onAbort);
        if ('answer' in outcome) resolve(outcome.answer);
        else reject(outcome.error);
      };
      // The caller gives up: the server notices the closed connection once the news reaches it.
      const hangUp = () => {
        const fate = this.policy(caller.name, target, 'request');
        for (const { request, process, incarnation: serving } of serverAborts)
          this.scheduler.schedule(process, fate.latencyMs, () => {
            // Only the incarnation that took the request can notice its caller left.
            if (process.incarnation === serving) request.abort(new Error('client closed the connection'));
          });
      };
      const timeout = this.scheduler.schedule(caller, Math.max(1, call.timeoutMs), () => {
        this.record(caller, `${describe()} timed out after ${call.timeoutMs} ms`);
        finish({ error: new HttpTimeoutError(call.method, call.url, call.timeoutMs) });
        hangUp();
      });
      const onAbort = () => {
        finish({ error: call.signal?.reason ?? new Error('aborted') });
        hangUp();
      };
      if (call.signal?.aborted) {
        onAbort();
        return;
      }
      call.signal?.addEventListener('abort', onAbort, { once: true });

      const answerBack = (answer: SimAnswer | undefined, error?: unknown) => {
        const fate = this.policy(target, caller.name, 'response');
        if (fate.lost) {
          this.record(caller, `${describe()} answer ${answer?.status ?? 'error'} lost`);
          return;
        }
        // Scheduled as the caller's incarnation: a caller that crashed meanwhile never hears back.
        this.scheduler.schedule(caller, fate.latencyMs, () => {
          if (caller.incarnation !== incarnation) return;
          if (answer) finish({ answer });
          else finish({ error });
        });
      };

      const deliver = (copy: 'first' | 'duplicate') => {
        const endpoint = this.endpoints.get(target);
        if (!endpoint?.process.up) {
          if (copy === 'first') {
            this.record(caller, `${describe()} refused (${target} is down)`);
            answerBack(undefined, new ConnectionRefusedError(target));
          }
          return;
        }
        // A frozen process reads its socket when it wakes.
        const frozenUntil = endpoint.process.frozenUntil;
        if (frozenUntil !== undefined && frozenUntil > this.scheduler.now) {
          this.scheduler.schedule(undefined, frozenUntil - this.scheduler.now, () => deliver(copy));
          return;
        }
        // The request is served as the process that receives it: its timers, clock and randomness.
        this.scheduler.enter(endpoint.process);
        const request = new SimRequest(call.url, call.method, call.headers, call.body);
        serverAborts.push({ request, process: endpoint.process, incarnation: endpoint.process.incarnation });
        const serving = endpoint.process;
        const servingIncarnation = serving.incarnation;
        Promise.resolve()
          // A Request-shaped object (see SimRequest): the app reads only what a Request offers.
          .then(() => endpoint.fetch(request as unknown as Request))
          .then(async (response) => {
            const text = await bodyText(response);
            // A server that crashed while answering sends nothing.
            if (!serving.up || serving.incarnation !== servingIncarnation) return;
            if (copy === 'duplicate') return;
            const body = this.rewriteAnswer ? this.rewriteAnswer(caller.name, target, path, text) : text;
            answerBack({
              status: response.status,
              // Read only by the few callers that need a header (the front door, the customers).
              get headers() {
                return response.headers;
              },
              text: body,
            });
          })
          .catch((error: unknown) => {
            if (!serving.up || serving.incarnation !== servingIncarnation || copy === 'duplicate') return;
            answerBack({ status: 500, headers: new Headers(), text: String(error) });
          });
      };

      const fate = this.policy(caller.name, target, 'request');
      if (fate.lost) {
        this.record(caller, `${describe()} lost on the way`);
        return;
      }
      this.scheduler.schedule(undefined, fate.latencyMs, () => deliver('first'));
      if (fate.duplicateAfterMs !== undefined) {
        this.record(caller, `${describe()} duplicated`);
        this.scheduler.schedule(undefined, fate.latencyMs + fate.duplicateAfterMs, () =>
          deliver('duplicate'),
        );
      }
    });
  }

  /**
   * A call to an in-process stand-in for an outside service (the carrier), over the same faulty links:
   * `serve` runs as the `target` process after the request's latency, and its result or error comes back
   * after the answer's; a lost message becomes the caller's timeout.
   */
  rpc<T>(
    caller: SimProcess,
    target: SimProcess,
    what: string,
    timeoutMs: number,
    serve: () => Promise<T>,
    timeoutError: () => Error,
  ): Promise<T> {
    const id = ++this.exchanges;
    const incarnation = caller.incarnation;
    const describe = () => `#${id} ${what} ${target.name}`;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        this.scheduler.cancel(timeout);
        settle();
      };
      const timeout = this.scheduler.schedule(caller, timeoutMs, () => {
        this.record(caller, `${describe()} timed out after ${timeoutMs} ms`);
        finish(() => reject(timeoutError()));
      });
      const back = (settle: () => void, status: string) => {
        const fate = this.policy(target.name, caller.name, 'response');
        if (fate.lost) {
          this.record(caller, `${describe()} answer ${status} lost`);
          return;
        }
        this.scheduler.schedule(caller, fate.latencyMs, () => {
          if (caller.incarnation === incarnation) finish(settle);
        });
      };
      const request = this.policy(caller.name, target.name, 'request');
      if (request.lost) {
        this.record(caller, `${describe()} lost on the way`);
        return;
      }
      const arrive = () => {
        if (target.frozenUntil !== undefined && target.frozenUntil > this.scheduler.now) {
          this.scheduler.schedule(undefined, target.frozenUntil - this.scheduler.now, arrive);
          return;
        }
        if (!target.up) {
          back(() => reject(new ConnectionRefusedError(target.name)), 'refused');
          return;
        }
        this.scheduler.enter(target);
        serve().then(
          (value) => back(() => resolve(value), 'ok'),
          (error: unknown) => back(() => reject(error), 'error'),
        );
      };
      this.scheduler.schedule(undefined, request.latencyMs, arrive);
    });
  }

  private record(caller: SimProcess, text: string): void {
    this.trace.record(this.scheduler.elapsed, caller.name, text);
  }
}
