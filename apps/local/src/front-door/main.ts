import { systemClock } from '@meridian/adapters-node';
import { LocalIssuer } from '../auth/local-issuer';
import { readRegionKey } from '../auth/local-keys';
import { SignInRedemptions } from '../auth/sign-in-links';
import { loadLocalConfig } from '../config/local-config';
import { createFrontDoor } from './front-door';
import { createFrontDoorServer } from './front-door-server';
import { HealthChecker } from './health-checker';

/** The names a browser on this machine may use for a front door on the loopback address `host`. */
function loopbackNames(host: string): string[] {
  return [...new Set(['localhost', '127.0.0.1', '[::1]', host.includes(':') ? `[${host}]` : host])];
}

/** The front door as its own process: http://localhost:8080 (loopback unless MERIDIAN_HOST) in front of every region. */
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
          timestamp: new Date(systemClock.now()).toISOString(),
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
    regionKey: readRegionKey(config),
    redemptions: new SignInRedemptions(config.signInLinksFile),
    limits: config.limits,
    // On loopback only this machine's names; exposed, clients may use any name of the machine.
    ...(config.exposed ? {} : { allowedHosts: loopbackNames(config.host) }),
    webRoot: config.webRoot,
    serveSourceMaps: config.sourceMaps,
    controlUrl: config.controlUrl,
  });
  const server = createFrontDoorServer(frontDoor.listener);
  server.listen(config.frontDoorPort, config.host);
  server.on('error', (error) => {
    console.error(`front door cannot listen on ${config.host}:${config.frontDoorPort}: ${error.message}`);
    process.exit(1);
  });
  console.log(
    JSON.stringify({
      level: 'INFO',
      message: `front door listening on http://${config.host}:${config.frontDoorPort}`,
      timestamp: new Date(systemClock.now()).toISOString(),
      service: 'meridian-front-door',
      policy: config.routing,
      regions: regions.map((r) => r.name),
    }),
  );
  if (config.exposed)
    console.log(
      JSON.stringify({
        level: 'WARN',
        message: `the front door listens on ${config.host}, not only on loopback: other machines can reach the shop, take demo customer tokens and place orders`,
        timestamp: new Date(systemClock.now()).toISOString(),
        service: 'meridian-front-door',
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
