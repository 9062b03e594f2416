import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Shorter than this, a key file was cut or edited by hand: refused rather than trusted. */
const MIN_SECRET_LENGTH = 32;

export class UnusableSecretError extends Error {
  constructor(file: string) {
    super(`${file} does not hold a usable key; delete it and start Meridian again to create a new one.`);
    this.name = 'UnusableSecretError';
  }
}

/**
 * Writes `content` to `file` only if no file is there yet (owner-only permissions), and says whether it did.
 * Several processes may start at once: the file is written aside and hard-linked into place, which fails
 * when another process got there first, so exactly one version is ever visible and every process reads it.
 */
export function createFileOnce(file: string, content: string): boolean {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * A key kept in a file of the data directory: read when the file exists, else created (32 random bytes,
 * base64url, after `prefix`) on first start. Only the machine's user who owns the data directory can read it.
 */
export function openSecretFile(file: string, prefix = ''): string {
  if (!existsSync(file)) createFileOnce(file, `${prefix}${randomBytes(32).toString('base64url')}\n`);
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH || /\s/.test(secret)) throw new UnusableSecretError(file);
  return secret;
}

/**
 * Whether a presented secret is the expected one, in constant time: both are hashed first, so neither
 * their contents nor their lengths show in how long the comparison takes.
 */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  return secretMatcher(expected)(presented);
}

/**
 * `secretMatches` against one expected secret, hashed once (a middleware checks every request with it).
 */
export function secretMatcher(expected: string): (presented: string | undefined) => boolean {
  const expectedDigest = digest(expected);
  return (presented) => {
    // A missing secret is still compared, so "absent" and "wrong" take the same time.
    const matches = timingSafeEqual(digest(presented ?? ''), expectedDigest);
    return presented !== undefined && matches;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The bearer credential of an `Authorization` header, or undefined when there is none. */
export function bearerCredential(header: string | null | undefined): string | undefined {
  const match = header ? /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header) : null;
  return match?.[1];
}
