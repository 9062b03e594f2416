import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { type MeridianConfigInput, parseConfig } from '../../src/config/config-schema';
import { createMeridianApp } from '../../src/meridian-app';
import type { PipelineStack } from '../../src/pipeline/pipeline-stack';

export const INFRA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Three regions and a domain: exercises every optional path (latency records, certificates, peers). */
export const TEST_CONFIG: MeridianConfigInput = {
  account: '123456789012',
  regions: [{ name: 'us-east-1' }, { name: 'eu-west-1' }, { name: 'ap-southeast-2', production: false }],
  domain: { name: 'shop.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
  natGateways: 2,
  alarmEmail: 'oncall@example.com',
  pipeline: {
    connectionArn:
      'arn:aws:codeconnections:us-east-1:123456789012:connection/11111111-2222-3333-4444-555555555555',
    repository: 'meridian-org/meridian',
    branch: 'release',
    manualApproval: true,
  },
};

export interface Synthesized {
  readonly pipeline: PipelineStack;
  readonly assembly: CloudAssembly;
  readonly outdir: string;
  /** Every stack of every stage, keyed by stack name (e.g. `Region-eu-west-1-Service`). */
  readonly stacks: Map<string, CloudFormationStackArtifact>;
  template(stackName: string): Template;
  json(stackName: string): Record<string, unknown>;
  cleanup(): void;
}

/** A fresh output directory under cdk.out (ignored by git, Biome and tsc), so imports resolve node_modules. */
export function testOutdir(name: string): string {
  const base = join(INFRA_DIR, 'cdk.out');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `test-${name}-`));
}

/**
 * Synthesizes the whole app once, like `cdk synth` (cdk-nag included: an unacknowledged finding
 * throws). Bundling is skipped unless asked for: templates do not depend on the bundle contents.
 */
export function synthesize(
  name: string,
  config: MeridianConfigInput,
  options: { bundling?: boolean } = {},
): Synthesized {
  const outdir = testOutdir(name);
  const context = options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] };
  const { app, pipeline } = createMeridianApp(parseConfig(config), { outdir, context });
  const assembly = app.synth();
  const stacks = new Map<string, CloudFormationStackArtifact>();
  const collect = (current: CloudAssembly) => {
    for (const stack of current.stacks) stacks.set(stack.stackName, stack);
    for (const artifact of current.nestedAssemblies) collect(artifact.nestedAssembly);
  };
  collect(assembly);
  const json = (stackName: string) => {
    const stack = stacks.get(stackName);
    if (!stack) throw new Error(`no stack ${stackName}; have ${[...stacks.keys()].join(', ')}`);
    return JSON.parse(readFileSync(stack.templateFullPath, 'utf8')) as Record<string, unknown>;
  };
  return {
    pipeline,
    assembly,
    outdir,
    stacks,
    json,
    template: (stackName) => Template.fromJSON(json(stackName)),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Resources of one type in a template, as [logicalId, resource] pairs. */
export function resourcesOfType(
  template: Record<string, unknown>,
  type: string,
): Array<[string, { Properties?: Record<string, unknown>; DependsOn?: unknown }]> {
  const resources = (template.Resources ?? {}) as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/**
 * A CloudFormation string value with every Fn::Join flattened and every other intrinsic shown as
 * `«Ref:<id>»`, `«GetAtt:<id>.<attr>»` or `«<function>»`: enough to read a custom resource's call.
 */
export function flattenJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = (value ?? {}) as Record<string, unknown>;
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(flattenJoin).join(join[0]);
  if (typeof object.Ref === 'string') return `«Ref:${object.Ref}»`;
  const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) return `«GetAtt:${getAtt[0]}.${getAtt[1]}»`;
  return `«${Object.keys(object).join(',')}»`;
}

/** The SSM parameter names a template reads as CloudFormation SSM parameter types (read on every deployment). */
export function ssmParameterNames(template: Record<string, unknown>): Map<string, string> {
  const parameters = (template.Parameters ?? {}) as Record<string, { Type: string; Default?: string }>;
  return new Map(
    Object.entries(parameters)
      .filter(([, parameter]) => parameter.Type.startsWith('AWS::SSM::Parameter::Value'))
      .map(([id, parameter]) => [String(parameter.Default), id]),
  );
}

/** The AWS SDK calls of a template's AwsCustomResources (Create), with their logical ids. */
export function sdkCalls(template: Record<string, unknown>): Array<{
  id: string;
  call: { service: string; action: string; region: string; parameters: Record<string, unknown> };
  resource: Record<string, unknown>;
}> {
  return resourcesOfType(template, 'Custom::AWS').map(([id, resource]) => ({
    id,
    call: JSON.parse(flattenJoin(resource.Properties?.Create)),
    resource: resource.Properties ?? {},
  }));
}

/**
 * The logical id of the function aws-cdk-lib's AwsCustomResource deploys once per stack to make AWS SDK
 * calls during a deployment (RemoteParameter, DeployTimeLookup): a deploy-time helper, not a service function.
 */
export const SDK_CALL_PROVIDER = /^AWS679f53fac002430cb0da5b7982bd2287/;
