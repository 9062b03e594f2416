import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { type MeridianConfig, primaryRegion } from '../config/config-schema';
import { EDGE_REGION, webBucketName } from '../naming';
import { FoundationStage } from '../stages/foundation-stage';
import { GlobalStage, webFailoverRegion } from '../stages/global-stage';
import { RegionStage } from '../stages/region-stage';
import { acknowledgePipelineFindings } from './pipeline-acknowledgements';
import { BUILD_ENVIRONMENT, NODE_22, protectDataStep, publishWebStep, smokeTestStep } from './pipeline-steps';

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
      // One CodeBuild project publishes every asset in turn: one build per asset at once (two dozen) runs
      // into the concurrent-build quota of a new account, whose default is far lower.
      publishAssetsInParallel: false,
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
      const env = { account: config.account, region: region.name };
      const seedWebOrigin = region === primaryRegion(config) && !config.domain ? env : undefined;
      foundation.addStage(new FoundationStage(this, `Foundation-${region.name}`, { env, seedWebOrigin }));
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
      wave.addStage(stage, {
        post: [smokeTestStep(config, stage, region.name, source), protectDataStep(config, stage)],
      });
      this.regionStages.push(stage);
    }
    for (const stage of this.regionStages) {
      Validations.of(this.pipeline).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:aws:cloudformation:${stage.data.region}:${config.account}:stack/${stage.data.stackName}/*]`,
        reason: 'The region’s Data stack only; a stack ARN ends in an id CloudFormation assigns at creation.',
      });
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
      post: [
        publishWebStep(
          config,
          buckets,
          {
            distributionId: this.globalStage.global.distributionId,
            ...this.globalStage.global.webConfigOutputs,
          },
          source,
        ),
      ],
    });

    // Built now (not lazily at synth) so that the generated roles can be acknowledged precisely.
    this.pipeline.buildPipeline();
    grantConnectionUse(this.pipeline, config.pipeline.connectionArn);
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

/**
 * CDK grants the source action `codestar-connections:UseConnection` whatever the connection's ARN. IAM
 * matches an action's service prefix against the resource's, so a connection created since July 2024
 * (`arn:aws:codeconnections:…`) also needs `codeconnections:UseConnection`, or the source stage fails.
 */
function grantConnectionUse(pipeline: pipelines.CodePipeline, connectionArn: string): void {
  const prefix = connectionArn.split(':')[2];
  if (prefix === 'codestar-connections') return;
  const [source] = pipeline.pipeline.stages;
  const roles = (source?.actions ?? []).flatMap((action) => {
    const role = pipeline.pipeline.node
      .tryFindChild(source?.stageName ?? '')
      ?.node.tryFindChild(action.actionProperties.actionName)
      ?.node.tryFindChild('CodePipelineActionRole');
    return role instanceof iam.Role ? [role] : [];
  });
  if (roles.length === 0) throw new Error('the source action has no role to grant the connection to');
  for (const role of roles) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [`${prefix}:UseConnection`], resources: [connectionArn] }),
    );
  }
}
