import { parseArgs } from 'node:util';
import { DEMO_USERS, LocalIssuer, UnknownDemoUserError } from '../auth/local-issuer';
import { loadLocalConfig } from '../config/local-config';

/**
 * `npm run -s token -- <user>` prints a bearer token for a demo user (admin included), and nothing else.
 * It signs with the key in the data directory: whoever can run it can read that directory already.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { ttl: { type: 'string' } },
  });
  const user = positionals[0];
  if (!user) {
    console.error(
      `usage: npm run -s token -- <user> [--ttl seconds]\nusers: ${DEMO_USERS.map((u) => u.id).join(', ')}`,
    );
    process.exit(2);
  }
  const issuer = await LocalIssuer.open(loadLocalConfig().issuerKeyFile);
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  process.stdout.write(`${await issuer.issue(user, ttlSeconds ? { ttlSeconds } : {})}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof UnknownDemoUserError || error instanceof Error ? error.message : error);
  process.exit(error instanceof UnknownDemoUserError ? 2 : 1);
});
