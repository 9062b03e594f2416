import { randomUUID } from 'node:crypto';
import type { LambdaHost } from './lambda-host';
import type { ApiRoute } from './provision-service';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/**
 * API Gateway's side of the HTTP API, emulated: picks the template's route for a request (an exact
 * route before the greedy `{proxy+}` one), refuses a JWT route without a bearer token as the authorizer
 * would (401, `{"message":"Unauthorized"}`), and invokes the API function with a payload format 2.0
 * event whose `requestContext.authorizer.jwt.claims` are the token's claims. It does not verify tokens
 * (the function does, against the user pool's keys); a deployment's authorizer is checked on AWS.
 */
export class ApiGateway {
  constructor(
    private readonly host: LambdaHost,
    private readonly functionName: string,
    private readonly routes: readonly ApiRoute[],
    private readonly context: { region: string; account: string },
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const [rawPath = path, rawQueryString = ''] = path.split('?');
    const route = this.routeFor(method, rawPath);
    if (!route) return { status: 404, headers: {}, body: { message: 'Not Found' } as T };
    const headers: Record<string, string> = {
      host: `emulated.execute-api.${this.context.region}.amazonaws.com`,
      'user-agent': 'meridian-emulator',
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...Object.fromEntries(
        Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      ),
    };
    let claims: Record<string, unknown> | undefined;
    if (route.authorizationType === 'JWT') {
      claims = bearerClaims(headers.authorization);
      if (!claims) return { status: 401, headers: {}, body: { message: 'Unauthorized' } as T };
    }
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath,
      rawQueryString,
      headers,
      requestContext: {
        accountId: this.context.account,
        apiId: 'emulated',
        domainName: headers.host,
        domainPrefix: 'emulated',
        http: {
          method,
          path: rawPath,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: headers['user-agent'],
        },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(claims ? { authorizer: { jwt: { claims: stringClaims(claims), scopes: null } } } : {}),
      },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      isBase64Encoded: false,
      ...(route.parameters ? { pathParameters: route.parameters } : {}),
    };
    const result = await this.host.invoke(this.functionName, event);
    // API Gateway answers a failed integration (the function threw or timed out) with a bare 500.
    if (!result.ok) return { status: 500, headers: {}, body: { message: 'Internal Server Error' } as T };
    const response = result.payload as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    const text = response.isBase64Encoded
      ? Buffer.from(response.body ?? '', 'base64').toString('utf8')
      : (response.body ?? '');
    const contentType = response.headers?.['content-type'] ?? '';
    return {
      status: response.statusCode,
      headers: response.headers ?? {},
      body: (contentType.includes('json') && text !== '' ? JSON.parse(text) : text) as T,
    };
  }

  private routeFor(
    method: string,
    path: string,
  ): (ApiRoute & { parameters?: Record<string, string> }) | undefined {
    const candidates = this.routes
      .map((route) => ({ route, parameters: matchRoute(route.routeKey, method, path) }))
      .filter((candidate) => candidate.parameters !== undefined);
    // The most specific route wins: fewer greedy segments, then more literal characters.
    candidates.sort((a, b) => specificity(b.route.routeKey) - specificity(a.route.routeKey));
    const best = candidates[0];
    return (
      best && {
        ...best.route,
        ...(Object.keys(best.parameters ?? {}).length > 0 ? { parameters: best.parameters } : {}),
      }
    );
  }
}

function matchRoute(routeKey: string, method: string, path: string): Record<string, string> | undefined {
  const [routeMethod = '', routePath = ''] = routeKey.split(' ');
  if (routeMethod !== 'ANY' && routeMethod !== method.toUpperCase()) return undefined;
  const parameters: Record<string, string> = {};
  const names: string[] = [];
  const pattern = routePath.replace(/\{([^}+]+)(\+?)\}/g, (_match, name: string, greedy: string) => {
    names.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  names.forEach((name, index) => {
    parameters[name] = decodeURIComponent(match[index + 1] ?? '');
  });
  return parameters;
}

function specificity(routeKey: string): number {
  const path = routeKey.split(' ')[1] ?? '';
  return (path.includes('+}') ? 0 : 10_000) + path.replace(/\{[^}]+\}/g, '').length;
}

function bearerClaims(authorization: string | undefined): Record<string, unknown> | undefined {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** API Gateway passes claims as strings (arrays as `[a b]`). */
function stringClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : String(value),
    ]),
  );
}
