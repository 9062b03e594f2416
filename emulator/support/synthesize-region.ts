import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_FLAGS } from '@meridian/infra';
import { parseConfig } from '@meridian/infra/config/config-schema';
import { RegionStage } from '@meridian/infra/stages/region-stage';
import { App } from 'aws-cdk-lib';
import type { Template } from './cloudformation';

const INFRA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../apps/infra');

/** moto's default account: ARNs in the templates and the ones moto mints then agree. */
export const EMULATED_ACCOUNT = '123456789012';
export const EMULATED_REGION = 'us-east-1';
export const PEER_REGION = 'eu-west-1';
const STAGE = 'Emulated';

/** What the suite deploys: the primary region's stage of a two-region Meridian. */
export interface SynthesizedRegion {
  /** The cloud assembly's folder (the bundles live in its `asset.<hash>/` folders). */
  outdir: string;
  data: Template;
  service: Template;
}

/**
 * Synthesizes the primary region's stage exactly as the pipeline does, bundling included (the functions
 * the suite runs are these bundles). Under apps/infra/cdk.out, so the bundles resolve the repository's
 * node_modules for the AWS SDK, which Lambda's runtime provides.
 */
export function synthesizeRegion(): SynthesizedRegion {
  const base = join(INFRA_DIR, 'cdk.out');
  mkdirSync(base, { recursive: true });
  const outdir = mkdtempSync(join(base, 'emulator-'));
  const config = parseConfig({
    account: EMULATED_ACCOUNT,
    regions: [{ name: EMULATED_REGION }, { name: PEER_REGION }],
    alarmEmail: 'oncall@example.com',
    pipeline: {
      connectionArn: `arn:aws:codeconnections:${EMULATED_REGION}:${EMULATED_ACCOUNT}:connection/00000000-0000-0000-0000-000000000000`,
      repository: 'meridian-org/meridian',
      branch: 'main',
      manualApproval: false,
    },
  });
  const region = config.regions[0];
  if (!region) throw new Error('the emulated configuration has no region');
  const app = new App({ outdir, context: FEATURE_FLAGS });
  new RegionStage(app, STAGE, { config, region });
  app.synth();
  return readSynthesizedRegion(outdir);
}

/** The templates of a synthesis the global setup made, read back in a test file. */
export function readSynthesizedRegion(outdir: string): SynthesizedRegion {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { directoryName?: string } }>;
  };
  const nested = Object.values(manifest.artifacts).find(
    (artifact) => artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName,
  );
  const directory = join(outdir, nested?.properties?.directoryName ?? '');
  const stacks = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
  };
  const byName = (stackName: string): Template => {
    const artifact = Object.values(stacks.artifacts).find(
      (candidate) =>
        candidate.type === 'aws:cloudformation:stack' && candidate.properties?.stackName === stackName,
    );
    if (!artifact?.properties?.templateFile) throw new Error(`no stack ${stackName} in ${directory}`);
    return JSON.parse(readFileSync(join(directory, artifact.properties.templateFile), 'utf8')) as Template;
  };
  return { outdir, data: byName(`${STAGE}-Data`), service: byName(`${STAGE}-Service`) };
}
