import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaymentSimulator } from './server';
import { ledgerFor, postJson, startTestSimulator, type TestSimulator, unique } from './test-kit';

let simulator: TestSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.dispose();
});

function authorizationBody(orderId: string, paymentMethod = 'pm_card_visa') {
  return { amount: 2500, currency: 'USD', payment_method: paymentMethod, order_id: orderId };
}

describe('idempotency keys', () => {
  it('requires an Idempotency-Key and records nothing without one', async () => {
    const orderId = unique('order');

    const response = await postJson(simulator.url, '/v1/authorizations', authorizationBody(orderId));

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'idempotency_key_missing' } });
    expect(await ledgerFor(simulator.url, orderId)).toEqual([]);
  });

  it('replays the first response for the same key and body, whatever the key order', async () => {
    const orderId = unique('order');
    const key = unique('key');
    const body = authorizationBody(orderId);
    const reordered = {
      order_id: body.order_id,
      payment_method: body.payment_method,
      currency: 'USD',
      amount: 2500,
    };

    const first = await postJson(simulator.url, '/v1/authorizations', body, key);
    const second = await postJson(simulator.url, '/v1/authorizations', reordered, key);

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(await first.text());
    expect(await ledgerFor(simulator.url, orderId)).toHaveLength(1);
  });

  it('refuses the same key with a different body and changes nothing', async () => {
    const orderId = unique('order');
    const key = unique('key');
    await postJson(simulator.url, '/v1/authorizations', authorizationBody(orderId), key);

    const response = await postJson(
      simulator.url,
      '/v1/authorizations',
      { ...authorizationBody(orderId), amount: 1 },
      key,
    );

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'idempotency_error' } });
    const ledger = await ledgerFor(simulator.url, orderId);
    expect(ledger.map((row) => row.amount)).toEqual([2500]);
  });

  it('replays a decline without recording a second one', async () => {
    const orderId = unique('order');
    const key = unique('key');
    const body = authorizationBody(orderId, 'pm_card_chargeDeclinedInsufficientFunds');

    const first = await postJson(simulator.url, '/v1/authorizations', body, key);
    const second = await postJson(simulator.url, '/v1/authorizations', body, key);

    expect(first.status).toBe(402);
    expect(await first.json()).toEqual({
      error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      },
    });
    expect(second.status).toBe(402);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await ledgerFor(simulator.url, orderId)).toHaveLength(1);
  });

  it('stores nothing for an invalid body, so the key stays usable', async () => {
    const orderId = unique('order');
    const key = unique('key');

    const invalid = await postJson(
      simulator.url,
      '/v1/authorizations',
      { ...authorizationBody(orderId), amount: 10.5 },
      key,
    );
    const valid = await postJson(simulator.url, '/v1/authorizations', authorizationBody(orderId), key);

    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'amount' } });
    expect(valid.status).toBe(201);
    expect(valid.headers.get('idempotent-replayed')).toBeNull();
    expect(await ledgerFor(simulator.url, orderId)).toHaveLength(1);
  });

  it('rejects unknown parameters and a non-object body without storing anything', async () => {
    const orderId = unique('order');
    const key = unique('key');

    const unknownParam = await postJson(
      simulator.url,
      '/v1/authorizations',
      { ...authorizationBody(orderId), tip: 5 },
      key,
    );
    const notAnObject = await postJson(
      simulator.url,
      '/v1/authorizations',
      [authorizationBody(orderId)],
      key,
    );

    expect(unknownParam.status).toBe(400);
    expect(await unknownParam.json()).toMatchObject({ error: { code: 'parameter_unknown' } });
    expect(notAnObject.status).toBe(400);
    expect(await notAnObject.json()).toMatchObject({ error: { code: 'body_invalid' } });
    expect(await ledgerFor(simulator.url, orderId)).toEqual([]);
  });

  it('scopes keys per endpoint and resource', async () => {
    const orderId = unique('order');
    const key = unique('key');
    const authorized = await postJson(simulator.url, '/v1/authorizations', authorizationBody(orderId), key);
    const { id } = (await authorized.json()) as { id: string };

    const captured = await postJson(simulator.url, `/v1/authorizations/${id}/capture`, { amount: 2500 }, key);

    expect(captured.status).toBe(200);
    expect(captured.headers.get('idempotent-replayed')).toBeNull();
    expect(await captured.json()).toMatchObject({
      object: 'capture',
      status: 'captured',
      authorization_id: id,
    });
    const ledger = await ledgerFor(simulator.url, orderId);
    expect(ledger.map((row) => [row.type, row.idempotency_key])).toEqual([
      ['authorization', key],
      ['capture', key],
    ]);
  });
});

