import { join } from 'node:path';
import { openSecretFile } from './local-secrets';

/** Key files created at first start: the payment simulator's API key and the regions' shared key. */
export interface KeyFiles {
  paymentsApiKey: string;
  region: string;
}

/** Where the keys made at first start live in a data directory. */
export function keyFilesIn(dataDir: string): KeyFiles {
  return { paymentsApiKey: join(dataDir, 'payments-api-key'), region: join(dataDir, 'region-key') };
}

/**
 * The key regions present to each other on their /internal routes (replication, stock transfers, the link
 * switch, status). Made at first start in the data directory; every process of one data directory shares it.
 */
export function readRegionKey(config: { keyFiles: KeyFiles }): string {
  return openSecretFile(config.keyFiles.region, 'rk_');
}

/**
 * The payment simulator's API key: MERIDIAN_PAYMENTS_API_KEY when set, else a `sk_test_…` key made at first
 * start in the data directory. The simulator requires it on every /v1 route; the regions send it.
 */
export function readPaymentsApiKey(config: {
  keyFiles: KeyFiles;
  paymentsApiKeyOverride: string | undefined;
}): string {
  return config.paymentsApiKeyOverride ?? openSecretFile(config.keyFiles.paymentsApiKey, 'sk_test_');
}
