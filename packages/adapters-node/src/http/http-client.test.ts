import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchHttpClient, HttpTimeoutError, PooledHttpClient } from './http-client';

const servers: Server[] = [];
const clients: PooledHttpClient[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function pooled(): PooledHttpClient {
  const client = new PooledHttpClient();
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('PooledHttpClient', () => {
  it('sends method, headers and body and returns the status and text, reusing one connection', async () => {
    const seen: Array<{ method?: string; type?: string; key?: string; body: string; socket: unknown }> = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          type: req.headers['content-type'],
          key: req.headers['idempotency-key'] as string | undefined,
          body,
          socket: req.socket,
        });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const client = pooled();
    for (const n of [1, 2]) {
      const answer = await client.call({
        method: 'POST',
        url: `${url}/v1/things`,
        headers: { 'content-type': 'application/json', 'idempotency-key': `k${n}` },
        body: JSON.stringify({ n, text: 'déjà vu' }),
        timeoutMs: 1_000,
      });
      expect(answer).toEqual({ status: 201, text: '{"ok":true}' });
    }
    expect(seen.map(({ socket, ...rest }) => rest)).toEqual([
      { method: 'POST', type: 'application/json', key: 'k1', body: '{"n":1,"text":"déjà vu"}' },
      { method: 'POST', type: 'application/json', key: 'k2', body: '{"n":2,"text":"déjà vu"}' },
    ]);
    expect(seen[0]?.socket).toBe(seen[1]?.socket);
  });

  it('fails with HttpTimeoutError when the answer takes longer than the budget', async () => {
    const url = await serve(() => {
      // Never answers.
    });
    await expect(pooled().call({ method: 'GET', url, timeoutMs: 50 })).rejects.toBeInstanceOf(
      HttpTimeoutError,
    );
  });

  it('stops when its signal aborts, with the signal’s reason', async () => {
    const url = await serve(() => {});
    const controller = new AbortController();
    const call = pooled().call({ method: 'GET', url, timeoutMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stopping')), 20);
    await expect(call).rejects.toThrow('stopping');
  });

  /**
   * A server that reads the second request on each connection and then drops the connection, as one that
   * closed an idle socket (or died) would look to the client. Answers `answer <n>` to the others.
   */
  async function serveDroppingSecondRequests(): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    const served = new WeakMap<object, number>();
    const url = await serve((req, res) => {
      requests++;
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count > 1) req.socket.destroy();
      else res.end(`answer ${requests}`);
    });
    return { url, requests: () => requests };
  }

  it('sends again on a fresh socket when a kept-alive socket turns out to be closed', async () => {
    const { url, requests } = await serveDroppingSecondRequests();
    const client = pooled();
    expect(await client.call({ method: 'GET', url, timeoutMs: 1_000 })).toEqual({
      status: 200,
      text: 'answer 1',
    });
    expect(await client.call({ method: 'GET', url, timeoutMs: 1_000 })).toEqual({
      status: 200,
      text: 'answer 3',
    });
    expect(requests()).toBe(3);
  });

  it('does not send again a call that may not be repeated (the server may have applied it)', async () => {
    const { url, requests } = await serveDroppingSecondRequests();
    const client = pooled();
    const post = { method: 'POST' as const, url, body: '{}', timeoutMs: 1_000 };
    expect((await client.call(post)).status).toBe(200);
    await expect(client.call(post)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(requests()).toBe(2);
    // Marked idempotent (an idempotency key), the same call is sent again on a fresh socket.
    expect((await client.call(post)).status).toBe(200);
    expect((await client.call({ ...post, idempotent: true })).status).toBe(200);
    expect(requests()).toBe(5);
  });

  it('speaks TLS to an https URL (a plain HTTP server then fails the handshake)', async () => {
    const url = await serve((_req, res) => res.end('plain'));
    const failure = await pooled()
      .call({ method: 'GET', url: url.replace('http:', 'https:'), timeoutMs: 1_000 })
      .catch((error: NodeJS.ErrnoException) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as NodeJS.ErrnoException).code).toMatch(/^(EPROTO|ERR_SSL_)/);
  });

  it('reports a refused connection as an error', async () => {
    const url = await serve(() => {});
    const [server] = servers.splice(0);
    await new Promise((resolve) => server?.close(resolve));
    await expect(pooled().call({ method: 'GET', url, timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('FetchHttpClient', () => {
  it('turns its own timeout into HttpTimeoutError', async () => {
    const never = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      )) as typeof fetch;
    await expect(
      new FetchHttpClient(never).call({ method: 'GET', url: 'http://x.test', timeoutMs: 20 }),
    ).rejects.toBeInstanceOf(HttpTimeoutError);
  });
});
