import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config-schema';
import { FEATURE_FLAGS } from '../src/meridian-app';
import { NetworkStack } from '../src/stacks/network-stack';
import {
  resourcesOfType,
  type Synthesized,
  sdkCalls,
  ssmParameterNames,
  synthesize,
  TEST_CONFIG,
} from './support/synthesize';

/**
 * What a first deployment needs that a template alone can show: the trail's key lets CloudTrail in, the
 * pipeline stays inside a new account's quotas and its connection's permissions, values that cross
 * regions are re-read on every deployment, and the smoke test needs no hand step.
 */
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
type Statement = {
  Sid?: string;
  Action: string | string[];
  Principal?: unknown;
  Condition?: unknown;
  Resource?: unknown;
};
interface PipelineStage {
  Name: string;
  Actions: Array<{ Name: string; RunOrder: number; ActionTypeId: { Category: string } }>;
}
let synth: Synthesized;

beforeAll(() => {
  synth = synthesize('first-deployment', TEST_CONFIG);
});
afterAll(() => synth?.cleanup());

const pipelineStages = (): PipelineStage[] => {
  const [[, pipeline] = []] = resourcesOfType(synth.json('MeridianPipeline'), 'AWS::CodePipeline::Pipeline');
  return (pipeline?.Properties?.Stages ?? []) as PipelineStage[];
};
const projectsMentioning = (text: string) =>
  resourcesOfType(synth.json('MeridianPipeline'), 'AWS::CodeBuild::Project')
    .map(([, project]) => JSON.stringify(project.Properties))
    .filter((project) => project.includes(text));
const policyStatements = (stackName: string): Statement[] =>
  resourcesOfType(synth.json(stackName), 'AWS::IAM::Policy').flatMap(
    ([, policy]) =>
      (policy.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [],
  );

describe('CloudTrail', () => {
  it('names the trail, so that its key policy can name it', () => {
    synth
      .template('Global-Global')
      .hasResourceProperties('AWS::CloudTrail::Trail', { TrailName: 'meridian' });
  });

  it('lets CloudTrail encrypt and describe with the trail key, for this trail only', () => {
    const [[, key] = []] = resourcesOfType(synth.json('Global-Global'), 'AWS::KMS::Key').filter(([id]) =>
      id.startsWith('AuditKey'),
    );
    const statements =
      (key?.Properties?.KeyPolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];
    const bySid = new Map(statements.map((statement) => [statement.Sid, statement]));
    const trailArn = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/meridian';
    const context = {
      'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:123456789012:trail/*',
    };

    expect(bySid.get('AllowCloudTrailToEncryptLogs')).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Condition: { StringEquals: { 'aws:SourceArn': trailArn }, StringLike: context },
    });
    expect(bySid.get('AllowCloudTrailToDescribeKey')).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    });
    expect(bySid.get('AllowPrincipalsInTheAccountToDecryptLogFiles')).toMatchObject({
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Condition: { StringEquals: { 'kms:CallerAccount': '123456789012' }, StringLike: context },
    });
    // Nothing else is granted to CloudTrail or to every principal.
    const open = statements.filter((statement) =>
      JSON.stringify(statement.Principal).match(/cloudtrail|"\*"/),
    );
    expect(open).toHaveLength(3);
  });
});

describe('pipeline', () => {
  it('publishes every asset from one CodeBuild project, one after another', () => {
    const assets = pipelineStages().find((stage) => stage.Name === 'Assets');
    expect(assets?.Actions).toHaveLength(1);
  });

  it('grants the source action the connection under the prefix of its ARN', () => {
    const statement = policyStatements('MeridianPipeline').find((candidate) =>
      [candidate.Action].flat().some((action) => action.endsWith(':UseConnection')),
    );
    expect(statement?.Resource).toBe(TEST_CONFIG.pipeline.connectionArn);
    expect([statement?.Action].flat()).toContain('codeconnections:UseConnection');
  });

  it('protects each region’s Data stack once it is deployed (CDK Pipelines ignores terminationProtection)', () => {
    for (const region of REGIONS) {
      const actions = pipelineStages().find((stage) => stage.Name === `Region-${region}`)?.Actions ?? [];
      const deploys = actions.filter((action) => action.ActionTypeId.Category === 'Deploy');
      const protect = actions.find((action) => action.Name === `ProtectData-${region}`);
      expect(protect?.RunOrder, region).toBeGreaterThan(Math.max(...deploys.map((a) => a.RunOrder)));
      const [project] = projectsMentioning(
        `--stack-name Region-${region}-Data --enable-termination-protection`,
      );
      expect(project, region).toContain(`--region ${region}`);
    }
    const protections = policyStatements('MeridianPipeline').filter((statement) =>
      [statement.Action].flat().includes('cloudformation:UpdateTerminationProtection'),
    );
    expect(protections.map((statement) => statement.Resource).sort()).toEqual(
      REGIONS.map(
        (region) => `arn:aws:cloudformation:${region}:123456789012:stack/Region-${region}-Data/*`,
      ).sort(),
    );
  });

  it('makes the smoke-test user an admin, so the test brings its own product and stock', () => {
    const [smoke] = projectsMentioning('smoke-test.ts').filter((project) => project.includes('eu-west-1'));
    expect(smoke).toMatch(/admin-add-user-to-group --username \S+SMOKE_USER\S+ --group-name admin/);
    const grant = policyStatements('MeridianPipeline').find((statement) =>
      [statement.Action].flat().includes('cognito-idp:AdminAddUserToGroup'),
    );
    expect(grant?.Resource).toBe('arn:aws:cognito-idp:us-east-1:123456789012:userpool/*');
    expect(smoke).toContain('{"Name":"SMOKE_REGION","Type":"PLAINTEXT","Value":"eu-west-1"}');
  });
});

