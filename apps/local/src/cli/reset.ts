import { existsSync, rmSync } from 'node:fs';
import { loadLocalConfig } from '../config/local-config';

/** `npm run reset`: deletes the local data directory (databases, ledger, keys, logs). Refuses while Meridian runs. */
async function main(): Promise<void> {
  const config = loadLocalConfig();
  const running = await fetch(`http://127.0.0.1:${config.frontDoorPort}/frontdoor/status`, {
    signal: AbortSignal.timeout(500),
  })
    .then(() => true)
    .catch(() => false);
  if (running) {
    console.error(`Meridian is running on port ${config.frontDoorPort}; stop it (Ctrl-C) before resetting.`);
    process.exit(1);
  }
  if (!existsSync(config.dataDir)) {
    console.log(`Nothing to reset: ${config.dataDir} does not exist.`);
    return;
  }
  rmSync(config.dataDir, { recursive: true, force: true });
  console.log(`Removed ${config.dataDir}. The next npm start seeds a fresh demo catalog.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
