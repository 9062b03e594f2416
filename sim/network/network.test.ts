import { HttpTimeoutError } from '@meridian/adapters-node';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { Scheduler, type SimProcess } from '../kernel/scheduler';
import { Trace } from '../kernel/trace';
import { ConnectionRefusedError, type MessageFate, SimNetwork, simUrl } from './network';

function setup(fate: (from: string, to: string, kind: 'request' | 'response') => MessageFate) {
  const scheduler = new Scheduler(0, new Trace(false), () => {});
  const network = new SimNetwork(scheduler, new Trace(false), fate);
  const caller: SimProcess = { name: 'caller', index: 0, incarnation: 0, up: true };
  const server: SimProcess = { name: 'server', index: 1, incarnation: 0, up: true };
  const applied: string[] = [];
  const app = new Hono();
  app.post('/effects', async (c) => {
    applied.push(await c.req.text());
    return c.json({ ok: true, servedBy: c.req.header('x-who') ?? 'anyone' }, 201);
  });
  network.serve('server', server, app.fetch);
  const call = () =>
    network
      .client(caller)
      .call({ method: 'POST', url: `${simUrl('server')}/effects`, body: 'one', timeoutMs: 1_000 })
      .then(
        (answer) => ({ answer, at: scheduler.elapsed }),
        (error: unknown) => ({ error, at: scheduler.elapsed }),
      );
  return { scheduler, network, caller, server, applied, call };
}

const fine = (): MessageFate => ({ lost: false, latencyMs: 10 });

describe('SimNetwork', () => {
  it('delivers a request to the serving app and its answer back, each after the link latency', async () => {
    const { scheduler, applied, call } = setup(fine);
    const outcome = call();
    await scheduler.run(Number.POSITIVE_INFINITY);
    expect(await outcome).toEqual({
      answer: { status: 201, text: '{"ok":true,"servedBy":"anyone"}' },
      at: 20,
    });
    expect(applied).toEqual(['one']);
  });

  it('loses an answer after the effect applied: the caller times out although the server acted', async () => {
    const { scheduler, applied, call } = setup((_from, _to, kind) => ({
      lost: kind === 'response',
      latencyMs: 10,
    }));
    const outcome = call();
    await scheduler.run(Number.POSITIVE_INFINITY);
    const result = await outcome;
    expect('error' in result && result.error).toBeInstanceOf(HttpTimeoutError);
    expect(result.at).toBe(1_000);
    expect(applied).toEqual(['one']);
  });

  it('delivers a duplicated request twice and answers the caller once', async () => {
    const { scheduler, applied, call } = setup((_from, _to, kind) => ({
      lost: false,
      latencyMs: 10,
      ...(kind === 'request' ? { duplicateAfterMs: 5 } : {}),
    }));
    const outcome = call();
    await scheduler.run(Number.POSITIVE_INFINITY);
    expect('answer' in (await outcome)).toBe(true);
    expect(applied).toEqual(['one', 'one']);
  });

  it('refuses a call to a process that is down, and drops the answer to a caller that crashed', async () => {
    const { scheduler, server, caller, applied, call } = setup(fine);
    server.up = false;
    const refused = call();
    await scheduler.run(Number.POSITIVE_INFINITY);
    const result = await refused;
    expect('error' in result && result.error).toBeInstanceOf(ConnectionRefusedError);

    server.up = true;
    let settled = false;
    void call().then(() => {
      settled = true;
    });
    scheduler.schedule(undefined, 15, () => {
      caller.up = false;
      caller.incarnation++;
    });
    await scheduler.run(Number.POSITIVE_INFINITY);
    expect(applied).toEqual(['one']);
    expect(settled).toBe(false);
  });
});