describe('no empty values where AWS expects an id', () => {
  it('leaves the archive’s KmsKeyIdentifier out (an AWS owned key) instead of writing ""', () => {
    for (const region of REGIONS) {
      const [[, archive] = []] = resourcesOfType(
        synth.json(`Region-${region}-Service`),
        'AWS::Events::Archive',
      );
      expect(archive?.Properties, region).toBeDefined();
      expect(archive?.Properties, region).not.toHaveProperty('KmsKeyIdentifier');
    }
    for (const name of synth.stacks.keys()) {
      expect(JSON.stringify(synth.json(name)), name).not.toMatch(/"Kms\w*(Key)?(Id|Identifier|Arn)":""/);
    }
  });
});

describe('availability zones', () => {
  it('lets CloudFormation pick the region’s first three zones unless the configuration names them', () => {
    const subnets = resourcesOfType(synth.json('Region-eu-west-1-Network'), 'AWS::EC2::Subnet');
    const zones = new Set(subnets.map(([, subnet]) => JSON.stringify(subnet.Properties?.AvailabilityZone)));
    expect([...zones].sort()).toEqual(
      [0, 1, 2].map((index) => JSON.stringify({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] })),
    );
  });

  it('uses the configured zones when given', () => {
    const app = new App({ context: FEATURE_FLAGS });
    const config = parseConfig({
      ...TEST_CONFIG,
      regions: [{ name: 'us-west-2', availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2d'] }],
    });
    const [region] = config.regions;
    if (!region) throw new Error('one region expected');
    const network = new NetworkStack(app, 'Network', {
      env: { account: config.account, region: region.name },
      region,
      natGateways: 1,
      logRetention: 30,
    });
    const subnets = Template.fromStack(network).findResources('AWS::EC2::Subnet');
    const zones = new Set(Object.values(subnets).map((subnet) => subnet.Properties.AvailabilityZone));
    expect([...zones].sort()).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2d']);
  });
});

describe('values that cross regions are re-read on every deployment', () => {
  const putParameter = (stackName: string) =>
    sdkCalls(synth.json(stackName))
      .filter((entry) => entry.call.action === 'putParameter')
      .map((entry) => ({ ...entry, update: JSON.parse(JSON.stringify(entry.resource.Update ?? null)) }));

  it('has each region write its API names into the edge region, rewritten when they change', () => {
    for (const region of REGIONS) {
      const writes = putParameter(`Region-${region}-Service`);
      const names = writes.map((write) => `${write.call.region} ${String(write.call.parameters.Name)}`);
      expect(names.sort(), region).toEqual(
        ['hostname', 'domain-target', 'domain-hosted-zone-id']
          .map((name) => `us-east-1 /meridian/regions/${region}/api/${name}`)
          .sort(),
      );
      for (const write of writes) {
        // The value is part of the call, so a changed value is an update, which writes again.
        expect(write.call.parameters.Value, region).toMatch(/«/);
        expect(write.resource.Update, region).toEqual(write.resource.Create);
        expect(write.call.parameters.Overwrite, region).toBe(true);
      }
    }
  });

  it('returns only named fields from every deploy-time AWS call (CloudFormation takes back 4 KB)', () => {
    const calls = [...synth.stacks.keys()].flatMap((name) => sdkCalls(synth.json(name)));
    expect(calls.length).toBeGreaterThan(0);
    for (const { id, call } of calls) {
      expect((call as { outputPaths?: string[] }).outputPaths?.length, id).toBeGreaterThan(0);
    }
  });

  it('reads them in the global stack as SSM parameter types, not with a one-time lookup', () => {
    const global = synth.json('Global-Global');
    const read = ssmParameterNames(global);
    for (const region of REGIONS) expect(read.has(`/meridian/regions/${region}/api/hostname`)).toBe(true);
    expect(sdkCalls(global).filter((entry) => entry.call.action === 'getParameter')).toEqual([]);
  });

  it('has the primary write the user pool ids into every other region, whose Data stack reads them', () => {
    const writes = putParameter('Region-us-east-1-Data').map(
      (write) => `${write.call.region} ${String(write.call.parameters.Name)}`,
    );
    for (const region of REGIONS.slice(1)) {
      expect(writes).toContain(`${region} /meridian/identity/user-pool-id`);
      expect(writes).toContain(`${region} /meridian/identity/user-pool-client-id`);
      const read = ssmParameterNames(synth.json(`Region-${region}-Data`));
      expect(read.has('/meridian/identity/user-pool-id'), region).toBe(true);
      expect(read.has('/meridian/identity/user-pool-client-id'), region).toBe(true);
    }
  });
});
