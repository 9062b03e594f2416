import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { ApiDependencies } from '../api-env';
import { createApiApp } from '../app';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiDocumentConfig } from './document';
import { defineRoute, type RouteConfig } from './route-registry';

const CONFIG: OpenApiDocumentConfig = {
  info: { title: 'Test API', version: '1.0.0' },
  servers: [{ url: '/api/v1' }],
  securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
};

const colourSchema = z.enum(['RED', 'BLUE']).meta({ id: 'Colour' });
const widgetSchema = z
  .object({
    id: z.string(),
    colour: colourSchema,
    count: z.number().int(),
    extra: z.strictObject({ a: z.string() }),
  })
  .meta({ id: 'Widget' });
const createWidgetSchema = z
  .strictObject({ colour: colourSchema, count: z.number().int().min(1).default(1) })
  .meta({ id: 'CreateWidgetRequest' });

const routes: RouteConfig[] = [
  defineRoute({
    method: 'post',
    path: '/widgets/{shelf}',
    tags: ['widgets'],
    summary: 'Make a widget',
    security: [{ bearerAuth: [] }],
    request: {
      params: z.object({ shelf: z.string().min(1) }),
      query: z.object({ dryRun: z.coerce.boolean().default(false) }),
      headers: z.object({ 'idempotency-key': z.string().meta({ description: 'Once per attempt.' }) }),
      body: { required: true, content: { 'application/json': { schema: createWidgetSchema } } },
    },
    responses: {
      201: {
        description: 'Made.',
        headers: z.object({ location: z.string() }),
        content: { 'application/json': { schema: widgetSchema } },
      },
      400: { description: 'Invalid.', content: { 'application/problem+json': { schema: z.object({}) } } },
    },
  }),
  defineRoute({
    method: 'get',
    path: '/widgets/{shelf}',
    responses: {
      200: {
        description: 'Widgets.',
        content: { 'application/json': { schema: z.object({ items: z.array(widgetSchema) }) } },
      },
    },
  }),
];

/** Every `$ref` in a document, wherever it sits. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument(routes, CONFIG);
  const post = doc.paths['/widgets/{shelf}']?.post;

  it('is OpenAPI 3.1 with the given info, servers and security schemes', () => {
    expect(doc).toMatchObject({ openapi: '3.1.0', info: CONFIG.info, servers: CONFIG.servers });
    expect(doc.components.securitySchemes).toEqual(CONFIG.securitySchemes);
    expect(Object.keys(doc.paths['/widgets/{shelf}'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(post).toMatchObject({
      tags: ['widgets'],
      summary: 'Make a widget',
      security: [{ bearerAuth: [] }],
    });
  });

  it('puts every schema named with .meta({ id }) into components and refers to it there', () => {
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['Colour', 'CreateWidgetRequest', 'Widget']);
    expect(post?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CreateWidgetRequest',
    });
    expect(post?.responses['201']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Widget',
    });
    expect(doc.components.schemas.Widget?.properties?.colour).toEqual({
      $ref: '#/components/schemas/Colour',
    });
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop() ?? '']).toBeDefined();
    }
    expect(JSON.stringify(doc)).not.toMatch(/"\$defs"|"\$schema"|"id":"Widget"/);
  });

  it('documents path, query and header parameters from their object schemas', () => {
    expect(post?.parameters).toEqual([
      { name: 'shelf', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean', default: false } },
      {
        name: 'idempotency-key',
        in: 'header',
        required: true,
        description: 'Once per attempt.',
        schema: { type: 'string', description: 'Once per attempt.' },
      },
    ]);
  });

  it('documents request bodies as input and responses as output, with their headers and media types', () => {
    // A default makes a request field optional; a plain response object stays open to new fields.
    expect(doc.components.schemas.CreateWidgetRequest).toMatchObject({
      required: ['colour'],
      additionalProperties: false,
    });
    const widget = doc.components.schemas.Widget;
    expect(widget?.required).toEqual(['id', 'colour', 'count', 'extra']);
    expect(widget?.additionalProperties).toBeUndefined();
    expect(widget?.properties?.extra).toMatchObject({ additionalProperties: false });
    expect(widget?.properties?.count).toEqual({ type: 'integer' });
    expect(post?.requestBody?.required).toBe(true);
    expect(post?.responses['201']?.headers).toEqual({
      location: { required: true, schema: { type: 'string' } },
    });
    expect(Object.keys(post?.responses['400']?.content ?? {})).toEqual(['application/problem+json']);
  });

  it('refuses a component that would document differently as request and response', () => {
    const shared = z.object({ n: z.number().default(1) }).meta({ id: 'Shared' });
    const route = defineRoute({
      method: 'post',
      path: '/shared',
      request: { body: { required: true, content: { 'application/json': { schema: shared } } } },
      responses: { 200: { description: 'Echo.', content: { 'application/json': { schema: shared } } } },
    });

    expect(() => buildOpenApiDocument([route], CONFIG)).toThrow(/Shared/);
  });
});

describe('the API document', () => {
  const deps = { ctx: { region: 'eu-west-1' } } as unknown as ApiDependencies;

  async function fetchDocument() {
    const response = await createApiApp(deps).request('/api/v1/openapi.json');
    expect(response.status).toBe(200);
    return (await response.json()) as OpenApiDocument;
  }

  it('is served at /api/v1/openapi.json with resolvable component references', async () => {
    const doc = await fetchDocument();

    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Order', 'PlaceOrderRequest', 'Product', 'OrderPage']),
    );
    for (const ref of refsIn(doc))
      expect(doc.components.schemas[ref.split('/').pop() ?? ''], ref).toBeDefined();
    expect(doc.paths['/orders']?.post?.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }),
    );
    expect(doc.paths['/admin/products/{sku}']?.patch?.parameters).toContainEqual(
      expect.objectContaining({ name: 'sku', in: 'path', required: true }),
    );
  });
});
