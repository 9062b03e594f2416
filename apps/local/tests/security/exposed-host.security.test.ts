import { readFileSync } from 'node:fs';
import { type RunningPlatform, startPlatform } from '@meridian/chaos/platform-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAndRemove } from './support/platform-state';
import { rawRequest } from './support/raw-http';

/** MERIDIAN_HOST exposes the front door on purpose: it then listens there, and says so loudly. */
describe('a front door exposed with MERIDIAN_HOST', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform(['us-east-1'], { MERIDIAN_HOST: '0.0.0.0' });
  }, 120_000);
  afterAll(async () => {
    await stopAndRemove(platform);
  }, 30_000);

  it('warns at start, from the launcher and from the front door', () => {
    const output = readFileSync(platform.logFile, 'utf8');
    expect(output).toContain('!! The front door listens on 0.0.0.0 (MERIDIAN_HOST), not only on loopback');
    expect(output).toMatch(/WARN .*the front door listens on 0\.0\.0\.0, not only on loopback/);
  });

  it('answers on other addresses of the machine and to any host name, and still refuses what it refuses', async () => {
    const port = new URL(platform.urls.frontDoor).port;
    const other = `http://127.0.0.2:${port}`;
    const health = await rawRequest(other, {
      method: 'GET',
      target: '/api/v1/health',
      headers: { host: 'shop.lan' },
    });
    expect(health.status).toBe(200);
    const traversal = await rawRequest(other, { method: 'GET', target: '/api/v1/../../internal/status' });
    expect(traversal.status).toBe(400);
    const admin = await rawRequest(other, {
      method: 'POST',
      target: '/auth/token',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"admin"}',
    });
    expect(admin.status).toBe(403);
    // The other processes stay on loopback.
    await expect(
      rawRequest(`http://127.0.0.2:${new URL(platform.urls.control).port}/status`, {
        method: 'GET',
        target: '/status',
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
