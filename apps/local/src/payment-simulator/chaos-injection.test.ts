import { HttpPaymentProvider } from '@meridian/adapters-node';
import { TransientError } from '@meridian/domain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type LedgerRowJson,
  ledgerFor,
  postJson,
  startTestSimulator,
  type TestSimulator,
  unique,
} from './test-kit';

// Scripted draws for the injected random source; once empty it draws 0.5, so only errorRate decides.
const draws: number[] = [];
let simulator: TestSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator({ random: () => draws.shift() ?? 0.5 });
});

afterEach(async () => {
  draws.length = 0;
  await setChaos({ latencyMs: 0, errorRate: 0 });
});

afterAll(async () => {
  await simulator.dispose();
});

async function setChaos(chaos: { latencyMs?: number; errorRate?: number }): Promise<Response> {
  return fetch(`${simulator.url}/v1/chaos`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(chaos),
  });
}

async function waitForLedgerRows(orderId: string, count: number): Promise<LedgerRowJson[]> {
  for (let waited = 0; waited < 5000; waited += 25) {
    const rows = await ledgerFor(simulator.url, orderId);
    if (rows.length >= count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return ledgerFor(simulator.url, orderId);
}

function authorizeRequest(orderId: string) {
  return {
    idempotencyKey: unique('auth'),
    orderId,
    amountMinor: 1200,
    currency: 'EUR',
    paymentMethod: 'pm_card_visa',
  };
}

describe('chaos injection', () => {
  it('reads and changes the chaos settings at run time, rejecting bad values', async () => {
    const updated = await setChaos({ errorRate: 0.25 });
    const invalid = await setChaos({ errorRate: 2 });
    const current = await (await fetch(`${simulator.url}/v1/chaos`)).json();

    expect(updated.status).toBe(200);
    expect(invalid.status).toBe(400);
    expect(current).toEqual({ latencyMs: 0, errorRate: 0.25 });
  });

  it('fails writes before any effect at errorRate 1, and the same key succeeds once at errorRate 0', async () => {
    const provider = new HttpPaymentProvider({ baseUrl: simulator.url });
    const orderId = unique('order');
    const request = authorizeRequest(orderId);
    await setChaos({ errorRate: 1 });

    await expect(provider.authorize(request)).rejects.toBeInstanceOf(TransientError);
    await expect(provider.authorize(request)).rejects.toBeInstanceOf(TransientError);
    const ledgerDuringOutage = await ledgerFor(simulator.url, orderId);
    await setChaos({ errorRate: 0 });
    const result = await provider.authorize(request);
    const again = await provider.authorize(request);

    expect(ledgerDuringOutage).toEqual([]);
    expect(again).toEqual(result);
    expect((await ledgerFor(simulator.url, orderId)).map((row) => row.id)).toEqual([result.operationId]);
  });

  it('fails a request exactly when the injected random draw is below errorRate', async () => {
    const orderId = unique('order');
    const body = { amount: 100, currency: 'EUR', payment_method: 'pm_card_visa', order_id: orderId };
    await setChaos({ errorRate: 0.5 });
    draws.push(0.49, 0.5);

    const failed = await postJson(simulator.url, '/v1/authorizations', body, unique('k'));
    const passed = await postJson(simulator.url, '/v1/authorizations', body, unique('k'));

    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ error: { type: 'api_error' } });
    expect(passed.status).toBe(201);
  });

  it('never fails reads or the health check', async () => {
    await setChaos({ errorRate: 1 });

    const ledger = await fetch(`${simulator.url}/v1/ledger`);
    const health = await fetch(`${simulator.url}/health`);

    expect(ledger.status).toBe(200);
    expect(health.status).toBe(200);
  });

  it('delays requests past the client timeout; the abandoned request still applies and the retry replays it', async () => {
    const impatient = new HttpPaymentProvider({ baseUrl: simulator.url, timeoutMs: 50 });
    const orderId = unique('order');
    const request = authorizeRequest(orderId);
    await setChaos({ latencyMs: 300 });

    const timedOut = await impatient.authorize(request).catch((e: unknown) => e);
    await setChaos({ latencyMs: 0 });
    // A timeout says nothing about the outcome: the delayed request is applied once its latency ends.
    const ledgerAfterTimeout = await waitForLedgerRows(orderId, 1);
    const retried = await impatient.authorize(request);

    expect(timedOut).toBeInstanceOf(TransientError);
    expect((timedOut as Error).message).toContain('within 50 ms');
    expect(ledgerAfterTimeout.map((row) => row.id)).toEqual([retried.operationId]);
    expect(await ledgerFor(simulator.url, orderId)).toHaveLength(1);
  });
});
