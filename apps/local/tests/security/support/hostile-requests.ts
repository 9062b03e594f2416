import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { invalidBody, malformedJson } from './invalid-bodies';
import type { Operation } from './openapi-operations';

export interface HostileRequest {
  /** `POST /orders/{orderId}/cancel`: the operation of the document it was made from. */
  operation: string;
  /** What makes it hostile, e.g. `body:unknown-key:__proto__` or `auth:alg-none`. */
  kind: string;
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Fixtures {
  /** A customer's and an admin's valid tokens, so that requests reach the checks behind authentication. */
  customer: string;
  admin: string;
  /** Tokens that must not pass, by what is wrong with them. */
  forged: Record<string, string>;
  /** Values of existing resources per path parameter, so that requests reach validation on real items. */
  existing: Record<string, string>;
  /** Every method each OpenAPI path serves. */
  methodsByPath: Record<string, string[]>;
}

/** Percent-encodes every byte of a string's UTF-8 form except unreserved characters (lone surrogates too). */
export function encodeSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

// Path segments as an attacker writes them (already escaped as sent).
const HOSTILE_SEGMENTS = [
  '..',
  '%2e%2e',
  '.%2E',
  '%252e%252e',
  '..%2f..%2finternal',
  '%2f..%2f..',
  '%5c..%5c',
  '%00',
  'a%00b',
  '%0d%0aSet-Cookie:%20x=1',
  '%27%20OR%201%3D1--',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '%24%7B7*7%7D',
  '%7B%7B7*7%7D%7D',
  '%E2%80%AE',
  '%C0%AE%C0%AE',
  '%EF%BC%8E%EF%BC%8E',
  '%F0%9F%92%A5',
  '%FF',
  '%',
  '%zz',
  '__proto__',
  'constructor',
];

const HOSTILE_QUERIES = [
  'limit=0',
  'limit=101',
  'limit=-1',
  'limit=abc',
  'limit=1.5',
  'limit=1e2',
  'limit=0x10',
  'limit=%2B5',
  'limit=',
  'limit=%zz',
  'limit=1&limit=2',
  'limit[]=1',
  'cursor=',
  'cursor=%00',
  `cursor=${'a'.repeat(501)}`,
  'cursor=not-a-cursor',
  'cursor=eyJwayI6IkFETUlOIn0',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  'status=BOGUS',
  'status=RUNNING&status=FAILED',
  '%ff=1',
  'a=%C0%AE',
  `x=${'%41'.repeat(1000)}`,
];

const INTERNAL_TARGETS = [
  'internal/status',
  'internal/link',
  'internal/replication/changes?after=0&limit=2000&from=x',
  'internal/inventory/transfers',
];
const UPS = ['..', '%2e%2e', '%2E%2E', '.%2e', '..%2f', '%2e%2e%5c'];
const WRONG_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/a+b+json',
  'application/jsonp',
  'json',
];

/** The default request for an operation: valid credentials and existing resources, JSON content. */
function baseRequest(operation: Operation, fixtures: Fixtures, params: Record<string, string> = {}) {
  const path = operation.path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => params[name] ?? encodeSegment(fixtures.existing[name] ?? 'ZZ-404'),
  );
  const headers: Record<string, string> = {};
  if (operation.secured)
    headers.authorization = `Bearer ${operation.admin ? fixtures.admin : fixtures.customer}`;
  for (const header of operation.headers)
    if (header.name === 'idempotency-key') headers[header.name] = `hostile-${randomUUID()}`;
  if (operation.body) headers['content-type'] = 'application/json';
  return { target: `/api/v1${path}`, headers };
}

/**
 * Requests made from one operation of the OpenAPI document, each spoiled in one way that the API must
 * refuse whatever else the request holds: its body (types, limits, characters, keys, nesting, syntax,
 * encoding, size, media type), a path parameter, the query, the credentials, a header, the method, or the
 * path itself (traversal). None of them may change anything.
 */
