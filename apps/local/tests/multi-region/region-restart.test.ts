import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalRegion } from '../../src/region/local-region';
import { newKey, orderBody, waitFor } from '../support/region-harness';
import {
  type Cluster,
  type ClusterRegion,
  EU,
  startCluster,
  storedItem,
  US,
  useTwoRegions,
} from './support/two-regions';

/**
 * A region that stops in the middle of a saga: the order it accepted stays readable in the other region
 * (replicated, PENDING), and the region finishes it when it starts again on the same database file.
 */
describe('an order whose region stops mid-saga', () => {
  let cluster: Cluster;
  let us: ClusterRegion;
  let eu: ClusterRegion;

  useTwoRegions((started) => {
    ({ cluster, us, eu } = started);
  });

  it('is readable from the other region while its region is down, and is finished by its region on restart', async () => {
    const token = await cluster.token('carol');
    // A slow provider keeps the saga inside AuthorizePayment long enough to stop the region under it.
    await cluster.payments.setChaos({ latencyMs: 3_000 });
    const placed = await cluster.placeOrder(us, orderBody({ sku: 'PEN-001' }), {
      token,
      key: newKey('restart'),
    });
    expect(placed.status).toBe(202);
    const orderId = placed.body.orderId;
    expect(placed.body).toMatchObject({ status: 'PENDING', region: US });
    // Replicated to eu-west-1 (and inventory reserved in us-east-1) before us-east-1 goes away.
    await waitFor(
      async () => {
        const response = await eu.request<{ inventory: string }>(`/orders/${orderId}`, { token });
        return response.status === 200 && response.body.inventory === 'RESERVED' ? true : undefined;
      },
      { what: 'the order to reach eu-west-1 with its inventory reserved' },
    );
    expect(us.region.runner.counts().RUNNING).toBeGreaterThanOrEqual(1);

    await us.stop();
    expect(us.running).toBe(false);
    // While us-east-1 is down, eu-west-1 still answers for the order, as it was: accepted, not finished.
    const whileDown = await cluster.getOrder(eu, orderId, token);
    expect(whileDown).toMatchObject({ orderId, region: US, status: 'PENDING', customerId: 'carol' });
    // eu-west-1 never runs another region's saga.
    expect(eu.region.runner.list({ limit: 100 }).executions.some((run) => run.name.includes(orderId))).toBe(
      false,
    );

    await cluster.payments.setChaos({ latencyMs: 0 });
    await us.restart();
    expect(us.lastStart?.resumedExecutions).toBeGreaterThanOrEqual(1);
    const finished = await cluster.waitForTerminal(us, orderId, token, 20_000);
    expect(finished.status).toBe('CONFIRMED');
    await waitFor(
      async () => ((await cluster.getOrder(eu, orderId, token)).status === 'CONFIRMED' ? true : undefined),
      { timeoutMs: 10_000, what: 'eu-west-1 to see the order confirmed' },
    );
    // Authorized and captured once, whatever the interrupted call had already done at the provider.
    const ledger = await cluster.payments.ledger(orderId);
    expect(ledger.filter((entry) => entry.type === 'authorization')).toHaveLength(1);
    expect(ledger.filter((entry) => entry.type === 'capture')).toHaveLength(1);
    await cluster.waitForConvergence();
    expect(us.ownAllotment('PEN-001')).toMatchObject({ sold: 1, reserved: 0 });
  });

  // A region stopping inside a running process (tests, the planned simulation) must end peers' pending
  // long-polls with a 503 before its database closes, not answer them from a closed database.
  it('answers a long-poll still pending when the region stops without touching the closed database', async () => {
    const standalone = createLocalRegion({
      region: 'ap-south-1',
      regions: ['ap-south-1', US],
      databaseFile: ':memory:',
      paymentsUrl: cluster.payments.url,
      keySet: cluster.issuer.keySet(),
      internalKey: cluster.regionKey,
      retryIntervalMs: 5,
      peers: [],
      logger: new Logger({ serviceName: 'meridian-multi-region-test', logLevel: 'SILENT' }),
    });
    await standalone.start();
    const head = standalone.replication.feed.headSeq('changes');
    const pending = standalone.server.fetch(
      new Request(`http://region.test/internal/replication/changes?after=${head}&waitMs=300&from=${US}`, {
        headers: { authorization: `Bearer ${cluster.regionKey}` },
      }),
    );
    await standalone.stop();
    const response = await pending;
    expect(response.status).toBe(503);
  });
});

/**
 * A region that starts with a backlog of its peer's changes reports itself degraded on /health (so the
 * front door keeps clients on the peer) until it has pulled them, and healthy from then on.
 */
describe('a region catching up after a start', () => {
  let cluster: Cluster;

  afterAll(async () => {
    await cluster?.close();
  });

  it('is degraded on /health until it has applied what its peer wrote while it was down', async () => {
    // Five changes per pull and no waiting at start: catching up takes many round trips after listening.
    cluster = await startCluster({ seed: false, replication: { batchSize: 5, catchUpMs: 0 } });
    const us = cluster.get(US);
    const eu = cluster.get(EU);
    await cluster.waitForConvergence();
    await eu.stop();
    const backlog = 600;
    for (let i = 0; i < backlog; i += 50) {
      await us.region.ctx.store.transact(
        Array.from({ length: 50 }, (_, j) => ({ pk: `CATCHUP#${i + j}`, sk: 'ITEM', data: { n: i + j } })),
      );
    }

    await eu.restart();
    const health = () =>
      eu.request<{ checks: Record<string, { status: string; detail?: string }> }>('/health');
    const during = await health();
    expect(during.status).toBe(503);
    expect(during.body.checks.replication).toEqual({
      status: 'degraded',
      detail: 'catching up with the peer regions after a start',
    });
    expect(storedItem(eu, `CATCHUP#${backlog - 1}`, 'ITEM')).toBeUndefined();

    await waitFor(async () => ((await health()).status === 200 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'eu-west-1 to catch up',
    });
    expect(storedItem(eu, `CATCHUP#${backlog - 1}`, 'ITEM')?.data).toEqual({ n: backlog - 1 });
    expect((await health()).body.checks.replication).toEqual({ status: 'ok' });
  });
});
