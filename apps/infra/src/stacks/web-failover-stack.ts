import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { WebBucket } from '../constructs/web-bucket';
import { webBucketName } from '../naming';

/**
 * The web app's second copy, in another region than the edge stack's bucket, for CloudFront's
 * origin failover. Deployed before the edge stack, so the distribution id is not known yet: the
 * policy admits CloudFront distributions of this account only (origin access control).
 */
export class WebFailoverStack extends Stack {
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: StackProps & { account: string; region: string }) {
    super(scope, id, { ...props, env: { account: props.account, region: props.region } });
    this.bucketName = webBucketName(props.account, props.region);
    const { bucket } = new WebBucket(this, 'Web', { bucketName: this.bucketName });
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudFrontOriginAccessControl',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { ArnLike: { 'AWS:SourceArn': `arn:aws:cloudfront::${props.account}:distribution/*` } },
      }),
    );
  }
}
