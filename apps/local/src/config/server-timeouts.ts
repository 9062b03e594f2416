import type { ServerOptions } from 'node:http';

export interface ServerTimeouts {
  /** Time a client has to send the request line and headers. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included. */
  requestTimeoutMs: number;
}

/** Ample for a person or a tool on a working network; a client slower than this is holding a socket. */
export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000 };

/**
 * node:http options that cut off clients sending their request too slowly (408), checked every second
 * instead of Node's 30 s. Every server of local mode uses them: slow clients must not hold sockets.
 */
export function slowClientLimits(timeouts: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS): ServerOptions {
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(timeouts.headersTimeoutMs / 4))),
  };
}
