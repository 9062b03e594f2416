import * as z from 'zod';
import type { RouteConfig, RouteResponse } from './route-registry';

type JsonSchema = z.core.JSONSchema.BaseSchema;
type Io = 'input' | 'output';

export interface OpenApiParameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiHeader {
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, OpenApiHeader>;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface OpenApiOperation {
  tags?: readonly string[];
  summary?: string;
  description?: string;
  security?: RouteConfig['security'];
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
}

export interface SecurityScheme {
  type: 'http';
  scheme: string;
  bearerFormat?: string;
  description?: string;
}

export interface OpenApiDocumentConfig {
  info: { title: string; version: string; description?: string };
  servers: Array<{ url: string }>;
  securitySchemes: Record<string, SecurityScheme>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiDocumentConfig['info'];
  servers: OpenApiDocumentConfig['servers'];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, SecurityScheme> };
}

const DEFS_PREFIX = '#/$defs/';
const COMPONENTS_PREFIX = '#/components/schemas/';

/**
 * Keeps the schemas as readers and client generators expect them. Zod closes every plain object in
 * output mode (it strips unknown keys), but a response contract must stay open to new fields: only
 * strict objects say `additionalProperties: false`. And `.int()` bounds that are merely the safe
 * integer range say nothing a JSON number does not, so they are dropped.
 */
function tidySchema({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }) {
  const def = zodSchema._zod.def;
  if (def.type === 'object' && def.catchall === undefined && jsonSchema.additionalProperties === false)
    delete jsonSchema.additionalProperties;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

/** Rewrites zod's local `#/$defs/<id>` references to the document's components. */
function toComponentRefs<T>(value: T): T {
  if (Array.isArray(value)) return value.map(toComponentRefs) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([key, inner]) => [
    key,
    key === '$ref' && typeof inner === 'string' && inner.startsWith(DEFS_PREFIX)
      ? COMPONENTS_PREFIX + inner.slice(DEFS_PREFIX.length)
      : toComponentRefs(inner),
  ]);
  return Object.fromEntries(entries) as T;
}

/**
 * Converts zod schemas with zod's own JSON Schema generator (draft 2020-12, the dialect of OpenAPI
 * 3.1). Every schema named with `.meta({ id })` comes back in `$defs`; it is moved into
 * `components.schemas` and referenced from there.
 */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: Io): JsonSchema {
    const {
      $schema: _dialect,
      $defs,
      ...root
    } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      override: tidySchema,
    });
    for (const [id, definition] of Object.entries($defs ?? {})) this.addComponent(id, definition, io);
    return toComponentRefs(root);
  }

  private addComponent(id: string, definition: JsonSchema, io: Io): void {
    // zod names the unnamed schemas it must extract (recursive ones) `__schemaN`, per conversion.
    if (id.startsWith('__schema')) {
      throw new Error(`A recursive schema needs .meta({ id }) to be documented (got ${id}).`);
    }
    const component = toComponentRefs(definition);
    const existing = this.components[id];
    // Request bodies are documented as input, responses as output: a schema with defaults or
    // transforms would differ between the two, and one component cannot say both.
    if (existing && JSON.stringify(existing) !== JSON.stringify(component)) {
      throw new Error(
        `Schema ${id} documents differently as ${io} than elsewhere; give each use its own id.`,
      );
    }
    this.components[id] = component;
  }

  /** Query, path or header parameters: one per property of the object schema. */
  parameters(schema: z.ZodObject, location: OpenApiParameter['in']): OpenApiParameter[] {
    const json = this.convert(schema, 'input');
    const required = new Set(json.required ?? []);
    return Object.entries(json.properties ?? {}).map(([name, property]) => {
      const propertySchema = typeof property === 'boolean' ? {} : property;
      return {
        schema: propertySchema,
        required: location === 'path' || required.has(name),
        ...(propertySchema.description ? { description: propertySchema.description } : {}),
        name,
        in: location,
      };
    });
  }

  response(response: RouteResponse): OpenApiResponse {
    const result: OpenApiResponse = { description: response.description };
    if (response.headers) {
      const headers: Record<string, OpenApiHeader> = {};
      for (const { name, required, description, schema } of this.parameters(response.headers, 'header')) {
        headers[name] = { schema, required, ...(description ? { description } : {}) };
      }
      result.headers = headers;
    }
    if (response.content) {
      result.content = Object.fromEntries(
        Object.entries(response.content).map(([type, { schema }]) => [
          type,
          { schema: this.convert(schema, 'output') },
        ]),
      );
    }
    return result;
  }
}

function operation(route: RouteConfig, schemas: SchemaCollector): OpenApiOperation {
  const { query, params, headers, body } = route.request ?? {};
  const parameters = [
    ...(params ? schemas.parameters(params, 'path') : []),
    ...(query ? schemas.parameters(query, 'query') : []),
    ...(headers ? schemas.parameters(headers, 'header') : []),
  ];
  const result: OpenApiOperation = {
    ...(route.tags ? { tags: route.tags } : {}),
    ...(route.summary ? { summary: route.summary } : {}),
    ...(route.description ? { description: route.description } : {}),
    ...(route.security ? { security: route.security } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: {},
  };
  if (body) {
    result.requestBody = {
      ...(body.description ? { description: body.description } : {}),
      required: body.required,
      content: {
        'application/json': { schema: schemas.convert(body.content['application/json'].schema, 'input') },
      },
    };
  }
  for (const [status, response] of Object.entries(route.responses)) {
    result.responses[status] = schemas.response(response);
  }
  return result;
}

/** The OpenAPI 3.1 document of the given routes (paths relative to the first server). */
export function buildOpenApiDocument(
  routes: readonly RouteConfig[],
  config: OpenApiDocumentConfig,
): OpenApiDocument {
  const schemas = new SchemaCollector();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    item[route.method] = operation(route, schemas);
    paths[route.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: config.info,
    servers: config.servers,
    components: { schemas: schemas.components, securitySchemes: config.securitySchemes },
    paths,
  };
}
