import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bearerCredential,
  createFileOnce,
  openSecretFile,
  secretMatches,
  UnusableSecretError,
} from './local-secrets';

describe('secrets in the data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a random key on first use, readable by its owner only, and reads the same key afterwards', () => {
    const file = join(dir, 'nested', 'region-key');
    const first = openSecretFile(file, 'rk_');
    expect(first).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(openSecretFile(file, 'rk_')).toBe(first);
    expect(openSecretFile(join(dir, 'another-key'), 'rk_')).not.toBe(first);
    // No temporary file is left behind.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['region-key']);
  });

  it('keeps the first content when two processes create the file at once', () => {
    const file = join(dir, 'key');
    expect(createFileOnce(file, 'first\n')).toBe(true);
    expect(createFileOnce(file, 'second\n')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('first\n');
  });

  it('refuses a key file that was cut short or edited, instead of trusting a weak key', () => {
    const file = join(dir, 'key');
    writeFileSync(file, 'short\n');
    expect(() => openSecretFile(file)).toThrow(UnusableSecretError);
  });
});

describe('secretMatches', () => {
  it('accepts only the exact secret', () => {
    const secret = 'rk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches(`${secret}x`, secret)).toBe(false);
    expect(secretMatches(secret.slice(0, -1), secret)).toBe(false);
    expect(secretMatches('', secret)).toBe(false);
    expect(secretMatches(undefined, secret)).toBe(false);
  });
});

describe('bearerCredential', () => {
  it('reads a bearer credential and nothing else', () => {
    expect(bearerCredential('Bearer abc.def')).toBe('abc.def');
    expect(bearerCredential('bearer abc')).toBe('abc');
    expect(bearerCredential('Basic abc')).toBeUndefined();
    expect(bearerCredential('Bearer ')).toBeUndefined();
    expect(bearerCredential('Bearer a b')).toBeUndefined();
    expect(bearerCredential(undefined)).toBeUndefined();
  });
});
