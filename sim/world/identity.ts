import { ADMIN_GROUP, type Principal, type TokenVerifier, UnauthenticatedError } from '@meridian/domain';

/**
 * The identity provider is an edge: tokens are `sim:<subject>` or `sim-admin:<subject>`. The regions'
 * JWT verification (jose) runs on WebCrypto, whose answers come back on a thread pool, outside the
 * simulated time, so a simulated region verifies these instead; the API's authorization rules are the
 * same code.
 */
export class SimTokenVerifier implements TokenVerifier {
  async verify(token: string): Promise<Principal> {
    const match = /^sim(-admin)?:([A-Za-z0-9_-]{1,40})$/.exec(token);
    if (!match?.[2]) throw new UnauthenticatedError();
    const admin = match[1] !== undefined;
    return { subject: match[2], groups: admin ? [ADMIN_GROUP] : [], isAdmin: admin };
  }
}

export const customerToken = (customerId: string) => `sim:${customerId}`;
export const adminToken = () => 'sim-admin:operator';
