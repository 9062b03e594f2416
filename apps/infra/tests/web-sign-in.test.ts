import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authorizeUrl, logoutUrl, tokenRequest } from '@meridian/web/auth/cognito';
import { parseRuntimeConfig } from '@meridian/web/auth/runtime-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meridianConfig } from '../meridian.config';
import { parseConfig } from '../src/config/config-schema';
import { REPO_ROOT } from '../src/function-catalog';
import { WebConfigError, webConfig } from '../src/web/web-config';
import {
  flattenJoin,
  resourcesOfType,
  type Synthesized,
  sdkCalls,
  ssmParameterNames,
  synthesize,
  TEST_CONFIG,
} from './support/synthesize';

/**
 * Web sign-in on AWS: the hosted UI (a user-pool domain), a public OAuth client whose callback and
 * sign-out URLs are the storefront's, a CSP that lets the app reach exactly that hosted UI, and a
 * /config.json the web app's own parser accepts, naming the same client, domain and callback.
 */
const hostedUi = (account: string) => `https://meridian-${account}.auth.us-east-1.amazoncognito.com`;
const HOSTED_UI = hostedUi('123456789012');
let shipped: Synthesized;
let withDomain: Synthesized;

beforeAll(() => {
  shipped = synthesize('sign-in-shipped', meridianConfig);
  withDomain = synthesize('sign-in-domain', TEST_CONFIG);
});
afterAll(() => {
  shipped?.cleanup();
  withDomain?.cleanup();
});

const webClient = (synth: Synthesized, stackName: string) => {
  const [[, client] = []] = resourcesOfType(synth.json(stackName), 'AWS::Cognito::UserPoolClient');
  return client?.Properties ?? {};
};
const csp = (synth: Synthesized) => {
  const [[, policy] = []] = resourcesOfType(
    synth.json('Global-Global'),
    'AWS::CloudFront::ResponseHeadersPolicy',
  );
  const config = policy?.Properties?.ResponseHeadersPolicyConfig as {
    SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: string } };
  };
  const directives = config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy.split('; ');
  return new Map(directives.map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
};

describe('the user pool', () => {
  it('has a Cognito domain for the hosted UI, named after the account unless configured', () => {
    withDomain.template('Region-us-east-1-Data').hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: 'meridian-123456789012',
      ManagedLoginVersion: 1,
    });
    expect(parseConfig({ ...TEST_CONFIG, signInDomainPrefix: 'shop-login' }).signInDomainPrefix).toBe(
      'shop-login',
    );
    expect(() => parseConfig({ ...TEST_CONFIG, signInDomainPrefix: 'my-cognito-shop' })).toThrow(
      /signInDomainPrefix/,
    );
  });

  it('has a public client with the code flow and the scopes the web app asks for', () => {
    expect(webClient(withDomain, 'Region-us-east-1-Data')).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: expect.arrayContaining(['ALLOW_ADMIN_USER_PASSWORD_AUTH']),
    });
    const scope = new URL(authorizeUrl(appConfig('https://shop.example.com').auth, 'c', 's')).searchParams;
    expect(scope.get('scope')?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });
});

/** The web app's own reading of the config.json the pipeline writes for this storefront. */
function appConfig(webUrl: string) {
  const parsed = parseRuntimeConfig(
    webConfig({
      webUrl,
      signInUrl: HOSTED_UI,
      userPoolId: 'us-east-1_pool',
      userPoolClientId: 'client-1',
      identityRegion: 'us-east-1',
    }),
  );
  if (parsed.auth.kind !== 'cognito') throw new Error('the web app did not read a Cognito config');
  return { auth: parsed.auth };
}

describe('with a domain', () => {
  it('registers https://<domain> on the client and nothing afterwards', () => {
    const client = webClient(withDomain, 'Region-us-east-1-Data');
    const { auth } = appConfig('https://shop.example.com');
    expect(client.CallbackURLs).toEqual([auth.redirectUri]);
    expect(client.LogoutURLs).toEqual(['https://shop.example.com/']);
    expect(sdkCalls(withDomain.json('Global-Global')).map((entry) => entry.call.action)).toEqual([]);
  });
});

