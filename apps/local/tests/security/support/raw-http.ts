import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Parsed when the body is JSON (problem+json included). */
  json: unknown;
  ms: number;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given: no URL parser normalizes `..`, escapes or backslashes on the way. */
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The local address to connect from (127.0.0.2 …), to stand for another client. */
  from?: string;
  timeoutMs?: number;
}

/**
 * One HTTP/1.1 request over a fresh socket, written byte for byte (fetch would resolve `..` and escapes
 * before sending, hiding what an attacker sends). Resolves when the server closes the connection or the
 * announced body arrived; rejects on timeout, so a hang is a failure.
 */
export function rawRequest(url: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = {
    host: `${hostname}:${port}`,
    connection: 'close',
    ...(body === undefined ? {} : { 'content-length': String(body.length) }),
    ...request.headers,
  };
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n`;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      ...(request.from ? { localAddress: request.from } : {}),
    });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      try {
        resolve(parseResponse(Buffer.concat(chunks), Date.now() - started));
      } catch (parseError) {
        reject(parseError);
      }
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `${request.method} ${request.target}: no complete answer within ${request.timeoutMs ?? 10_000} ms`,
          ),
        ),
      request.timeoutMs ?? 10_000,
    );
    socket.on('connect', () => {
      // Header values travel as bytes: a test writes any byte 0-255 as that latin1 character.
      socket.write(head, 'latin1');
      if (body) socket.write(body);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks))) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (error) => (chunks.length > 0 ? finish() : finish(error)));
  });
}

function isComplete(data: Buffer): boolean {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(data.subarray(0, end).toString('latin1'))?.[1];
  return length !== undefined && data.length >= end + 4 + Number(length);
}

function parseResponse(data: Buffer, ms: number): RawResponse {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0)
    throw new Error(`not an HTTP response: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  const text = body.toString('utf8');
  let json: unknown;
  if (/json/.test(headers['content-type'] ?? '') && text) json = JSON.parse(text);
  return { status, headers, body: text, json, ms };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
