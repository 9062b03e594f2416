import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Fixed, so that the key policy can name the trail before it exists (its ARN would be a cycle). */
export const TRAIL_NAME = 'meridian';

/**
 * One multi-region CloudTrail trail into a versioned, access-logged bucket; CloudTrail encrypts each
 * log file with this construct's customer-managed key.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { accessLogBucket: s3.IBucket }) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: 'Meridian CloudTrail logs',
      enableKeyRotation: true,
    });
    allowCloudTrail(this.key, account, `arn:aws:cloudtrail:${region}:${account}:trail/${TRAIL_NAME}`);
    const bucket = new s3.Bucket(this, 'Bucket', {
      // The log files carry SSE-KMS with the trail's key, set by CloudTrail per object; the bucket default
      // covers the digest files, which CloudTrail always writes with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'cloudtrail-bucket/',
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
        },
      ],
      // An audit log outlives the stack that created it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: TRAIL_NAME,
      bucket,
      encryptionKey: this.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
    });
  }
}

/**
 * The key policy sections the CloudTrail guide requires ("Configure AWS KMS key policies for
 * CloudTrail"); without them CreateTrail fails with InsufficientEncryptionPolicyException. CloudTrail
 * may encrypt and describe only for this trail, and principals of this account may decrypt (through S3)
 * what a trail of this account encrypted.
 */
function allowCloudTrail(key: kms.Key, account: string, trailArn: string): void {
  const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  const encryptionContext = {
    'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*`,
  };
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [cloudTrail],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': trailArn }, StringLike: encryptionContext },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [cloudTrail],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowPrincipalsInTheAccountToDecryptLogFiles',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:CallerAccount': account }, StringLike: encryptionContext },
    }),
  );
}
