import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer } from '../auth/local-issuer';
import { loadLocalConfig } from '../config/local-config';
import { createControlServer, listenControlServer } from './control-server';
import { ProcessSupervisor } from './process-supervisor';

/** A loopback port nothing listens on (so a region's health check there never answers). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('control server', () => {
  let dir: string;
  let supervisor: ProcessSupervisor;
  let control: ReturnType<typeof createControlServer>;
  let admin: Record<string, string>;
  let customer: Record<string, string>;
  /** A request as the CLI sends it: with the admin's token. */
  const asAdmin = (path: string, init: RequestInit = {}) =>
    control.app.request(path, {
      ...init,
      headers: { ...admin, ...(init.headers as Record<string, string>) },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-control-'));
    // A "region" that cannot start: it says why and exits with code 3.
    const failing = join(dir, 'failing-region.mjs');
    writeFileSync(failing, "console.error('cannot listen: EADDRINUSE');\nprocess.exit(3);\n");
    const config = loadLocalConfig({
      MERIDIAN_DATA_DIR: dir,
      MERIDIAN_REGIONS: 'us-east-1',
      MERIDIAN_REGION_BASE_PORT: String(await freePort()),
    });
    supervisor = new ProcessSupervisor({ logDir: config.logDir, runDir: join(dir, 'run'), color: false });
    const issuer = await LocalIssuer.open(join(dir, 'issuer-keys.json'));
    const verifier = new JwtTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      keySet: issuer.keySet(),
      knownSubject: isKnownPrincipal,
    });
    admin = { authorization: `Bearer ${await issuer.issue('admin')}` };
    customer = { authorization: `Bearer ${await issuer.issue('alice')}` };
    control = createControlServer(config, supervisor, {
      verifier,
      regionKey: 'rk_test',
      regionEntry: failing,
    });
  });

  afterAll(async () => {
    await supervisor?.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to act while the launcher is still starting, but answers its status', async () => {
    const refused = await asAdmin('/regions/us-east-1/kill', { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'starting' });
    expect((await asAdmin('/status')).status).toBe(200);
    control.markReady();
  });

  it('answers an admin only, and never a page of another site', async () => {
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['no token', {}, 401, 'unauthenticated'],
      [
        'a forged token',
        { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' },
        401,
        'unauthenticated',
      ],
      ['a customer', customer, 403, 'forbidden'],
      [
        'an admin, from a page of another site',
        { ...admin, origin: 'https://evil.example' },
        403,
        'cross_site_request',
      ],
      [
        'an admin, per Sec-Fetch-Site',
        { ...admin, 'sec-fetch-site': 'cross-site' },
        403,
        'cross_site_request',
      ],
    ];
    for (const [who, headers, status, code] of cases) {
      for (const [method, path] of [
        ['POST', '/regions/us-east-1/kill'],
        ['POST', '/link/cut'],
        ['GET', '/status'],
      ] as const) {
        const response = await control.app.request(path, { method, headers });
        expect(response.status, `${who}: ${method} ${path}`).toBe(status);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(await response.json()).toMatchObject({ code });
      }
    }
  });

  it('answers at once, with the exit code and the log file, when a region exits during start', async () => {
    const startedAt = Date.now();
    const response = await asAdmin('/regions/us-east-1/start', { method: 'POST' });
    // Without watching the process it would wait the full 60 s for a health check that never comes.
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const logFile = join(dir, 'logs', 'us-east-1.log');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 500, code: 'region_exited', exitCode: 3, logFile });
    expect(body.detail).toBe(`Region us-east-1 exited during start (exit code 3); see ${logFile}.`);
    expect(supervisor.isRunning('us-east-1')).toBe(false);
  }, 20_000);

  it('says a kill found nothing to kill', async () => {
    const response = await asAdmin('/regions/us-east-1/kill', { method: 'POST' });
    expect(await response.json()).toMatchObject({ region: 'us-east-1', killed: false, pid: null });
  });

  it('rejects, naming the port, when the control port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(listenControlServer(control.app, port)).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    const listening = await listenControlServer(control.app, 0);
    expect((await fetch(`http://127.0.0.1:${listening.port}/status`, { headers: admin })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${listening.port}/status`)).status).toBe(401);
    await listening.close();
  });
});