describe('ledger listing', () => {
  it('pages in creation order with a starting_after cursor and filters by type', async () => {
    const orderId = unique('order');
    for (const key of ['a', 'b', 'c']) {
      await postJson(simulator.url, '/v1/authorizations', authorizationBody(orderId), unique(key));
    }
    await postJson(
      simulator.url,
      '/v1/authorizations',
      authorizationBody(orderId, 'pm_card_chargeDeclined'),
      unique('d'),
    );
    const all = await ledgerFor(simulator.url, orderId);

    const page1 = await (await fetch(`${simulator.url}/v1/ledger?order_id=${orderId}&limit=2`)).json();
    const cursor = all[1]?.id ?? '';
    const page2 = await (
      await fetch(`${simulator.url}/v1/ledger?order_id=${orderId}&limit=2&starting_after=${cursor}`)
    ).json();
    const declines = await (
      await fetch(`${simulator.url}/v1/ledger?order_id=${orderId}&type=decline`)
    ).json();

    expect(all.map((row) => row.type)).toEqual([
      'authorization',
      'authorization',
      'authorization',
      'decline',
    ]);
    expect(page1).toMatchObject({ has_more: true, data: [{ id: all[0]?.id }, { id: all[1]?.id }] });
    expect(page2).toMatchObject({ has_more: false, data: [{ id: all[2]?.id }, { id: all[3]?.id }] });
    expect(declines.data.map((row: { id: string }) => row.id)).toEqual([all[3]?.id]);
  });

  it('rejects an unknown cursor and an out-of-range limit', async () => {
    const unknownCursor = await fetch(`${simulator.url}/v1/ledger?starting_after=ledger_missing`);
    const badLimit = await fetch(`${simulator.url}/v1/ledger?limit=101`);

    expect(unknownCursor.status).toBe(400);
    expect(await unknownCursor.json()).toMatchObject({
      error: { code: 'resource_missing', param: 'starting_after' },
    });
    expect(badLimit.status).toBe(400);
  });
});

describe('restart durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-payments-restart-'));
  const dbPath = join(dir, 'payments.sqlite');

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays stored responses and keeps the ledger after the process reopens the database', async () => {
    const orderId = unique('order');
    const key = unique('key');
    const before = await startPaymentSimulator({ dbPath, port: 0 });
    const first = await postJson(before.url, '/v1/authorizations', authorizationBody(orderId), key);
    const firstText = await first.text();
    await before.close();

    const after = await startPaymentSimulator({ dbPath, port: 0 });
    try {
      const replay = await postJson(after.url, '/v1/authorizations', authorizationBody(orderId), key);
      const { id } = JSON.parse(firstText) as { id: string };
      const capture = await postJson(
        after.url,
        `/v1/authorizations/${id}/capture`,
        { amount: 2500 },
        unique('cap'),
      );

      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.text()).toBe(firstText);
      expect(capture.status).toBe(200);
      const ledger = await ledgerFor(after.url, orderId);
      expect(ledger.map((row) => [row.type, row.authorization_id])).toEqual([
        ['authorization', id],
        ['capture', id],
      ]);
    } finally {
      await after.close();
    }
  });
});
