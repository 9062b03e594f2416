import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const FUNCTIONS_SRC = join(dirname(fileURLToPath(import.meta.url)), '..');
const SAGA_STEPS = [
  'reserve-inventory',
  'authorize-payment',
  'create-shipment',
  'capture-payment',
  'confirm-order',
  'refund-payment',
  'cancel-shipment',
  'void-payment',
  'release-inventory',
  'fail-order',
];
/** Every Lambda entry, as apps/infra's function catalog names them. */
const ENTRIES = [
  'api/handler.ts',
  'events/stream-publisher.ts',
  'events/notification-consumer.ts',
  ...SAGA_STEPS.map((step) => `saga/${step}.ts`),
];

/**
 * esbuild settings of the CDK's NodejsFunction (apps/infra service-function.ts): ESM for Node 22,
 * minified, the SDK left to the runtime. `keepNames` is required: domain errors take their `name` from
 * the class, and Step Functions (Retry/Catch) and FailOrder's customer-readable reasons match on it.
 */
const LAMBDA_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  keepNames: true,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  logLevel: 'silent',
} as const satisfies BuildOptions;

describe('Lambda bundles', () => {
  let metafile: Metafile;

  beforeAll(async () => {
    const result = await build({
      ...LAMBDA_BUNDLING,
      entryPoints: Object.fromEntries(
        ENTRIES.map((entry) => [entry.replace(/\.ts$/, ''), join(FUNCTIONS_SRC, entry)]),
      ),
      outdir: join(FUNCTIONS_SRC, '.bundle-test'),
      write: false,
      metafile: true,
      banner: { js: "import{createRequire}from'node:module';const require=createRequire(import.meta.url);" },
    });
    metafile = result.metafile;
  }, 60_000);

  it('builds every entry', () => {
    const outputs = Object.keys(metafile.outputs).filter((file) => file.endsWith('.js'));

    expect(outputs).toHaveLength(ENTRIES.length);
  });

  it('never reaches better-sqlite3 or adapters-local', () => {
    for (const [file, output] of Object.entries(metafile.outputs)) {
      const inputs = Object.keys(output.inputs);
      expect(
        inputs.filter((input) => /better-sqlite3|adapters-local\//.test(input)),
        file,
      ).toEqual([]);
      expect(
        output.imports.filter((imported) => imported.path.includes('better-sqlite3')),
        file,
      ).toEqual([]);
    }
  });

  it('leaves the AWS SDK to the Lambda runtime', () => {
    for (const output of Object.values(metafile.outputs)) {
      expect(Object.keys(output.inputs).filter((input) => input.includes('node_modules/@aws-sdk/'))).toEqual(
        [],
      );
    }
  });

  it('reports the bundle sizes', () => {
    const sizes = Object.entries(metafile.outputs)
      .filter(([file]) => file.endsWith('.js'))
      .map(([file, output]) => ({
        entry: relative(join(FUNCTIONS_SRC, '.bundle-test'), file),
        kB: Math.round(output.bytes / 1024),
      }));
    console.info(
      sizes.map((size) => `${size.entry.padEnd(36)} ${String(size.kB).padStart(6)} kB`).join('\n'),
    );

    // The API carries Hono, zod-openapi and jose; the others only the domain, zod and the adapters.
    expect(sizes.every((size) => size.kB < 2048)).toBe(true);
  });

  it('keeps error class names, which the state machine and FailOrder match on', async () => {
    const probe = await build({
      ...LAMBDA_BUNDLING,
      stdin: {
        contents:
          "import { PaymentDeclinedError } from '@meridian/domain'; export const name = new PaymentDeclinedError('c', 'm').name;",
        resolveDir: FUNCTIONS_SRC,
        loader: 'ts',
      },
      write: false,
    });
    const code = probe.outputFiles[0]?.text ?? '';

    const bundled = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      name: string;
    };

    expect(bundled.name).toBe('PaymentDeclinedError');
  });
});
