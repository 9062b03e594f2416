import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { LocalIssuer } from '../apps/local/src/auth/local-issuer';
import { REPO_ROOT } from '../apps/local/src/config/local-config';
import { startPlatform } from './support/platform';

/**
 * Order intake: a 10-second autocannon run of POST /api/v1/orders through the front door, each request
 * with its own Idempotency-Key. Usage: `npm run bench:intake [-- --seconds 10 --connections 32]`.
 */
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const connections = Number(process.argv[process.argv.indexOf('--connections') + 1]) || 32;

mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
const platform = await startPlatform(18080);
try {
  const issuer = await LocalIssuer.open(join(platform.dataDir, 'issuer-keys.json'));
  const customer = await issuer.issue('alice');
  const admin = await issuer.issue('admin');
  // Enough stock that every saga can succeed: the run measures intake, not out-of-stock failures.
  for (const sku of ['MUG-001', 'NOTE-001']) {
    const response = await fetch(`${platform.url}/api/v1/admin/products/${sku}/restock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1_000_000 }),
    });
    if (!response.ok) throw new Error(`restock failed: ${response.status} ${await response.text()}`);
  }
  let sequence = 0;
  const body = JSON.stringify({
    items: [
      { sku: 'MUG-001', quantity: 1 },
      { sku: 'NOTE-001', quantity: 2 },
    ],
    paymentMethod: 'pm_card_visa',
    shippingAddress: {
      name: 'Bench',
      line1: '1 Load St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
  });
  console.log(`POST /api/v1/orders for ${seconds} s with ${connections} connections…`);
  const result = await autocannon({
    url: `${platform.url}/api/v1/orders`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${customer}`, 'content-type': 'application/json' },
    body,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, 'idempotency-key': `bench-${process.pid}-${sequence++}` },
        }),
      },
    ],
  });
  const summary = {
    scenario: 'order-intake',
    command: `npm run bench:intake -- --seconds ${seconds} --connections ${connections}`,
    at: new Date().toISOString(),
    seconds,
    connections,
    ordersPerSecond: Math.round(result.requests.average),
    acknowledged: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
  };
  console.log(JSON.stringify(summary, null, 2));
  writeFileSync(
    join(REPO_ROOT, 'bench/results', `intake-${summary.at.replace(/[:.]/g, '-')}.json`),
    JSON.stringify(summary, null, 2),
  );
} finally {
  await platform.stop();
}
