import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer } from '../auth/local-issuer';
import { readPaymentsApiKey, readRegionKey } from '../auth/local-keys';
import { createSignInLink } from '../auth/sign-in-links';
import { loadLocalConfig } from '../config/local-config';
import { createControlServer, listenControlServer } from './control-server';
import { processScripts } from './process-bundles';
import { ProcessSupervisor } from './process-supervisor';
import { waitForHealthy } from './wait-for';

/**
 * `npm start`: the payment simulator, every region and the front door, each as its own process, with
 * readable logs here and raw JSON logs in the data directory, plus the control server that kills and
 * restarts regions and cuts the link between them. Ctrl-C stops everything cleanly.
 */
async function main(): Promise<void> {
  const config = loadLocalConfig();
  // Owner-only: it holds the keys (the issuer's, the regions', the payment simulator's) and every database.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // The keys exist before the processes that use them start (each would make them too, once, if not).
  const issuer = await LocalIssuer.open(config.issuerKeyFile);
  const regionKey = readRegionKey(config);
  readPaymentsApiKey(config);
  let ready = false;
  const supervisor = new ProcessSupervisor({
    logDir: config.logDir,
    runDir: join(config.dataDir, 'run'),
    color: Boolean(process.stdout.isTTY),
    onExit: (name, code, signal) => {
      console.log(`!! ${name} exited (${signal ?? `code ${code}`}); see ${supervisor.logFile(name)}`);
      if (!ready) void shutdown(1);
    },
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (exitCode: number) => {
    stopping ??= (async () => {
      console.log('Stopping Meridian…');
      await supervisor.stopAll();
      console.log('Stopped.');
      process.exit(exitCode);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  console.log(`Starting Meridian (data: ${config.dataDir}, logs: ${config.logDir})`);
  try {
    const { scripts, note } = await processScripts(config.runSource);
    if (note) console.log(note);
    // The control server's port first: when it is taken, nothing has been started yet.
    const control = createControlServer(config, supervisor, {
      verifier: new JwtTokenVerifier({
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        keySet: issuer.keySet(),
        knownSubject: isKnownPrincipal,
      }),
      regionKey,
      regionEntry: scripts.region,
      paymentsEntry: scripts.payments,
    });
    await listenControlServer(control.app, Number(new URL(config.controlUrl).port));
    control.startProvider();
    await waitForHealthy(`${config.paymentsUrl}/health`, 'payment simulator');
    for (const region of config.regions) control.startRegion(region.name);
    await Promise.all(
      config.regions.map((region) => waitForHealthy(`${region.url}/api/v1/health`, `region ${region.name}`)),
    );
    supervisor.start({ name: 'front-door', script: scripts['front-door'], env: {} });
    await waitForHealthy(`${config.frontDoorUrl}/api/v1/health`, 'front door');
    control.markReady();
  } catch (error) {
    // Like a process that exits during start-up: say why, stop whatever was started, exit 1.
    console.error(`Meridian failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
    return;
  }
  if (stopping) return;
  ready = true;

  const frontDoor = config.publicUrl;
  const signInLink = await createSignInLink(issuer, frontDoor);
  console.log(
    [
      '',
      `Meridian is running at ${frontDoor}`,
      `  web app      ${frontDoor}/`,
      `  admin        ${signInLink}`,
      '               (a one-time sign-in link to the console; `npm run -s meridian -- sign-in-link` prints another)',
      `  API          ${frontDoor}/api/v1   (OpenAPI: ${frontDoor}/api/v1/openapi.json)`,
      `  regions      ${config.regions.map((r) => `${r.name} ${r.url}`).join(', ')}`,
      `  payments     ${config.paymentsUrl}/v1/ledger   (key: ${config.paymentsApiKeyOverride ? 'MERIDIAN_PAYMENTS_API_KEY' : config.keyFiles.paymentsApiKey})`,
      '  a token      npm run -s token -- alice   (admin: npm run -s token -- admin)',
      '  operate      npm run -s meridian -- status | region kill|start <region> | provider kill|start | link cut|heal',
      '               | events tail | reconcile',
      `  data         ${config.dataDir}   (npm run reset clears it)`,
      ...(config.exposed
        ? [
            `!! The front door listens on ${config.host} (MERIDIAN_HOST), not only on loopback: other machines`,
            '!! can reach it, take demo customer tokens and place orders. Unset MERIDIAN_HOST to keep it local.',
          ]
        : []),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`Meridian failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
