import type { RegionReplication } from '@meridian/contracts';
import { percentile } from '@meridian/contracts/percentile';
import { fetchJson, fetchText } from './bounded';
import type { RunningPlatform } from './platform';

/** The platform a benchmark runs against: its front door, its regions' direct URLs and its control server. */
export interface BenchTarget {
  platform: RunningPlatform;
  regions: ReadonlyArray<{ name: string; url: string }>;
  controlUrl: string;
}

/** Waits until no saga runs and nothing waits in an outbox, in every region. */
export async function waitForIdle(bench: BenchTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const statuses = await Promise.all(
      bench.regions.map((region) =>
        fetchJson<{ executions: { RUNNING: number }; outbox: { unpublished: number } }>(
          `${region.url}/internal/status`,
          { headers: bench.platform.internal },
        ),
      ),
    );
    if (statuses.every((status) => status.executions.RUNNING === 0 && status.outbox.unpublished === 0))
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('sagas did not finish in time');
}

/** How long each order took from accepted to its last timeline entry, and how many completed per second. */
export async function sagaTimings(bench: BenchTarget, orderIds: string[], token: string) {
  const regionOf = (id: string) =>
    bench.regions.find((region) => id.endsWith(`_${region.name}`)) ?? bench.regions[0];
  const orders: Array<{ status: string; timeline: Array<{ at: string }> }> = [];
  for (let i = 0; i < orderIds.length; i += 32) {
    const batch = orderIds.slice(i, i + 32);
    orders.push(
      ...(await Promise.all(
        batch.map((id) =>
          fetchJson<{ status: string; timeline: Array<{ at: string }> }>(
            `${regionOf(id)?.url}/api/v1/orders/${id}`,
            { headers: { authorization: `Bearer ${token}` } },
          ),
        ),
      )),
    );
  }
  const spans = orders.map((order) => {
    const times = order.timeline.map((entry) => Date.parse(entry.at));
    return { start: Math.min(...times), end: Math.max(...times) };
  });
  const durations = spans.map((span) => span.end - span.start);
  const window = spans.length
    ? Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))
    : 0;
  return {
    completed: orders.length,
    confirmed: orders.filter((order) => order.status === 'CONFIRMED').length,
    failed: orders.filter((order) => order.status !== 'CONFIRMED').length,
    completedPerSecond: window > 0 ? Math.round((orders.length / window) * 1000) : 0,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
  };
}

/** The worst replication lag any region reports of any peer. */
export async function replicationLag(bench: BenchTarget) {
  const statuses = await Promise.all(
    bench.regions.map((region) =>
      fetchJson<{ replication: RegionReplication }>(`${region.url}/internal/status`, {
        headers: bench.platform.internal,
      }),
    ),
  );
  const peers = statuses.flatMap((status) => status.replication.peers);
  const worst = (key: 'p50' | 'p99') => Math.max(...peers.map((peer) => peer.lagMs[key] ?? 0));
  return { p50: worst('p50'), p99: worst('p99') };
}

/** SIGKILLs the serving region and times the first order accepted after it; then starts the region again. */
export async function measureFailover(bench: BenchTarget, token: string, attempt: number): Promise<number> {
  const status = await fetchJson<{ serving: string | null }>(`${bench.platform.url}/frontdoor/status`, {
    headers: bench.platform.admin,
  });
  if (!status.serving) throw new Error(`(e) failover ${attempt}: the front door serves from no region`);
  const killedAt = Date.now();
  await fetchText(`${bench.controlUrl}/regions/${status.serving}/kill`, {
    method: 'POST',
    headers: bench.platform.admin,
  });
  let sequence = 0;
  for (;;) {
    const response = await fetch(`${bench.platform.url}/api/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `failover-${attempt}-${sequence++}`,
      },
      body: JSON.stringify({
        items: [{ sku: 'MUG-001', quantity: 1 }],
        paymentMethod: 'pm_card_visa',
        shippingAddress: { name: 'B', line1: '1', city: 'X', postalCode: '1', country: 'US' },
      }),
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
    if (response?.status === 202) break;
    if (Date.now() - killedAt > 60_000) throw new Error('no successful order within 60 s of the kill');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const elapsed = Date.now() - killedAt;
  await fetchText(`${bench.controlUrl}/regions/${status.serving}/start`, {
    method: 'POST',
    headers: bench.platform.admin,
  });
  // Let the health checker see the region again before the next try.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  return elapsed;
}
