import { createServer } from 'node:http';
import { LocalIssuer } from '../auth/local-issuer';
import { loadLocalConfig } from '../config/local-config';
import { createFrontDoor } from './front-door';
import { HealthChecker } from './health-checker';

/** The front door as its own process: http://localhost:8080 in front of every region. */
async function main(): Promise<void> {
  const config = loadLocalConfig();
  const issuer = await LocalIssuer.open(config.issuerKeyFile);
  const regions = config.regions.map(({ name, url }) => ({ name, url }));
  const checker = new HealthChecker({
    regions,
    ...config.health,
    onChange: (region) =>
      console.log(
        JSON.stringify({
          level: region.healthy ? 'INFO' : 'WARN',
          message: `region ${region.name} is now ${region.healthy ? 'healthy' : 'UNHEALTHY'}`,
          timestamp: new Date().toISOString(),
          service: 'meridian-front-door',
          ...(region.lastError ? { error: region.lastError } : {}),
        }),
      ),
  });
  checker.start();
  const frontDoor = createFrontDoor({
    regions,
    policy: config.routing,
    checker,
    issuer,
    webRoot: config.webRoot,
    controlUrl: config.controlUrl,
  });
  const server = createServer({ keepAliveTimeout: 65_000 }, frontDoor.listener);
  server.listen(config.frontDoorPort, '0.0.0.0');
  server.on('error', (error) => {
    console.error(`front door cannot listen on port ${config.frontDoorPort}: ${error.message}`);
    process.exit(1);
  });
  console.log(
    JSON.stringify({
      level: 'INFO',
      message: `front door listening on http://localhost:${config.frontDoorPort}`,
      timestamp: new Date().toISOString(),
      service: 'meridian-front-door',
      policy: config.routing,
      regions: regions.map((r) => r.name),
    }),
  );
  const stop = () => {
    checker.stop();
    frontDoor.close();
    server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
