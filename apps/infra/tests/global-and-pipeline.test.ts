import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meridianConfig } from '../meridian.config';
import { resourcesOfType, type Synthesized, synthesize, TEST_CONFIG } from './support/synthesize';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
interface PipelineAction {
  Name: string;
  RunOrder: number;
  ActionTypeId: { Category: string };
  Configuration?: Record<string, unknown>;
}
interface PipelineStage {
  Name: string;
  Actions: PipelineAction[];
}
let synth: Synthesized;

beforeAll(() => {
  synth = synthesize('global', TEST_CONFIG);
});
afterAll(() => synth?.cleanup());

describe('global stack (with a domain)', () => {
  it('health-checks /api/v1/health of every region and alarms when one fails', () => {
    const template = synth.template('Global-Global');
    const checks = resourcesOfType(synth.json('Global-Global'), 'AWS::Route53::HealthCheck');
    expect(checks).toHaveLength(REGIONS.length);
    for (const [, check] of checks) {
      expect(check.Properties?.HealthCheckConfig).toMatchObject({
        Type: 'HTTPS',
        ResourcePath: '/api/v1/health',
        Port: 443,
      });
    }
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { MetricName: 'HealthCheckStatus' },
      REGIONS.length,
    );
  });

  it('routes api.<domain> by latency to healthy regions, and the apex to CloudFront', () => {
    const template = synth.template('Global-Global');
    for (const region of REGIONS) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'api.shop.example.com.',
        Type: 'A',
        Region: region,
        SetIdentifier: region,
        HealthCheckId: Match.anyValue(),
        AliasTarget: Match.anyValue(),
      });
    }
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'shop.example.com.',
        Type: type,
        AliasTarget: { HostedZoneId: Match.anyValue(), DNSName: Match.anyValue() },
      });
    }
  });

  it('serves the web app from two S3 origins with failover, OAC, security headers and WAF', () => {
    const [[, distribution] = []] = resourcesOfType(
      synth.json('Global-Global'),
      'AWS::CloudFront::Distribution',
    );
    const config = distribution?.Properties?.DistributionConfig as {
      OriginGroups: { Items: Array<Record<string, unknown>> };
      Origins: Array<Record<string, unknown>>;
    };
    const groups = config.OriginGroups.Items;
    const s3Origins = config.Origins.filter((origin) => origin.S3OriginConfig);

    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      Members: { Quantity: 2 },
      FailoverCriteria: { StatusCodes: { Items: expect.arrayContaining([500, 503]) } },
    });
    expect(s3Origins).toHaveLength(2);
    for (const origin of s3Origins) expect(origin.OriginAccessControlId).toBeDefined();
    expect(JSON.stringify(s3Origins)).toContain('meridian-web-123456789012-eu-west-1');
    expect(config).toMatchObject({
      WebACLId: expect.anything(),
      Logging: expect.anything(),
      Aliases: ['shop.example.com'],
      ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      DefaultCacheBehavior: {
        ResponseHeadersPolicyId: expect.anything(),
        ViewerProtocolPolicy: 'redirect-to-https',
      },
    });
    synth.template('Global-Global').hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("frame-ancestors 'none'"),
          }),
          FrameOptions: Match.objectLike({ FrameOption: 'DENY' }),
          ContentTypeOptions: Match.anyValue(),
        }),
      },
    });
  });

  it('routes /api/* uncached, with every method, to the latency-routed API name', () => {
    const [[, distribution] = []] = resourcesOfType(
      synth.json('Global-Global'),
      'AWS::CloudFront::Distribution',
    );
    const config = distribution?.Properties?.DistributionConfig as Record<
      string,
      Array<Record<string, unknown>>
    >;
    const api = config.CacheBehaviors?.find((behavior) => behavior.PathPattern === '/api/*');
    const origin = config.Origins?.find((candidate) => candidate.Id === api?.TargetOriginId);

    expect(api?.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'DELETE', 'PATCH']));
    expect(origin?.DomainName).toBe('api.shop.example.com');
  });

  it('records CloudTrail from every region, each log file encrypted with the trail’s own key', () => {
    const template = synth.template('Global-Global');
    const [[keyId] = []] = resourcesOfType(synth.json('Global-Global'), 'AWS::KMS::Key').filter(([id]) =>
      id.startsWith('AuditKey'),
    );
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('keeps the failover bucket private to this account’s distributions', () => {
    synth.template('Global-WebFailover').hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:cloudfront::123456789012:distribution/*' } },
          }),
        ]),
      },
    });
    expect(synth.stacks.get('Global-WebFailover')?.environment.region).toBe('eu-west-1');
  });
});

describe('pipeline', () => {
  const pipelineStages = () => {
    const [[, pipeline] = []] = resourcesOfType(
      synth.json('MeridianPipeline'),
      'AWS::CodePipeline::Pipeline',
    );
    return {
      props: pipeline?.Properties ?? {},
      stages: (pipeline?.Properties?.Stages ?? []) as PipelineStage[],
    };
  };

  it('is a CodePipeline V2 pipeline sourced from the configured connection, repository and branch', () => {
    const { props, stages } = pipelineStages();
    expect(props.PipelineType).toBe('V2');
    expect(stages[0]?.Actions[0]?.Configuration).toMatchObject({
      ConnectionArn: TEST_CONFIG.pipeline.connectionArn,
      FullRepositoryId: 'meridian-org/meridian',
      BranchName: 'release',
    });
  });

  it('synthesizes with npm ci, npm test and cdk synth', () => {
    const projects = JSON.stringify(
      resourcesOfType(synth.json('MeridianPipeline'), 'AWS::CodeBuild::Project'),
    );
    for (const command of ['npm ci', 'npm test', 'npm run synth --workspace @meridian/infra'])
      expect(projects).toContain(command);
  });

  it('deploys the foundation, then one wave per region in order, then the global stage', () => {
    const names = pipelineStages().stages.map((stage) => stage.Name);
    expect(names).toEqual([
      'Source',
      'Build',
      'UpdatePipeline',
      'Assets',
      'Foundation',
      ...REGIONS.map((region) => `Region-${region}`),
      'Global',
    ]);
  });

  it('smoke-tests each region after its last deployment, approving production regions first', () => {
    for (const region of REGIONS) {
      const stage = pipelineStages().stages.find((candidate) => candidate.Name === `Region-${region}`);
      const actions = stage?.Actions ?? [];
      const deployOrders = actions
        .filter((action) => action.ActionTypeId.Category === 'Deploy')
        .map((a) => a.RunOrder);
      const smoke = actions.find((action) => action.Name === `SmokeTest-${region}`);
      const approval = actions.find((action) => action.ActionTypeId.Category === 'Approval');

      expect(deployOrders.length, region).toBe(6);
      expect(smoke?.RunOrder, region).toBeGreaterThan(Math.max(...deployOrders));
      if (region === 'ap-southeast-2') expect(approval, region).toBeUndefined();
      else expect(approval?.RunOrder, region).toBeLessThan(Math.min(...deployOrders));
    }
  });

  it('runs the smoke test with the region’s API URL and user pool from stack outputs', () => {
    const projects = resourcesOfType(synth.json('MeridianPipeline'), 'AWS::CodeBuild::Project').map(
      ([, project]) => JSON.stringify(project.Properties),
    );
    const smoke = projects.find(
      (project) => project.includes('smoke-test.ts') && project.includes('eu-west-1'),
    );
    expect(smoke).toContain('ADMIN_USER_PASSWORD_AUTH');
    const { stages } = pipelineStages();
    const action = stages
      .find((stage) => stage.Name === 'Region-eu-west-1')
      ?.Actions.find((a) => a.Name === 'SmokeTest-eu-west-1');
    const variables = JSON.stringify(action?.Configuration?.EnvironmentVariables);
    for (const name of ['API_URL', 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'IDENTITY_REGION'])
      expect(variables).toContain(name);
  });
});

describe('the shipped configuration (no domain)', () => {
  let shipped: Synthesized;
  beforeAll(() => {
    shipped = synthesize('shipped', meridianConfig);
  });
  afterAll(() => shipped?.cleanup());

  it('synthesizes without DNS records or certificates and sends /api/* to the primary API', () => {
    const global = shipped.json('Global-Global');
    expect(resourcesOfType(global, 'AWS::Route53::RecordSet')).toHaveLength(0);
    expect(resourcesOfType(global, 'AWS::CertificateManager::Certificate')).toHaveLength(0);
    expect(resourcesOfType(global, 'AWS::Route53::HealthCheck')).toHaveLength(2);
    const [[, distribution] = []] = resourcesOfType(global, 'AWS::CloudFront::Distribution');
    const config = distribution?.Properties?.DistributionConfig as Record<
      string,
      Array<Record<string, unknown>>
    >;
    const api = config.CacheBehaviors?.find((behavior) => behavior.PathPattern === '/api/*');
    const origin = config.Origins?.find((candidate) => candidate.Id === api?.TargetOriginId);
    // Read at deploy time from the SSM parameter the primary's service stack writes, not looked up at synth.
    const parameters = global.Parameters as Record<string, { Type: string; Default: string }>;
    const parameter = parameters[(origin?.DomainName as { Ref?: string } | undefined)?.Ref ?? ''];
    expect(parameter).toEqual(
      expect.objectContaining({
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: '/meridian/regions/us-east-1/api/hostname',
      }),
    );
  });
});
