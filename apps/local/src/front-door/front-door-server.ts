import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type FrontDoorProblem, rawProblemResponse } from './http-problem';

export interface ServerTimeouts {
  /** Time a client has to send the request line and headers. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included. */
  requestTimeoutMs: number;
}

/** Ample for a person or a tool on a working network; a client slower than this is holding a socket. */
export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000 };

/** What the HTTP parser's complaint about a request means for its client. */
function problemFor(error: NodeJS.ErrnoException): FrontDoorProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'headers_too_large',
        detail: 'The request line and headers are limited to 16 KiB.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request_timeout',
        detail: 'The request (headers and body) did not arrive in time.',
      };
    default:
      return { status: 400, code: 'malformed_request', detail: 'The request is not valid HTTP/1.1.' };
  }
}

/**
 * The front door's node:http server: slow clients are cut off (headers and whole-request timeouts, checked
 * every second instead of Node's 30 s), and requests the HTTP parser refuses (oversized headers, bad
 * syntax, timeouts) get a problem+json answer like every other refusal.
 */
export function createFrontDoorServer(
  listener: (incoming: IncomingMessage, res: ServerResponse) => void,
  timeouts: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS,
): Server {
  const server = createServer(
    {
      keepAliveTimeout: 65_000,
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(timeouts.headersTimeoutMs / 4))),
    },
    listener,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that left, or a socket already answering a request: nothing more can be said on it.
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(rawProblemResponse(problemFor(error)));
  });
  // The front door is no tunnel: CONNECT gets a problem rather than a silently closed connection.
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.end(
      rawProblemResponse({
        status: 405,
        code: 'method_not_allowed',
        detail: 'The front door does not tunnel (CONNECT).',
      }),
    );
  });
  return server;
}
