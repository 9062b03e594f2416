import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningPlatform } from '@meridian/chaos/platform-control';
import { exportJWK, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer } from '../../../src/auth/local-issuer';

async function allPages(url: string, headers: Record<string, string>): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const separator = url.includes('?') ? '&' : '?';
    const response = await fetch(
      `${url}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        headers,
      },
    );
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { items: unknown[]; nextCursor?: string };
    items.push(...body.items);
    if (!body.nextCursor) return items;
    cursor = body.nextCursor;
  }
  throw new Error(`${url}: too many pages`);
}

async function ledger(paymentsUrl: string, apiKey: string): Promise<unknown[]> {
  const entries: Array<{ id: string }> = [];
  let after: string | undefined;
  for (;;) {
    const response = await fetch(
      `${paymentsUrl}/v1/ledger?limit=100${after ? `&starting_after=${after}` : ''}`,
      {
        headers: { authorization: `Bearer ${apiKey}` },
      },
    );
    if (!response.ok) throw new Error(`ledger: ${response.status}`);
    const page = (await response.json()) as { data: Array<{ id: string }>; has_more: boolean };
    entries.push(...page.data);
    if (!page.has_more) return entries;
    after = page.data.at(-1)?.id;
  }
}

/**
 * Everything a request could have changed, as an admin and the payment provider see it: products with
 * their stock per region, every order (status, payment, timeline, updatedAt), sagas, notifications, dead
 * letters and the payment ledger.
 */
export async function platformState(platform: RunningPlatform) {
  const front = `${platform.urls.frontDoor}/api/v1`;
  const admin = { authorization: `Bearer ${platform.credentials.adminToken}` };
  const [products, orders, executions, notifications, deadLetters, payments] = await Promise.all([
    allPages(`${front}/products`, {}),
    allPages(`${front}/admin/orders`, admin),
    allPages(`${front}/admin/executions`, admin),
    allPages(`${front}/admin/notifications`, admin),
    allPages(`${front}/admin/dead-letters`, admin),
    ledger(platform.urls.payments, platform.credentials.paymentsApiKey),
  ]);
  return { products, orders, executions, notifications, deadLetters, payments };
}

/** Places one order for the token's customer and waits until its saga is over. */
export async function placeOrderAndWait(
  frontDoor: string,
  token: string,
): Promise<{ orderId: string; status: string }> {
  const placed = await fetch(`${frontDoor}/api/v1/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': 'seed-order',
    },
    body: JSON.stringify({
      items: [{ sku: 'MUG-001', quantity: 1 }],
      paymentMethod: 'pm_card_visa',
      shippingAddress: {
        name: 'Alice Rivera',
        line1: '1 Main St',
        city: 'Springfield',
        postalCode: '12345',
        country: 'US',
      },
    }),
  });
  if (placed.status !== 202) throw new Error(`seed order: ${placed.status} ${await placed.text()}`);
  const { orderId } = (await placed.json()) as { orderId: string };
  for (let i = 0; i < 300; i++) {
    const order = (await (
      await fetch(`${frontDoor}/api/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { orderId: string; status: string };
    if (order.status !== 'PENDING') return order;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`seed order ${orderId} did not finish`);
}

/**
 * Authorization headers that must not pass, by what is wrong with them: none, malformed, unsigned,
 * expired, signed by another key, with the wrong issuer or audience, a subject that is a number, an object
 * or nobody known, an HMAC "signed" with the public key, a one-time sign-in code, and an oversized one.
 */
export async function forgedAuthorizations(dataDir: string): Promise<Record<string, string>> {
  const keyFile = join(dataDir, 'issuer-keys.json');
  const issuer = await LocalIssuer.open(keyFile);
  const keys = JSON.parse(readFileSync(keyFile, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK };
  const privateKey = await importJWK(keys.privateJwk, 'ES256');
  const signed = (claims: Record<string, unknown>, { iss = LOCAL_ISSUER, aud = LOCAL_AUDIENCE } = {}) =>
    // Cast: jose types `sub` as a string; some of these sign other types on purpose.
    new SignJWT({ 'cognito:groups': ['admin'], client_id: aud, ...claims } as JWTPayload)
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
      .setIssuer(iss)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    sub: 'admin',
    'cognito:groups': ['admin'],
    exp: now + 600,
  })}.`;
  const publicKeyAsSecret = new TextEncoder().encode(
    JSON.stringify(await exportJWK(await importJWK(keys.publicJwk, 'ES256'))),
  );
  const hmac = await new SignJWT({ sub: 'admin', 'cognito:groups': ['admin'], client_id: LOCAL_AUDIENCE })
    .setProtectedHeader({ alg: 'HS256', kid: keys.kid })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setExpirationTime('1h')
    .sign(publicKeyAsSecret);
  const other = await LocalIssuer.open(join(dataDir, 'another-issuer-keys.json'));
  const admin = await issuer.issue('admin');
  return {
    none: '',
    'scheme-only': 'Bearer',
    garbage: 'Bearer garbage',
    basic: 'Basic YWRtaW46YWRtaW4=',
    'alg-none': `Bearer ${unsigned}`,
    expired: `Bearer ${await issuer.issue('admin', { ttlSeconds: -120 })}`,
    'another-key': `Bearer ${await other.issue('admin')}`,
    'wrong-issuer': `Bearer ${await signed({ sub: 'admin' }, { iss: 'https://evil.example/auth' })}`,
    'wrong-audience': `Bearer ${await signed({ sub: 'admin' }, { aud: 'someone-else' })}`,
    'numeric-subject': `Bearer ${await signed({ sub: 12345 })}`,
    'object-subject': `Bearer ${await signed({ sub: { id: 'admin' } })}`,
    'unknown-subject': `Bearer ${await signed({ sub: 'mallory' })}`,
    'hmac-with-public-key': `Bearer ${hmac}`,
    'sign-in-code': `Bearer ${await issuer.signInCode('not-an-access-token')}`,
    'cut-signature': `Bearer ${admin.slice(0, -8)}`,
    oversized: `Bearer ${'a'.repeat(8000)}`,
  };
}

/** Stops a platform a test started and removes its data directory (keys, databases, logs). */
export async function stopAndRemove(platform: RunningPlatform | undefined): Promise<void> {
  if (!platform) return;
  await platform.stop();
  rmSync(platform.dataDir, { recursive: true, force: true });
}
