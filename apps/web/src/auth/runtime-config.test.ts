import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, parseRuntimeConfig } from './runtime-config';

describe('runtime config', () => {
  it('uses Cognito when /config.json says so, normalizing the domain', async () => {
    const fetchImpl = async () =>
      Response.json({
        auth: {
          kind: 'cognito',
          domain: 'shop.auth.us-east-1.amazoncognito.com/',
          clientId: 'c',
          redirectUri: 'https://s/cb',
        },
      });
    expect(await loadRuntimeConfig(fetchImpl)).toEqual({
      auth: {
        kind: 'cognito',
        domain: 'https://shop.auth.us-east-1.amazoncognito.com',
        clientId: 'c',
        redirectUri: 'https://s/cb',
      },
    });
  });

  it('falls back to local demo sign-in for the app shell, a 404, a network error or an incomplete file', async () => {
    const html = async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
    expect((await loadRuntimeConfig(html)).auth.kind).toBe('local');
    expect((await loadRuntimeConfig(async () => new Response('', { status: 404 }))).auth.kind).toBe('local');
    expect((await loadRuntimeConfig(async () => Promise.reject(new Error('offline')))).auth.kind).toBe(
      'local',
    );
    expect(parseRuntimeConfig({ auth: { kind: 'cognito', domain: 'd' } }).auth.kind).toBe('local');
  });
});
