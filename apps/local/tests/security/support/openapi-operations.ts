/** The parts of an OpenAPI 3.1 document the hostile-request generator reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  anyOf?: JsonSchema[];
  default?: unknown;
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
        security?: unknown[];
        tags?: string[];
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
}

/** One operation of the API, with its schemas resolved. */
export interface Operation {
  method: string;
  /** OpenAPI form, under /api/v1: `/orders/{orderId}/cancel`. */
  path: string;
  pathParams: Array<{ name: string; schema: JsonSchema }>;
  query: Array<{ name: string; schema: JsonSchema }>;
  headers: Array<{ name: string; required: boolean; schema: JsonSchema }>;
  body: JsonSchema | undefined;
  secured: boolean;
  admin: boolean;
  /** Whether a request that got through would change state (every method but GET). */
  changesState: boolean;
}

/** Replaces every `$ref` by the schema it names, so generators never meet one. */
export function resolveSchema(schema: JsonSchema, document: OpenApiDocument, depth = 0): JsonSchema {
  if (depth > 20) throw new Error('schema nesting too deep to resolve');
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components.schemas[name];
    if (!target) throw new Error(`unknown schema ${schema.$ref}`);
    return resolveSchema(target, document, depth + 1);
  }
  const resolved: JsonSchema = { ...schema };
  if (schema.properties)
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [
        name,
        resolveSchema(property, document, depth + 1),
      ]),
    );
  if (schema.items) resolved.items = resolveSchema(schema.items, document, depth + 1);
  if (schema.anyOf) resolved.anyOf = schema.anyOf.map((option) => resolveSchema(option, document, depth + 1));
  return resolved;
}

/** Every operation the document describes. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const body = operation.requestBody?.content['application/json'].schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters
          .filter((parameter) => parameter.in === 'path')
          .map(({ name, schema }) => ({ name, schema })),
        query: parameters
          .filter((parameter) => parameter.in === 'query')
          .map(({ name, schema }) => ({ name, schema })),
        headers: parameters
          .filter((parameter) => parameter.in === 'header')
          .map(({ name, required, schema }) => ({ name, required: required ?? false, schema })),
        body: body ? resolveSchema(body, document) : undefined,
        secured: (operation.security ?? []).length > 0,
        admin: path.startsWith('/admin/'),
        changesState: method !== 'get',
      });
    }
  }
  return operations;
}

/** The JSON types a schema accepts. */
export function typesOf(schema: JsonSchema): string[] {
  if (schema.anyOf) return [...new Set(schema.anyOf.flatMap(typesOf))];
  if (schema.enum) return [...new Set(schema.enum.map((value) => (value === null ? 'null' : typeof value)))];
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.flatMap((type) => (type === 'integer' ? ['number'] : [type]));
}
