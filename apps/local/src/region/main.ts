import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { systemClock } from '@meridian/adapters-node';
import { LocalIssuer } from '../auth/local-issuer';
import { readPaymentsApiKey, readRegionKey } from '../auth/local-keys';
import { seedDemoCatalog } from '../catalog/demo-catalog';
import { loadLocalConfig } from '../config/local-config';
import { slowClientLimits } from '../config/server-timeouts';
import { EventLoopMonitor } from './event-loop-monitor';
import { createLocalRegion } from './local-region';

/** One region as its own OS process: `MERIDIAN_REGION=us-east-1 tsx apps/local/src/region/main.ts`. */
async function main(): Promise<void> {
  const config = loadLocalConfig();
  const name = process.env.MERIDIAN_REGION ?? config.regions[0]?.name;
  const regionConfig = config.regions.find((candidate) => candidate.name === name);
  if (!regionConfig)
    throw new Error(`MERIDIAN_REGION must be one of ${config.regions.map((r) => r.name).join(', ')}`);
  const issuer = await LocalIssuer.open(config.issuerKeyFile);
  const eventLoop = new EventLoopMonitor();
  const region = createLocalRegion({
    clock: systemClock,
    region: regionConfig.name,
    regions: config.regions.map((r) => r.name),
    databaseFile: join(config.dataDir, `${regionConfig.name}.sqlite`),
    paymentsUrl: config.paymentsUrl,
    paymentsApiKey: readPaymentsApiKey(config),
    keySet: issuer.keySet(),
    internalKey: readRegionKey(config),
    retryIntervalMs: config.retryIntervalMs,
    peers: config.regions
      .filter((peer) => peer.name !== regionConfig.name)
      .map(({ name, url }) => ({ name, url })),
    linkUp: process.env.MERIDIAN_LINK !== 'cut',
    sagaConcurrency: config.sagaConcurrency,
    eventLoop: () => eventLoop.snapshot(),
  });
  // One region seeds the catalog; products replicate and each region credits its share of the stock.
  const seeded = regionConfig.name === config.primaryRegion ? await seedDemoCatalog(region.ctx) : 0;
  const recovery = await region.start();
  // Windows of the loop's load begin once the region serves, so start-up work is not reported as traffic.
  eventLoop.measure();
  eventLoop.start();
  const server = serve({
    fetch: region.server.fetch,
    port: regionConfig.port,
    hostname: '127.0.0.1',
    serverOptions: slowClientLimits(),
  });
  region.logger.info(`region ${regionConfig.name} listening on ${regionConfig.url}`, {
    seededProducts: seeded,
    ...recovery,
    database: join(config.dataDir, `${regionConfig.name}.sqlite`),
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    region.logger.info(`region ${regionConfig.name} stopping (${signal})`);
    server.close();
    await region.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
