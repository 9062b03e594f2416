import type { Context, Hono } from 'hono';
import * as z from 'zod';
import { DEMO_CUSTOMERS, DEMO_USERS, InvalidSignInCodeError, type LocalIssuer } from '../auth/local-issuer';
import type { SignInRedemptions } from '../auth/sign-in-links';
import { type FrontDoorEnv, problemAnswer } from './operator-access';

const tokenRequestSchema = z.strictObject({ user: z.string().min(1).max(40) });
const signInLinkRequestSchema = z.strictObject({ code: z.string().min(1).max(4096) });

/** JSON bodies only: a form or text/plain post (what a page of another site can send unasked) is refused. */
async function jsonBody(c: Context<FrontDoorEnv>): Promise<unknown> {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) return undefined;
  return c.req.json().catch(() => undefined);
}

/**
 * Local mode's stand-in for the Cognito user pool: the issuer's public keys, tokens for the demo customers
 * (anyone on this machine may shop as one), and the one-time admin sign-in (a link only someone who can
 * read the data directory can make). Admin tokens are never handed out for the asking.
 */
export function registerAuthRoutes(
  app: Hono<FrontDoorEnv>,
  options: { issuer: LocalIssuer; redemptions: SignInRedemptions },
): void {
  app.get('/auth/.well-known/jwks.json', (c) => c.json(options.issuer.jwks()));
  app.get('/auth/users', (c) => c.json({ users: DEMO_CUSTOMERS }));

  app.post('/auth/token', async (c) => {
    const parsed = tokenRequestSchema.safeParse(await jsonBody(c));
    if (!parsed.success)
      return problemAnswer(c, {
        status: 400,
        code: 'invalid_request',
        detail: 'Send {"user": "alice"} as application/json.',
      });
    const user = DEMO_USERS.find((candidate) => candidate.id === parsed.data.user);
    if (!user)
      return problemAnswer(c, {
        status: 404,
        code: 'unknown_user',
        detail: `Unknown demo customer "${parsed.data.user}". Customers: ${DEMO_CUSTOMERS.map((u) => u.id).join(', ')}.`,
      });
    if (!DEMO_CUSTOMERS.includes(user))
      return problemAnswer(c, {
        status: 403,
        code: 'admin_sign_in_required',
        detail:
          'Admin tokens are not issued over HTTP. Open the one-time sign-in link `npm start` printed, or print a new one with `npm run -s meridian -- sign-in-link` (a token for scripts: `npm run -s token -- admin`).',
      });
    const token = await options.issuer.issue(user.id);
    return c.json({ token, tokenType: 'Bearer', user: user.id });
  });

  app.post('/auth/sign-in-link', async (c) => {
    const parsed = signInLinkRequestSchema.safeParse(await jsonBody(c));
    if (!parsed.success)
      return problemAnswer(c, {
        status: 400,
        code: 'invalid_request',
        detail: 'Send {"code": "…"} (the part of the sign-in link after #code=) as application/json.',
      });
    try {
      const code = await options.issuer.verifySignInCode(parsed.data.code);
      if (!options.redemptions.redeem(code.id, code.expiresAtMs))
        throw new InvalidSignInCodeError('The sign-in link was used already; print a new one.');
      const token = await options.issuer.issue(code.subject);
      return c.json({ token, tokenType: 'Bearer', user: code.subject });
    } catch (error) {
      if (!(error instanceof InvalidSignInCodeError)) throw error;
      return problemAnswer(
        c,
        {
          status: 401,
          code: 'invalid_sign_in_link',
          detail: `${error.message} Print a new link with \`npm run -s meridian -- sign-in-link\`.`,
        },
        { 'www-authenticate': 'Bearer' },
      );
    }
  });
}
