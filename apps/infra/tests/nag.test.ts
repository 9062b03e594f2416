import { rmSync } from 'node:fs';
import { Stack, Stage, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config-schema';
import { createMeridianApp } from '../src/meridian-app';
import { TEST_CONFIG, testOutdir } from './support/synthesize';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Each entry maps the qualified rule id to its reason.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id, reason })),
  );
}

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('cdk-nag AwsSolutions', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    const outdir = testOutdir('nag-violation');
    outdirs.push(outdir);
    const { app, pipeline } = createMeridianApp(parseConfig(TEST_CONFIG), {
      outdir,
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    // The pipeline stack itself: stages are synthesized (and frozen) as the pipeline adds them.
    new s3.Bucket(pipeline, 'UnloggedBucket');

    expect(() => app.synth()).toThrow(/AwsSolutions-S1|Validation failed/);
  });

  it('passes with every acknowledgement specific and explained', () => {
    const outdir = testOutdir('nag');
    outdirs.push(outdir);
    const { app, pipeline } = createMeridianApp(parseConfig(TEST_CONFIG), {
      outdir,
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    expect(() => app.synth()).not.toThrow();

    // aws-cdk-lib acknowledges some of its own CloudFormation-Validate warnings (e.g. the VPC's AZs).
    const acks = acknowledgements(pipeline).filter((ack) => !ack.id.startsWith('CloudFormation-Validate::'));
    const summary = new Map<string, number>();
    for (const ack of acks) {
      const rule = ack.id.replace(/^Annotation::/i, '').replace(/\[.*\]$/, '');
      summary.set(rule, (summary.get(rule) ?? 0) + 1);
    }
    console.log(`cdk-nag acknowledgements: ${acks.length}`, Object.fromEntries(summary));

    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      // aws-cdk-lib stores cdk-nag ids as `Annotation::<id>`; cdk-nag strips that prefix when matching.
      expect(ack.id, ack.path).toMatch(/^Annotation::(AwsSolutions-[A-Z0-9]+(\[.+\])?|@aws-cdk\/.+)$/i);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(40);
      // IAM findings are acknowledged one wildcard at a time, never the whole rule.
      if (ack.id.includes('AwsSolutions-IAM')) expect(ack.id, ack.path).toMatch(/\[.+\]$/);
    }
    // No blanket pass for a whole region or stack of the application.
    const blanket = acks.filter((ack) => {
      const construct = pipeline.node.findAll().find((node) => node.node.path === ack.path);
      return (
        construct !== undefined &&
        (Stage.isStage(construct) || Stack.isStack(construct)) &&
        ack.id.includes('AwsSolutions')
      );
    });
    expect(blanket).toEqual([]);
  });
});
