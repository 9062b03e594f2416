import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalIssuer } from '@meridian/local/auth/local-issuer';
import { REPO_ROOT } from '@meridian/local/config/local-config';
import { fetchText } from './support/bounded';
import { loadOrders } from './support/load';
import { startPlatform } from './support/platform';

/**
 * Order intake only: a 10-second autocannon run of POST /api/v1/orders through the front door, each request
 * with its own Idempotency-Key. Usage: `npm run bench:intake [-- --seconds 10 --connections 32]`.
 * `ordersPerSecond` counts acknowledged (2xx) orders over the measured duration; refused ones are `non2xx`.
 */
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const connections = Number(process.argv[process.argv.indexOf('--connections') + 1]) || 32;

mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
const platform = await startPlatform(18080);
try {
  const issuer = await LocalIssuer.open(join(platform.dataDir, 'issuer-keys.json'));
  const admin = await issuer.issue('admin');
  // Enough stock that every saga can succeed: the run measures intake, not out-of-stock failures.
  for (const sku of ['MUG-001', 'NOTE-001'])
    await fetchText(`${platform.url}/api/v1/admin/products/${sku}/restock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1_000_000 }),
    });
  console.log(`POST /api/v1/orders for ${seconds} s with ${connections} connections…`);
  const result = await loadOrders({
    url: platform.url,
    token: await issuer.issue('alice'),
    seconds,
    connections,
    keyPrefix: `intake-${process.pid}`,
  });
  const summary = {
    scenario: 'order-intake',
    command: `npm run bench:intake -- --seconds ${seconds} --connections ${connections}`,
    at: new Date().toISOString(),
    seconds,
    connections,
    ordersPerSecond: result.acknowledgedPerSecond,
    acknowledged: result.acknowledged,
    measuredSeconds: result.seconds,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: result.latencyMs,
  };
  console.log(JSON.stringify(summary, null, 2));
  writeFileSync(
    join(REPO_ROOT, 'bench/results', `intake-${summary.at.replace(/[:.]/g, '-')}.json`),
    JSON.stringify(summary, null, 2),
  );
} finally {
  await platform.stop();
}
