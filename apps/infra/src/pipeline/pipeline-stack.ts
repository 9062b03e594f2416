import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { type MeridianConfig, primaryRegion } from '../config/config-schema';
import { EDGE_REGION, webBucketName } from '../naming';
import { FoundationStage } from '../stages/foundation-stage';
import { GlobalStage, webFailoverRegion } from '../stages/global-stage';
import { RegionStage } from '../stages/region-stage';
import { acknowledgePipelineFindings } from './pipeline-acknowledgements';
import { BUILD_ENVIRONMENT, NODE_22, publishWebStep, smokeTestStep } from './pipeline-steps';

export interface PipelineStackProps extends StackProps {
  readonly config: MeridianConfig;
}

/**
 * The delivery pipeline (CDK Pipelines on CodePipeline V2): source, synth (npm ci, npm test, cdk
 * synth), self-update, then the foundation wave (data keys everywhere), one wave per region in the
 * configured order with a smoke test after each, and finally the global stage and the web app.
 */
export class PipelineStack extends Stack {
  readonly pipeline: pipelines.CodePipeline;
  readonly regionStages: RegionStage[] = [];
  readonly globalStage: GlobalStage;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    const { config } = props;
    super(scope, id, { ...props, env: { account: config.account, region: primaryRegion(config).name } });
    const source = pipelines.CodePipelineSource.connection(
      config.pipeline.repository,
      config.pipeline.branch,
      {
        connectionArn: config.pipeline.connectionArn,
      },
    );
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: 'meridian',
      pipelineType: codepipeline.PipelineType.V2,
      // Encrypts artifacts with a rotated KMS key (also across the regional replication buckets).
      crossAccountKeys: true,
      enableKeyRotation: true,
      codeBuildDefaults: { buildEnvironment: BUILD_ENVIRONMENT, partialBuildSpec: NODE_22 },
      synth: new pipelines.ShellStep('Synth', {
        input: source,
        installCommands: ['npm ci'],
        commands: ['npm test', 'npm run synth --workspace @meridian/infra'],
        primaryOutputDirectory: 'apps/infra/cdk.out',
      }),
    });

    const foundation = this.pipeline.addWave('Foundation');
    for (const region of config.regions) {
      foundation.addStage(
        new FoundationStage(this, `Foundation-${region.name}`, {
          env: { account: config.account, region: region.name },
        }),
      );
    }

    for (const region of config.regions) {
      const approval =
        config.pipeline.manualApproval && region.production
          ? [
              new pipelines.ManualApprovalStep(`Approve-${region.name}`, {
                comment: `Deploy Meridian to ${region.name}?`,
              }),
            ]
          : [];
      const wave = this.pipeline.addWave(`Region-${region.name}`, { pre: approval });
      const stage = new RegionStage(this, `Region-${region.name}`, { config, region });
      wave.addStage(stage, { post: [smokeTestStep(config, stage, region.name, source)] });
      this.regionStages.push(stage);
    }

    this.globalStage = new GlobalStage(this, 'Global', {
      env: { account: config.account, region: EDGE_REGION },
      config,
    });
    const buckets = [EDGE_REGION, webFailoverRegion(config)].map((region) => ({
      name: webBucketName(config.account, region),
      region,
    }));
    this.pipeline.addStage(this.globalStage, {
      post: [publishWebStep(config, buckets, this.globalStage.global.distributionId, source)],
    });

    // Built now (not lazily at synth) so that the generated roles can be acknowledged precisely.
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this.pipeline);
    const steps = Validations.of(this.pipeline);
    steps.acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:cognito-idp:${primaryRegion(config).name}:${config.account}:userpool/*]`,
      reason:
        'Smoke tests manage their test user in the user pool, whose id exists only after the primary stage.',
    });
    for (const bucket of buckets) {
      steps.acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:aws:s3:::${bucket.name}/*]`,
        reason: 'Publishing the web app writes and deletes any object of its own web bucket.',
      });
    }
    steps.acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:cloudfront::${config.account}:distribution/*]`,
      reason: 'The distribution id is an output of a later stage than the one that defines this role.',
    });
  }
}
