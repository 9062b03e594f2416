import { App, type AppProps, DefaultStackSynthesizer, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { MeridianConfig } from './config/config-schema';
import { PipelineStack } from './pipeline/pipeline-stack';

export const PIPELINE_STACK_ID = 'MeridianPipeline';

/**
 * Feature flags, set in code rather than cdk.json so that tests synthesize exactly what the CLI does.
 * Each one opts into the current, safer default of aws-cdk-lib.
 */
export const FEATURE_FLAGS: Record<string, unknown> = {
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/core:target-partitions': ['aws'],
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:validationReportJson': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion': true,
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/customresources:installLatestAwsSdkDefault': false,
  '@aws-cdk/pipelines:reduceAssetRoleTrustScope': true,
  '@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2': true,
  '@aws-cdk/aws-dynamodb:resourcePolicyPerReplica': true,
  '@aws-cdk/aws-dynamodb:retainTableReplica': true,
  '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true,
  '@aws-cdk/aws-cloudfront:defaultSecurityPolicyTLSv1.2_2021': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
  '@aws-cdk/aws-apigateway:disableCloudWatchRole': true,
  // Exports between a region's stacks stay protected against removal while a consumer uses them.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

/**
 * The CDK bootstrap roles, written with the `aws` partition literally: with the default
 * `${AWS::Partition}` placeholder CDK Pipelines renders each role ARN as Fn::Join, which cfn-lint
 * rejects in CodePipeline action configuration (E3703). Meridian deploys to the aws partition only.
 */
function bootstrapRole(name: string): string {
  return `arn:aws:iam::\${AWS::AccountId}:role/cdk-\${Qualifier}-${name}-\${AWS::AccountId}-\${AWS::Region}`;
}

/**
 * The whole cloud assembly: the pipeline stack, whose stages hold every regional and global stack.
 * cdk-nag's AwsSolutions pack runs as a validation plugin on every synth: an unacknowledged finding
 * fails synthesis, so it cannot be missed locally, in CI or in the pipeline.
 */
export function createMeridianApp(
  config: MeridianConfig,
  props: AppProps = {},
): { app: App; pipeline: PipelineStack } {
  const app = new App({
    ...props,
    context: { ...FEATURE_FLAGS, ...props.context },
    defaultStackSynthesizer: new DefaultStackSynthesizer({
      deployRoleArn: bootstrapRole('deploy-role'),
      cloudFormationExecutionRole: bootstrapRole('cfn-exec-role'),
      fileAssetPublishingRoleArn: bootstrapRole('file-publishing-role'),
      imageAssetPublishingRoleArn: bootstrapRole('image-publishing-role'),
      lookupRoleArn: bootstrapRole('lookup-role'),
    }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const pipeline = new PipelineStack(app, PIPELINE_STACK_ID, {
    config,
    description: 'Meridian delivery pipeline',
  });
  return { app, pipeline };
}
