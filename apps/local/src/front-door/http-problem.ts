import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { SECURITY_HEADERS } from './security-headers';

export interface FrontDoorProblem {
  status: number;
  code: string;
  detail: string;
}

export function problemBody({ status, code, detail }: FrontDoorProblem): string {
  return JSON.stringify({
    type: `https://meridian.example/problems/${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    detail,
  });
}

/**
 * Answers with a problem+json on a node:http response. `close` ends the connection afterwards: used when
 * the request's body was not read (the connection cannot carry another request reliably).
 */
export function writeProblem(
  res: ServerResponse,
  problem: FrontDoorProblem,
  options: { headers?: Record<string, string>; close?: boolean } = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = problemBody(problem);
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(options.close ? { connection: 'close' } : {}),
    ...options.headers,
  });
  res.end(body);
}

/** A whole HTTP/1.1 answer as bytes, for a socket the HTTP parser gave up on (no ServerResponse exists). */
export function rawProblemResponse(problem: FrontDoorProblem): string {
  const body = problemBody(problem);
  const headers = {
    'content-type': 'application/problem+json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...SECURITY_HEADERS,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Whether a request announced a body (which is still unread when the front door refuses it early). */
export function hasBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
