import type { CfnOutput } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { MeridianConfig } from '../config/config-schema';
import type { RegionStage } from '../stages/region-stage';

/** CodeBuild with Node.js 22, the runtime the functions use. */
export const BUILD_ENVIRONMENT: codebuild.BuildEnvironment = {
  buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
  computeType: codebuild.ComputeType.MEDIUM,
};
export const NODE_22 = codebuild.BuildSpec.fromObject({
  phases: { install: { 'runtime-versions': { nodejs: 22 } } },
});

/**
 * Signs a smoke-test user in (Cognito admin auth: no password ever leaves the build) and runs
 * src/smoke/smoke-test.ts against the region just deployed.
 */
export function smokeTestStep(
  config: MeridianConfig,
  stage: RegionStage,
  regionName: string,
  input: pipelines.IFileSetProducer,
): pipelines.CodeBuildStep {
  const cognito = 'aws cognito-idp --region "$IDENTITY_REGION" --user-pool-id "$USER_POOL_ID"';
  return new pipelines.CodeBuildStep(`SmokeTest-${regionName}`, {
    input,
    envFromCfnOutputs: {
      API_URL: stage.service.apiUrl,
      USER_POOL_ID: stage.data.identityOutputs.userPoolId,
      USER_POOL_CLIENT_ID: stage.data.identityOutputs.userPoolClientId,
      IDENTITY_REGION: stage.data.identityOutputs.identityRegion,
    },
    env: { SMOKE_USER: `smoke-test+${regionName}@meridian.invalid` },
    commands: [
      `SMOKE_PASSWORD="$(node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('base64url') + 'Aa1!')")"`,
      `${cognito} admin-get-user --username "$SMOKE_USER" >/dev/null 2>&1 || ${cognito} admin-create-user --username "$SMOKE_USER" --message-action SUPPRESS --user-attributes Name=email,Value="$SMOKE_USER" Name=email_verified,Value=true >/dev/null`,
      `${cognito} admin-set-user-password --username "$SMOKE_USER" --password "$SMOKE_PASSWORD" --permanent`,
      `ID_TOKEN="$(${cognito} admin-initiate-auth --client-id "$USER_POOL_CLIENT_ID" --auth-flow ADMIN_USER_PASSWORD_AUTH --auth-parameters USERNAME="$SMOKE_USER",PASSWORD="$SMOKE_PASSWORD" --query AuthenticationResult.IdToken --output text)"`,
      'export ID_TOKEN',
      'node --experimental-strip-types apps/infra/src/smoke/smoke-test.ts',
    ],
    buildEnvironment: BUILD_ENVIRONMENT,
    partialBuildSpec: NODE_22,
    rolePolicyStatements: [
      new iam.PolicyStatement({
        actions: [
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminSetUserPassword',
          'cognito-idp:AdminInitiateAuth',
        ],
        // The pool id exists only once the primary stage has deployed.
        resources: [`arn:aws:cognito-idp:${stage.data.identity.region}:${config.account}:userpool/*`],
      }),
    ],
  });
}

/** Builds the web app and copies it to both origin buckets, then invalidates CloudFront. */
export function publishWebStep(
  config: MeridianConfig,
  buckets: ReadonlyArray<{ name: string; region: string }>,
  distributionId: CfnOutput,
  input: pipelines.IFileSetProducer,
): pipelines.CodeBuildStep {
  return new pipelines.CodeBuildStep('PublishWeb', {
    input,
    envFromCfnOutputs: { DISTRIBUTION_ID: distributionId },
    installCommands: ['npm ci'],
    commands: [
      'npm run build --workspace @meridian/web',
      ...buckets.map(
        (bucket) => `aws s3 sync apps/web/dist "s3://${bucket.name}" --delete --region ${bucket.region}`,
      ),
      `aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths '/*'`,
    ],
    buildEnvironment: BUILD_ENVIRONMENT,
    partialBuildSpec: NODE_22,
    rolePolicyStatements: [
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: buckets.map((bucket) => `arn:aws:s3:::${bucket.name}`),
      }),
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: buckets.map((bucket) => `arn:aws:s3:::${bucket.name}/*`),
      }),
      new iam.PolicyStatement({
        actions: ['cloudfront:CreateInvalidation'],
        resources: [`arn:aws:cloudfront::${config.account}:distribution/*`],
      }),
    ],
  });
}
