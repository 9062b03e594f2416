import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalIssuer } from '../auth/local-issuer';
import { loadLocalConfig, REPO_ROOT } from '../config/local-config';
import { ProcessSupervisor } from './process-supervisor';
import { waitForHealthy } from './wait-for';

const src = join(REPO_ROOT, 'apps/local/src');

/**
 * `npm start`: the payment simulator, every region and the front door, each as its own process, with
 * readable logs here and raw JSON logs in the data directory. Ctrl-C stops everything cleanly.
 */
async function main(): Promise<void> {
  const config = loadLocalConfig();
  mkdirSync(config.dataDir, { recursive: true });
  // The signing key must exist before the processes that verify tokens start.
  await LocalIssuer.open(config.issuerKeyFile);
  const runDir = join(config.dataDir, 'run');
  let ready = false;
  const supervisor = new ProcessSupervisor({
    logDir: config.logDir,
    runDir,
    color: Boolean(process.stdout.isTTY),
    onExit: (name, code, signal) => {
      console.log(
        `!! ${name} exited (${signal ?? `code ${code}`}); see ${join(config.logDir, `${name}.log`)}`,
      );
      if (!ready) void shutdown(1);
    },
  });
  const shutdown = async (exitCode: number) => {
    console.log('Stopping Meridian…');
    await supervisor.stopAll();
    console.log('Stopped.');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  console.log(`Starting Meridian (data: ${config.dataDir}, logs: ${config.logDir})`);
  supervisor.start({ name: 'payments', script: join(src, 'payment-simulator/main.ts'), env: {} });
  await waitForHealthy(`${config.paymentsUrl}/health`, 'payment simulator');
  for (const region of config.regions) {
    supervisor.start({
      name: region.name,
      script: join(src, 'region/main.ts'),
      env: { MERIDIAN_REGION: region.name },
    });
  }
  await Promise.all(
    config.regions.map((region) => waitForHealthy(`${region.url}/api/v1/health`, `region ${region.name}`)),
  );
  supervisor.start({ name: 'front-door', script: join(src, 'front-door/main.ts'), env: {} });
  const frontDoor = `http://localhost:${config.frontDoorPort}`;
  await waitForHealthy(`${frontDoor}/api/v1/health`, 'front door');
  ready = true;

  console.log(
    [
      '',
      `Meridian is running at ${frontDoor}`,
      `  web app      ${frontDoor}/`,
      `  API          ${frontDoor}/api/v1   (OpenAPI: ${frontDoor}/api/v1/openapi.json)`,
      `  regions      ${config.regions.map((r) => `${r.name} ${r.url}`).join(', ')}`,
      `  payments     ${config.paymentsUrl}/v1/ledger`,
      '  a token      npm run -s token -- alice   (admin: npm run -s token -- admin)',
      `  data         ${config.dataDir}   (npm run reset clears it)`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`Meridian failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
