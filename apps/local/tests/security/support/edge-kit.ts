import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalIssuer } from '../../../src/auth/local-issuer';
import { SignInRedemptions } from '../../../src/auth/sign-in-links';
import type { ServerTimeouts } from '../../../src/config/server-timeouts';
import type { ClientLimitSettings } from '../../../src/front-door/client-limits';
import { createFrontDoor } from '../../../src/front-door/front-door';
import { createFrontDoorServer } from '../../../src/front-door/front-door-server';
import { HealthChecker } from '../../../src/front-door/health-checker';

/**
 * A stand-in region that records every request it receives: the edge tests prove what the front door lets
 * through by what reaches it. Its public API answers at once; `slow` paths answer after `slowMs`.
 */
export class RecordingRegion {
  readonly received: Array<{ method: string; url: string }> = [];
  url = '';
  slowMs = 0;
  private readonly server: Server;

  constructor(readonly name: string) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests that reached a route the front door must never forward. */
  internalHits(): string[] {
    return this.received.map((request) => request.url).filter((url) => !url.startsWith('/api/v1/'));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url !== '/api/v1/health') this.received.push({ method: req.method ?? '', url: req.url ?? '' });
    for await (const _ of req) {
      // Drain the body.
    }
    if (this.slowMs > 0 && req.url?.startsWith('/api/v1/products')) await sleep(this.slowMs);
    const body = JSON.stringify({ items: [], region: this.name });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-meridian-region': this.name,
    });
    res.end(body);
  }
}

export interface EdgeDoor {
  url: string;
  dir: string;
  issuer: LocalIssuer;
  regions: RecordingRegion[];
  checker: HealthChecker;
  token(user: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The front door as its process runs it (same listener, same node:http server settings), in front of
 * recording regions, with a built web app of three files: index.html, app.js and its source map.
 */
export async function startEdgeDoor(
  options: {
    limits?: ClientLimitSettings;
    timeouts?: ServerTimeouts;
    serveSourceMaps?: boolean;
    proxyTimeoutMs?: number;
    health?: { intervalMs: number; failureThreshold: number };
    allowedHosts?: string[];
  } = {},
): Promise<EdgeDoor> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-edge-'));
  const webRoot = join(dir, 'web');
  mkdirSync(join(webRoot, 'assets'), { recursive: true });
  writeFileSync(
    join(webRoot, 'index.html'),
    '<!doctype html><title>Meridian</title><script src="/assets/app.js"></script>',
  );
  writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map\n');
  writeFileSync(join(webRoot, 'assets', 'app.js.map'), '{"version":3,"sources":["secret.ts"]}');
  const issuer = await LocalIssuer.open(join(dir, 'issuer-keys.json'));
  const regions = await Promise.all(
    ['us-east-1', 'eu-west-1'].map((name) => new RecordingRegion(name).listen()),
  );
  const targets = regions.map(({ name, url }) => ({ name, url }));
  const checker = new HealthChecker({
    regions: targets,
    ...(options.health ?? { intervalMs: 100, failureThreshold: 2 }),
  });
  checker.start();
  const door = createFrontDoor({
    regions: targets,
    policy: { kind: 'failover', primary: 'us-east-1' },
    checker,
    issuer,
    regionKey: 'rk_edge_test_key_0123456789abcdefghijklmnop',
    redemptions: new SignInRedemptions(join(dir, 'sign-in-links-used')),
    webRoot,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.serveSourceMaps ? { serveSourceMaps: true } : {}),
    ...(options.proxyTimeoutMs ? { proxyTimeoutMs: options.proxyTimeoutMs } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
  });
  const server = createFrontDoorServer(door.listener, options.timeouts);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dir,
    issuer,
    regions,
    checker,
    token: (user) => issuer.issue(user),
    async close() {
      checker.stop();
      door.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all(regions.map((region) => region.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
