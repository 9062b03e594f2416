import { Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as pipelines from 'aws-cdk-lib/pipelines';

/**
 * cdk-nag findings on what CDK Pipelines generates (roles, artifact buckets, CodeBuild projects).
 * Each is acknowledged with the exact finding id, on the pipeline construct only: the stages deployed
 * by the pipeline are separate constructs and get no blanket pass from here.
 */
export function acknowledgePipelineFindings(pipeline: pipelines.CodePipeline): void {
  const stack = Stack.of(pipeline);
  const scope = Validations.of(pipeline);
  const artifactsBucket = pipeline.pipeline.artifactBucket.node.defaultChild;
  const artifactsLogicalId = artifactsBucket
    ? stack.getLogicalId(artifactsBucket as never)
    : 'PipelineArtifactsBucket';

  const artifactActions = ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'];
  for (const action of artifactActions) {
    scope.acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `CDK Pipelines grants ${action} on its own artifact buckets only, to pass build artifacts between actions.`,
    });
  }
  for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
    scope.acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${action} is granted on the pipeline's artifact key only, to encrypt and decrypt artifacts.`,
    });
  }
  scope.acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::<${artifactsLogicalId}.Arn>/*]`,
      reason: 'Objects of the pipeline artifact bucket: every execution writes new keys.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CDK Pipelines: codestar-connections:UseConnection and the asset role’s AssumeRole of the bootstrap roles, which have no narrower resource form in the generated policy.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:*:iam::${stack.account}:role/*]`,
      reason:
        'Self-mutation assumes the CDK bootstrap roles (cdk-*-deploy/lookup), whose names carry a qualifier.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/*]`,
      reason: 'The asset publishing projects write their own CodeBuild log groups, created per project.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:aws:codebuild:${stack.region}:${stack.account}:report-group/*]`,
      reason: 'The asset publishing projects create their own CodeBuild report groups.',
    },
    {
      id: 'AwsSolutions-S1',
      reason:
        'Pipeline artifact buckets hold transient build outputs; CloudTrail records every access to them.',
    },
  );

  // Every CodeBuild project writes its own log group and report group, named after the project.
  for (const project of pipeline.node.findAll().filter((node) => node instanceof codebuild.Project)) {
    const logicalId = stack.getLogicalId(project.node.defaultChild as never);
    const projectScope = Validations.of(project);
    projectScope.acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/<${logicalId}>:*]`,
        reason: 'Log streams of this project’s own log group; CodeBuild names a stream per build.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:codebuild:${stack.region}:${stack.account}:report-group/<${logicalId}>-*]`,
        reason: 'Report groups of this project, created per report by CodeBuild.',
      },
    );
  }

  // The replication bucket of each cross-region support stack.
  for (const support of Object.values(pipeline.pipeline.crossRegionSupport)) {
    const bucketName = stack.resolve(support.replicationBucket.bucketName);
    scope.acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:s3:::${String(bucketName)}/*]`,
      reason:
        'Objects of the pipeline’s replication bucket in another region (artifacts for that region’s actions).',
    });
    Validations.of(support.stack).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Replication bucket for pipeline artifacts in this region; transient build outputs, audited by CloudTrail.',
    });
  }
}
