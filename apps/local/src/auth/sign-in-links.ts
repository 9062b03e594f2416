import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LocalIssuer } from './local-issuer';

/** How long a printed sign-in link stays usable (once). */
export const SIGN_IN_LINK_TTL_SECONDS = 12 * 3600;

/**
 * A one-time admin sign-in link, as Jupyter prints one: the code travels in the fragment, which browsers
 * neither send to the server nor put in a Referer, and the web app trades it for an admin token once.
 */
export async function createSignInLink(issuer: LocalIssuer, publicUrl: string): Promise<string> {
  const code = await issuer.signInCode(randomUUID(), SIGN_IN_LINK_TTL_SECONDS);
  return `${publicUrl}/sign-in#code=${code}`;
}

/**
 * The sign-in codes already used, kept in a file of the data directory so that a restarted front door
 * still refuses them. Expired entries are dropped when the file is loaded.
 */
export class SignInRedemptions {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [id, expiresAt] = line.split(' ');
      const expiresAtMs = Number(expiresAt);
      if (id && Number.isFinite(expiresAtMs) && expiresAtMs > this.now()) this.used.set(id, expiresAtMs);
    }
    writeFileSync(file, this.lines(), { mode: 0o600 });
  }

  /**
   * Marks a code used and says whether it was unused until now. The mark is on disk before this returns,
   * so a code is never honoured twice, even across a crash right after.
   */
  redeem(id: string, expiresAtMs: number): boolean {
    if (this.used.has(id)) return false;
    appendFileSync(this.file, `${id} ${expiresAtMs}\n`, { mode: 0o600 });
    this.used.set(id, expiresAtMs);
    return true;
  }

  private lines(): string {
    return [...this.used].map(([id, expiresAtMs]) => `${id} ${expiresAtMs}\n`).join('');
  }
}
