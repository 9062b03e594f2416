import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { placeOrder } from '@meridian/domain';
import { LocalIssuer } from '@meridian/local/auth/local-issuer';
import { seedDemoCatalog } from '@meridian/local/catalog/demo-catalog';
import { startPaymentSimulator } from '@meridian/local/payment-simulator/server';
import { createLocalRegion } from '@meridian/local/region/local-region';

/**
 * CPU cost of one order's saga, in one process (region + payment simulator, no front door, no HTTP API):
 * `npx tsx bench/saga-cpu.ts [orders]`. CPU time, not wall time, so a busy machine does not distort it.
 */
const count = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'meridian-saga-cpu-'));
const payments = await startPaymentSimulator({ dbPath: join(dir, 'payments.sqlite'), port: 0 });
const issuer = await LocalIssuer.open(join(dir, 'keys.json'));
const region = createLocalRegion({
  region: 'us-east-1',
  regions: ['us-east-1'],
  databaseFile: join(dir, 'us-east-1.sqlite'),
  paymentsUrl: payments.url,
  keySet: issuer.keySet(),
  // No peers and nothing calls its /internal routes: any key will do.
  internalKey: randomBytes(32).toString('base64url'),
  retryIntervalMs: 5,
  logger: new Logger({ logLevel: 'ERROR' }),
});
await seedDemoCatalog(region.ctx);
await region.start();
const { restockProduct } = await import('@meridian/domain');
await restockProduct(region.ctx, { sku: 'MUG-001', quantity: 1_000_000 });

const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await Promise.all(
  Array.from({ length: count }, (_, i) =>
    placeOrder(region.ctx, region.workflow, {
      customerId: 'alice',
      idempotencyKey: `cpu-${i}`,
      requestFingerprint: `f${i}`,
      items: [{ sku: 'MUG-001', quantity: 1 }],
      shippingAddress: { name: 'A', line1: '1', city: 'X', postalCode: '1', country: 'US' },
      paymentMethod: 'pm_card_visa',
    }),
  ),
);
await region.runner.idle();
await region.relay.drain();
await region.bus.drain();
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
const counts = region.runner.counts();
console.log(
  `${count} orders: ${((cpu.user + cpu.system) / 1000 / count).toFixed(2)} ms CPU per order (user ${(cpu.user / 1000 / count).toFixed(2)}, system ${(cpu.system / 1000 / count).toFixed(2)}), wall ${(wallMs / 1000).toFixed(1)} s, ${Math.round((count / wallMs) * 1000)} sagas/s; executions ${JSON.stringify(counts)}`,
);
await region.stop();
await payments.close();
rmSync(dir, { recursive: true, force: true });
