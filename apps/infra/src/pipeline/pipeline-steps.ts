import type { CfnOutput } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { MeridianConfig } from '../config/config-schema';
import { ADMIN_GROUP } from '../naming';
import type { GlobalStack } from '../stacks/global-stack';
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
 * Makes sure the smoke-test user exists and is an admin (Cognito admin APIs; its password is new and
 * random every run and never leaves the build), signs it in, and runs src/smoke/smoke-test.ts against
 * the region just deployed. Admin rights let the test bring its own product and stock, so the first
 * run of a new deployment passes with an empty catalog and no hand step.
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
    env: { SMOKE_USER: smokeTestUser(regionName), SMOKE_REGION: regionName },
    commands: [
      `SMOKE_PASSWORD="$(node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('base64url') + 'Aa1!')")"`,
      `${cognito} admin-get-user --username "$SMOKE_USER" >/dev/null 2>&1 || ${cognito} admin-create-user --username "$SMOKE_USER" --message-action SUPPRESS --user-attributes Name=email,Value="$SMOKE_USER" Name=email_verified,Value=true >/dev/null`,
      `${cognito} admin-add-user-to-group --username "$SMOKE_USER" --group-name ${ADMIN_GROUP}`,
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
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:AdminSetUserPassword',
          'cognito-idp:AdminInitiateAuth',
        ],
        // The pool id exists only once the primary stage has deployed.
        resources: [`arn:aws:cognito-idp:${stage.data.identity.region}:${config.account}:userpool/*`],
      }),
    ],
  });
}

export function smokeTestUser(regionName: string): string {
  return `smoke-test+${regionName}@meridian.invalid`;
}

/**
 * Turns termination protection on for the region's Data stack once it is deployed. CDK Pipelines deploys
 * with CloudFormation change sets, which ignore a stack's `terminationProtection` (only `cdk deploy`
 * applies it); protecting the stack after a successful deployment also leaves a failed first creation
 * free to roll back and be deleted.
 */
export function protectDataStep(config: MeridianConfig, stage: RegionStage): pipelines.CodeBuildStep {
  const { stackName } = stage.data;
  const region = stage.data.region;
  return new pipelines.CodeBuildStep(`ProtectData-${region}`, {
    commands: [
      `aws cloudformation update-termination-protection --region ${region} --stack-name ${stackName} --enable-termination-protection`,
    ],
    buildEnvironment: BUILD_ENVIRONMENT,
    partialBuildSpec: NODE_22,
    rolePolicyStatements: [
      new iam.PolicyStatement({
        actions: ['cloudformation:UpdateTerminationProtection'],
        resources: [`arn:aws:cloudformation:${region}:${config.account}:stack/${stackName}/*`],
      }),
    ],
  });
}

/**
 * Builds the web app, writes its /config.json (Cognito hosted-UI sign-in, src/web/web-config.ts) and
 * copies both to the two origin buckets, then invalidates CloudFront. config.json goes up with
 * `no-cache`, so a changed sign-in setting is never served stale.
 */
export function publishWebStep(
  config: MeridianConfig,
  buckets: ReadonlyArray<{ name: string; region: string }>,
  outputs: { distributionId: CfnOutput } & GlobalStack['webConfigOutputs'],
  input: pipelines.IFileSetProducer,
): pipelines.CodeBuildStep {
  return new pipelines.CodeBuildStep('PublishWeb', {
    input,
    envFromCfnOutputs: {
      DISTRIBUTION_ID: outputs.distributionId,
      WEB_URL: outputs.webUrl,
      SIGN_IN_URL: outputs.signInUrl,
      USER_POOL_ID: outputs.userPoolId,
      USER_POOL_CLIENT_ID: outputs.userPoolClientId,
      IDENTITY_REGION: outputs.identityRegion,
    },
    installCommands: ['npm ci'],
    commands: [
      'npm run build --workspace @meridian/web',
      'node --experimental-strip-types apps/infra/src/web/web-config.ts apps/web/dist/config.json',
      ...buckets.flatMap((bucket) => [
        `aws s3 cp apps/web/dist/config.json "s3://${bucket.name}/config.json" --cache-control no-cache --content-type application/json --region ${bucket.region}`,
        `aws s3 sync apps/web/dist "s3://${bucket.name}" --delete --exclude config.json --region ${bucket.region}`,
      ]),
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
