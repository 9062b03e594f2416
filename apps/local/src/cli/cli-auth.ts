import { existsSync } from 'node:fs';
import { LocalIssuer } from '../auth/local-issuer';
import { createSignInLink } from '../auth/sign-in-links';
import type { LocalConfig } from '../config/local-config';

/** The issuer of the data directory `npm start` uses; undefined when it has none yet (never started there). */
async function existingIssuer(config: LocalConfig): Promise<LocalIssuer | undefined> {
  return existsSync(config.issuerKeyFile) ? LocalIssuer.open(config.issuerKeyFile) : undefined;
}

/**
 * The operator CLI acts as the admin with a token it signs itself (an hour long) with the key in the data
 * directory: being able to read that directory is the proof. No header when the directory has no key
 * (nothing ever started there): the server's 401 then tells the operator which directory to use.
 */
export function adminAuthorization(config: LocalConfig): () => Promise<Record<string, string>> {
  let header: Promise<Record<string, string>> | undefined;
  const sign = async (): Promise<Record<string, string>> => {
    const issuer = await existingIssuer(config);
    return issuer ? { authorization: `Bearer ${await issuer.issue('admin', { ttlSeconds: 3600 })}` } : {};
  };
  return () => {
    header ??= sign();
    return header;
  };
}

/** `sign-in-link`: prints a new one-time link that signs a browser in to the operations console. */
export async function printSignInLink(
  config: LocalConfig,
  io: { out(line: string): void; err(line: string): void },
): Promise<void> {
  const issuer = await existingIssuer(config);
  if (!issuer)
    throw new Error(
      `no Meridian data in ${config.dataDir}: start it with \`npm start\` (with the same MERIDIAN_DATA_DIR) first`,
    );
  io.out(await createSignInLink(issuer, config.publicUrl));
  io.err('One-time: it signs one browser in to the operations console, then stops working (12 h at most).');
}
