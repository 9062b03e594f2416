import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { DEFAULT_SERVER_TIMEOUTS, type ServerTimeouts, slowClientLimits } from '../config/server-timeouts';
import { type FrontDoorProblem, rawProblemResponse } from './http-problem';

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
  // Kept-alive connections stay open as long as a browser or CloudFront keeps them.
  const server = createServer({ ...slowClientLimits(timeouts), keepAliveTimeout: 65_000 }, listener);
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
