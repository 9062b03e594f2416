import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchJson, fetchText, withTimeout } from './bounded';
import { loopbackServers } from './loopback-server';

const servers = loopbackServers();
afterEach(() => {
  vi.useRealTimers();
  return servers.closeAll();
});

/** A loopback server; `answer` may leave a request unanswered. */
const serve = servers.listen;

describe('withTimeout', () => {
  it('rejects with its message when the promise has not settled in time', async () => {
    vi.useFakeTimers();
    const never = new Promise<void>(() => {});
    const bounded = withTimeout(never, 10_000, 'the bare server was not up within 10 s');
    const settled = expect(bounded).rejects.toThrow('the bare server was not up within 10 s');
    await vi.advanceTimersByTimeAsync(10_000);
    await settled;
  });

  it('settles as the promise does when it is in time, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withTimeout(Promise.resolve(7), 10_000, 'late')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('own')), 10_000, 'late')).rejects.toThrow('own');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('fetchJson and fetchText', () => {
  it('fail, naming the request, when no answer comes in time', async () => {
    const url = await serve(() => {
      // Never answers.
    });
    await expect(fetchJson(`${url}/internal/status`, {}, 200)).rejects.toThrow(
      `GET ${url}/internal/status: no answer within 0.2 s`,
    );
  });

  it('bound the body too, not only the headers', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    });
    await expect(fetchJson(`${url}/status`, {}, 200)).rejects.toThrow('no answer within 0.2 s');
  });

  it('fail on a status other than 2xx, with the status and the body', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(404);
      response.end('no such region');
    });
    await expect(fetchText(`${url}/regions/x/kill`, { method: 'POST' })).rejects.toThrow(
      `POST ${url}/regions/x/kill answered 404: no such region`,
    );
  });

  it('fail, naming the request, when nothing listens', async () => {
    const url = await serve(() => {});
    await servers.closeAll();
    await expect(fetchText(`${url}/status`)).rejects.toThrow(
      `GET ${url}/status failed: connect ECONNREFUSED`,
    );
  });

  it('give the parsed answer', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"serving":"us-east-1"}');
    });
    await expect(fetchJson<{ serving: string }>(`${url}/frontdoor/status`)).resolves.toEqual({
      serving: 'us-east-1',
    });
  });
});