export function hostileRequestsFor(operation: Operation, fixtures: Fixtures): fc.Arbitrary<HostileRequest> {
  const name = `${operation.method} ${operation.path}`;
  const made = (kind: string, request: Omit<HostileRequest, 'operation' | 'kind'>): HostileRequest => ({
    operation: name,
    kind,
    ...request,
  });
  const kinds: Array<{ arbitrary: fc.Arbitrary<HostileRequest>; weight: number }> = [];
  const { body } = operation;

  if (body) {
    kinds.push({
      weight: 8,
      arbitrary: invalidBody(body).map(({ kind, text }) => {
        const base = baseRequest(operation, fixtures);
        return made(`body:${kind}`, { method: operation.method, ...base, body: Buffer.from(text) });
      }),
    });
    kinds.push({
      weight: 2,
      arbitrary: malformedJson(body).map(({ kind, body: bytes }) => {
        const base = baseRequest(operation, fixtures);
        return made(kind, { method: operation.method, ...base, body: bytes });
      }),
    });
  }
  if (operation.changesState) {
    kinds.push({
      weight: 1,
      arbitrary: fc.constantFrom(...CONTENT_TYPES).map((type) => {
        const base = baseRequest(operation, fixtures);
        return made(`media-type:${type}`, {
          method: operation.method,
          target: base.target,
          headers: { ...base.headers, 'content-type': type },
          body: Buffer.from('{"items":[{"sku":"MUG-001","quantity":1}]}'),
        });
      }),
    });
    kinds.push({
      weight: 1,
      arbitrary: fc.constantFrom(33 * 1024, 200 * 1024, 1024 * 1024 + 1).map((size) => {
        const base = baseRequest(operation, fixtures);
        return made(`oversized-body:${size}`, {
          method: operation.method,
          ...base,
          headers: { ...base.headers, 'content-type': 'application/json' },
          body: Buffer.from(`{"padding":"${'a'.repeat(size)}"}`),
        });
      }),
    });
  }
  for (const param of operation.pathParams) {
    kinds.push({
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(...HOSTILE_SEGMENTS),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map(encodeSegment),
          fc
            .integer({ min: 1, max: 400 })
            .map((extra) => 'A'.repeat((param.schema.maxLength ?? 100) + extra)),
        )
        .map((value) => {
          const base = baseRequest(operation, fixtures, { [param.name]: value });
          return made(`param:${param.name}`, {
            method: operation.method,
            ...base,
            ...(body ? { body: Buffer.from('{}') } : {}),
          });
        }),
    });
  }
  if (operation.method === 'GET') {
    kinds.push({
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(...HOSTILE_QUERIES),
          fc
            .tuple(
              fc.constantFrom('limit', 'cursor', 'status', '__proto__', 'x'),
              fc.string({ unit: 'binary', maxLength: 40 }),
            )
            .map(([key, value]) => `${key}=${encodeSegment(value)}`),
        )
        .map((query) => {
          const base = baseRequest(operation, fixtures);
          return made(`query:${query.slice(0, 40)}`, {
            method: 'GET',
            target: `${base.target}?${query}`,
            headers: base.headers,
          });
        }),
    });
  }
  if (operation.secured) {
    kinds.push({
      weight: 3,
      arbitrary: fc.constantFrom(...Object.entries(fixtures.forged)).map(([what, header]) => {
        const base = baseRequest(operation, fixtures);
        const headers = { ...base.headers };
        if (header) headers.authorization = header;
        else delete headers.authorization;
        return made(`auth:${what}`, {
          method: operation.method,
          target: base.target,
          headers,
          ...(body ? { body: Buffer.from('{}') } : {}),
        });
      }),
    });
  }
  if (operation.admin) {
    kinds.push({
      weight: 1,
      arbitrary: fc.constant(null).map(() => {
        const base = baseRequest(operation, fixtures);
        return made('auth:customer-on-admin-route', {
          method: operation.method,
          target: base.target,
          headers: { ...base.headers, authorization: `Bearer ${fixtures.customer}` },
          ...(body ? { body: Buffer.from('{}') } : {}),
        });
      }),
    });
  }
  if (operation.headers.some((header) => header.name === 'idempotency-key' && header.required)) {
    kinds.push({
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constant(undefined),
          fc.constantFrom('', ' ', 'a b', 'k\u00e9y', 'x'.repeat(256)),
          fc
            .string({ unit: 'binary', minLength: 1, maxLength: 20 })
            .filter((key) => /[^\x21-\x7e]/.test(key)),
        )
        .map((key) => {
          const base = baseRequest(operation, fixtures);
          const headers = { ...base.headers };
          delete headers['idempotency-key'];
          // Header values travel as latin1: anything else is written as its UTF-8 bytes.
          if (key !== undefined) headers['idempotency-key'] = Buffer.from(key, 'utf8').toString('latin1');
          return made('header:idempotency-key', {
            method: operation.method,
            ...base,
            headers,
            body: Buffer.from('{"items":[{"sku":"MUG-001","quantity":1}]}'),
          });
        }),
    });
  }
  kinds.push({
    weight: 1,
    arbitrary: fc.integer({ min: 17 * 1024, max: 64 * 1024 }).map((size) => {
      const base = baseRequest(operation, fixtures);
      return made('header:oversized', {
        method: operation.method,
        target: base.target,
        headers: { ...base.headers, 'x-padding': 'a'.repeat(size) },
        ...(body ? { body: Buffer.from('{}') } : {}),
      });
    }),
  });
  const allowed = fixtures.methodsByPath[operation.path] ?? [];
  const wrong = WRONG_METHODS.filter((method) => !allowed.includes(method));
  kinds.push({
    weight: 1,
    arbitrary: fc
      .constantFrom(...wrong)
      .map((method) => made(`method:${method}`, { method, ...baseRequest(operation, fixtures) })),
  });
  kinds.push({
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...UPS), fc.integer({ min: 1, max: 4 }), fc.constantFrom(...INTERNAL_TARGETS))
      .map(([up, depth, internal]) => {
        const base = baseRequest(operation, fixtures);
        return made(`traversal:${up}`, {
          method: operation.method,
          target: `${base.target}/${Array.from({ length: depth }, () => up).join('/')}/${internal}`,
          headers: base.headers,
          ...(body ? { body: Buffer.from('{"up":false}') } : {}),
        });
      }),
  });
  return fc.oneof(...kinds);
}