describe('without a domain (CloudFront’s generated name)', () => {
  it('seeds the origin parameter in the primary region once, before the Data stack reads it', () => {
    const [seed, ...others] = sdkCalls(shipped.json('Foundation-us-east-1-Keys'));
    expect(others).toEqual([]);
    expect(seed?.call).toMatchObject({
      action: 'putParameter',
      region: 'us-east-1',
      parameters: { Name: '/meridian/web/origin', Overwrite: false },
    });
    expect(seed?.resource).not.toHaveProperty('Update');
    expect(seed?.resource).not.toHaveProperty('Delete');
    expect(sdkCalls(shipped.json('Foundation-eu-west-1-Keys'))).toEqual([]);
  });

  it('lets the Data stack’s client read the origin afresh on every deployment', () => {
    const data = shipped.json('Region-us-east-1-Data');
    const parameter = ssmParameterNames(data).get('/meridian/web/origin');
    const client = webClient(shipped, 'Region-us-east-1-Data');
    expect(parameter).toBeDefined();
    expect((client.CallbackURLs as unknown[]).map(flattenJoin)).toEqual([
      `«Ref:${parameter}»/sign-in/callback`,
    ]);
    expect((client.LogoutURLs as unknown[]).map(flattenJoin)).toEqual([`«Ref:${parameter}»/`]);
  });

  it('writes CloudFront’s name there and onto the client, with every setting the Data stack gives it', () => {
    const calls = sdkCalls(shipped.json('Global-Global'));
    const origin = calls.find((entry) => entry.call.parameters.Name === '/meridian/web/origin');
    expect(origin?.call).toMatchObject({ action: 'putParameter', region: 'us-east-1' });
    expect(origin?.call.parameters.Value).toMatch(/^https:\/\/«GetAtt:CdnDistribution\w+\.DomainName»$/);
    // The Data stack reads it and deploys first: deleting it would block the next deployment.
    expect(origin?.resource).not.toHaveProperty('Delete');

    const update = calls.find((entry) => entry.call.action === 'updateUserPoolClient');
    expect(update?.call).toMatchObject({ region: 'us-east-1', outputPaths: ['UserPoolClient.ClientId'] });
    const { UserPoolId: _pool, ClientId: _client, ...sent } = update?.call.parameters ?? {};
    const {
      UserPoolId: _owner,
      GenerateSecret: _secret,
      ...declared
    } = webClient(shipped, 'Region-us-east-1-Data');
    // UpdateUserPoolClient resets what it is not sent: the same settings, only the origin differs.
    const withoutOrigin = (settings: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(settings, (_key, value) => (value?.['Fn::Join'] ? flattenJoin(value) : value)).replace(
          /(https:\/\/)?«[^»]+»/g,
          '<origin>',
        ),
      );
    expect(withoutOrigin(sent)).toEqual(withoutOrigin(declared));
    expect(sent.CallbackURLs).toEqual([`${origin?.call.parameters.Value}/sign-in/callback`]);
  });
});

describe('the content security policy', () => {
  it('admits exactly the hosted UI for the token call and the sign-in pages', () => {
    for (const [synth, account] of [
      [shipped, '111111111111'],
      [withDomain, '123456789012'],
    ] as const) {
      const directives = csp(synth);
      expect(directives.get('connect-src')).toEqual(["'self'", hostedUi(account)]);
      expect(directives.get('form-action')).toEqual(["'self'", hostedUi(account)]);
    }
    const { auth } = appConfig('https://shop.example.com');
    const allowed = csp(withDomain).get('connect-src') ?? [];
    expect(allowed).toContain(new URL(tokenRequest(auth, 'code', 'verifier').url).origin);
    expect(allowed).toContain(new URL(logoutUrl(auth, 'https://shop.example.com/')).origin);
  });

  it('allows no inline script or style, as local mode serves the same app (the browser tests run under it)', () => {
    const directives = csp(shipped);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('/config.json', () => {
  it('is written by the pipeline from the global stack’s outputs, uncached, before the app is synced', () => {
    const projects = resourcesOfType(shipped.json('MeridianPipeline'), 'AWS::CodeBuild::Project')
      .map(([, project]) => JSON.stringify(project.Properties))
      .filter((project) => project.includes('web-config.ts'));
    expect(projects).toHaveLength(1);
    const commands = projects[0] ?? '';
    const write = commands.indexOf('apps/infra/src/web/web-config.ts apps/web/dist/config.json');
    const upload = commands.search(/config\.json\S* --cache-control no-cache/);
    expect(write).toBeGreaterThan(commands.indexOf('npm run build --workspace @meridian/web'));
    expect(upload).toBeGreaterThan(write);
    expect(commands.indexOf('--delete --exclude config.json')).toBeGreaterThan(upload);
    const [[, pipeline] = []] = resourcesOfType(
      shipped.json('MeridianPipeline'),
      'AWS::CodePipeline::Pipeline',
    );
    const stages = (pipeline?.Properties?.Stages ?? []) as Array<{ Actions: Array<{ Name: string }> }>;
    const publish = JSON.stringify(
      stages.flatMap((stage) => stage.Actions).find((action) => action.Name === 'PublishWeb'),
    );
    for (const name of ['WEB_URL', 'SIGN_IN_URL', 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'IDENTITY_REGION'])
      expect(publish).toContain(name);
  });

  it('is read by the web app as Cognito sign-in, back to the route the app serves', () => {
    const { auth } = appConfig('https://d111.cloudfront.net/');
    expect(auth).toEqual({
      kind: 'cognito',
      domain: HOSTED_UI,
      clientId: 'client-1',
      redirectUri: 'https://d111.cloudfront.net/sign-in/callback',
    });
    const routes = readFileSync(join(REPO_ROOT, 'apps/web/src/routes.tsx'), 'utf8');
    expect(routes).toContain(`pattern: '${new URL(auth.redirectUri).pathname}'`);
    expect(
      webConfig({
        webUrl: 'https://shop.example.com',
        signInUrl: HOSTED_UI,
        userPoolId: 'p',
        userPoolClientId: 'c',
        identityRegion: 'us-east-1',
      }).apiUrl,
    ).toBe('https://shop.example.com/api/v1');
  });

  it('refuses a web URL that is not an https origin, and empty values', () => {
    const input = {
      webUrl: 'https://shop.example.com',
      signInUrl: HOSTED_UI,
      userPoolId: 'p',
      userPoolClientId: 'c',
      identityRegion: 'us-east-1',
    };
    expect(() => webConfig({ ...input, webUrl: 'http://shop.example.com' })).toThrow(WebConfigError);
    expect(() => webConfig({ ...input, webUrl: 'https://shop.example.com/shop' })).toThrow(WebConfigError);
    expect(() => webConfig({ ...input, userPoolClientId: '' })).toThrow(/userPoolClientId is empty/);
  });
});
