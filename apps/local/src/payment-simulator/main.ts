import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '@meridian/adapters-node';
import { keyFilesIn, readPaymentsApiKey } from '../auth/local-keys';
import { startPaymentSimulator } from './server';

// Process entry: `npx tsx apps/local/src/payment-simulator/main.ts`.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function numberFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number between ${min} and ${max}, got '${raw}'`);
  }
  return value;
}

async function main(): Promise<void> {
  const port = numberFromEnv('MERIDIAN_PAYMENTS_PORT', 8090, 0, 65_535);
  const latencyMs = numberFromEnv('MERIDIAN_PAYMENTS_LATENCY_MS', 0, 0, 60_000);
  const errorRate = numberFromEnv('MERIDIAN_PAYMENTS_ERROR_RATE', 0, 0, 1);
  const dataDir = process.env.MERIDIAN_DATA_DIR || join(REPO_ROOT, '.meridian');
  mkdirSync(dataDir, { recursive: true });

  const simulator = await startPaymentSimulator({
    clock: systemClock,
    dbPath: join(dataDir, 'payments.sqlite'),
    port,
    chaos: { latencyMs, errorRate },
    // MERIDIAN_PAYMENTS_API_KEY, else the key made at first start in the data directory.
    apiKey: readPaymentsApiKey({
      keyFiles: keyFilesIn(dataDir),
      paymentsApiKeyOverride: process.env.MERIDIAN_PAYMENTS_API_KEY || undefined,
    }),
  });
  console.log(`payment simulator listening on ${simulator.url}`);

  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('payment simulator failed to stop cleanly', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('payment simulator failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
