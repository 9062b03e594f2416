import { parseArgs } from 'node:util';
import { DEMO_USERS, LocalIssuer, UnknownDemoUserError } from '../auth/local-issuer';
import { loadLocalConfig } from '../config/local-config';

/** `npm run -s token -- <user> [--admin]` prints a bearer token for a demo user, and nothing else. */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { admin: { type: 'boolean', default: false }, ttl: { type: 'string' } },
  });
  const user = positionals[0];
  if (!user) {
    console.error(
      `usage: npm run -s token -- <user> [--admin] [--ttl seconds]\nusers: ${DEMO_USERS.map((u) => u.id).join(', ')}`,
    );
    process.exit(2);
  }
  const issuer = await LocalIssuer.open(loadLocalConfig().issuerKeyFile);
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  process.stdout.write(
    `${await issuer.issue(user, { admin: values.admin ?? false, ...(ttlSeconds ? { ttlSeconds } : {}) })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof UnknownDemoUserError || error instanceof Error ? error.message : error);
  process.exit(error instanceof UnknownDemoUserError ? 2 : 1);
});
