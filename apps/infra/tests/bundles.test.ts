import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config-schema';
import { FEATURE_FLAGS } from '../src/meridian-app';
import { RegionStage } from '../src/stages/region-stage';
import { SDK_CALL_PROVIDER, TEST_CONFIG, testOutdir } from './support/synthesize';

const MAX_BUNDLE_BYTES = 300 * 1024;

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
}

let outdir: string;
let bundles: Bundle[];

beforeAll(() => {
  // One region stage with bundling on: exactly what the pipeline's assets stage uploads.
  outdir = testOutdir('bundles');
  const app = new App({ outdir, context: FEATURE_FLAGS });
  const config = parseConfig(TEST_CONFIG);
  const region = config.regions[1];
  if (!region) throw new Error('TEST_CONFIG needs a second region');
  const stage = new RegionStage(app, 'Bundles', { config, region });
  const assembly = app.synth().getNestedAssembly(stage.artifactId);
  const service: CloudFormationStackArtifact = assembly.getStackByName(stage.service.stackName);
  const resources = service.template.Resources as Record<
    string,
    { Type: string; Properties: { Code: { S3Key?: string } } }
  >;
  bundles = Object.entries(resources)
    .filter(([id, resource]) => resource.Type === 'AWS::Lambda::Function' && !SDK_CALL_PROVIDER.test(id))
    .map(([logicalId, resource]) => {
      // Logical ids read `<ServiceFunction id>Function<hash>`, e.g. ApiFunction6BF808ED.
      const name = logicalId.replace(/Function[0-9A-F]{8}$/, '');
      // The asset key is `<hash>.zip`; nested stages stage their bundles in the root `asset.<hash>/`.
      const hash = (resource.Properties.Code.S3Key ?? '').replace(/\.zip$/, '');
      const file = join(outdir, `asset.${hash}`, 'index.mjs');
      return { name, file, bytes: statSync(file).size };
    });
  console.table(
    Object.fromEntries(bundles.map((bundle) => [bundle.name, { KB: +(bundle.bytes / 1024).toFixed(1) }])),
  );
}, 120_000);
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('function bundles', () => {
  it('bundles all 16 functions, minified ESM with source maps, each within 300 KB', () => {
    expect(bundles).toHaveLength(16);
    for (const bundle of bundles) {
      expect(bundle.bytes, bundle.name).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(existsSync(`${bundle.file}.map`), bundle.name).toBe(true);
      const code = readFileSync(bundle.file, 'utf8');
      expect(code.startsWith("import{createRequire}from'node:module'"), bundle.name).toBe(true);
      // Minified: few, long lines.
      expect(code.split('\n').length, bundle.name).toBeLessThan(100);
    }
  });

  it('leaves the AWS SDK to the runtime and never pulls in SQLite', () => {
    for (const bundle of bundles) {
      const sources = (JSON.parse(readFileSync(`${bundle.file}.map`, 'utf8')) as { sources: string[] })
        .sources;
      expect(
        sources.filter((source) => /better-sqlite3|adapters-local\//.test(source)),
        bundle.name,
      ).toEqual([]);
      expect(
        sources.filter((source) => source.includes('@aws-sdk/')),
        bundle.name,
      ).toEqual([]);
      expect(readFileSync(bundle.file, 'utf8'), bundle.name).not.toContain('better-sqlite3');
    }
  });
});

describe('the bundled API handler', () => {
  // The documented API Gateway HTTP API payload format 2.0 event.
  const httpApiEvent = (method: string, path: string, headers: Record<string, string> = {}) => ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    cookies: [],
    headers: { accept: 'application/json', host: 'abc123.execute-api.eu-west-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      routeKey: '$default',
      stage: '$default',
      time: '12/Mar/2026:19:03:58 +0000',
      timeEpoch: 1773342238000,
    },
    isBase64Encoded: false,
  });
  const context = {
    functionName: 'meridian-api',
    functionVersion: '1',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:meridian-api:live',
    memoryLimitInMB: '1024',
    getRemainingTimeInMillis: () => 29_000,
  };
  type Handler = (
    event: unknown,
    ctx: unknown,
  ) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
  let handler: Handler;

  beforeAll(async () => {
    // The environment the service stack gives the function (values need not exist: no AWS call is made).
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      TABLE_NAME: 'meridian',
      EVENT_BUS_NAME: 'meridian',
      MERIDIAN_REGION: 'eu-west-1',
      MERIDIAN_REGIONS: 'us-east-1,eu-west-1',
      MERIDIAN_ACCOUNT: '123456789012',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:meridian-order-saga',
      JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example',
      JWT_AUDIENCE: 'example-client',
      JWKS_URL: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example/.well-known/jwks.json',
      DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/meridian-dead-letters',
      POWERTOOLS_SERVICE_NAME: 'api',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const api = bundles.find((bundle) => bundle.name === 'Api');
    if (!api) throw new Error('no Api bundle');
    handler = ((await import(pathToFileURL(api.file).href)) as { handler: Handler }).handler;
  });

  it('answers GET /api/v1/openapi.json with the OpenAPI document', async () => {
    const response = await handler(httpApiEvent('GET', '/api/v1/openapi.json'), context);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = JSON.parse(response.body) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1/);
    // Paths are relative to the document's /api/v1 server.
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/orders', '/health', '/products/{sku}']),
    );
  });

  it('refuses an order listing without a token with a problem document', async () => {
    const response = await handler(httpApiEvent('GET', '/api/v1/orders'), context);

    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 401, type: expect.any(String) });
  });
});

describe('every bundled entry', () => {
  // A bundle that fails at module load fails every invocation before the handler runs: the saga Tasks'
  // rollback alarm (UnexpectedErrors, emitted by the handler) would not see it, so it is caught here.
  it('loads and exports its handler', async () => {
    for (const bundle of bundles) {
      const loaded = (await import(pathToFileURL(bundle.file).href)) as { handler?: unknown };
      expect(typeof loaded.handler, bundle.name).toBe('function');
    }
  });
});
