import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type MeridianConfig, primaryRegion } from '../config/config-schema';
import { AlarmTopic } from '../constructs/alarm-topic';
import { AuditTrail } from '../constructs/audit-trail';
import { readParameter } from '../constructs/deploy-time-lookup';
import { RegionalApiHealth } from '../constructs/regional-api-health';
import { WebBucket } from '../constructs/web-bucket';
import { WebDistribution } from '../constructs/web-distribution';
import { apiDomainName, EDGE_REGION, PARAMETERS, webBucketName } from '../naming';

export interface GlobalStackProps extends StackProps {
  readonly config: MeridianConfig;
  /** Region of the web app's failover bucket (the WebFailover stack). */
  readonly failoverRegion: string;
}

/**
 * Everything in front of the regions, deployed after them to us-east-1 (CloudFront certificates,
 * WAF for CloudFront and Route 53 metrics must live there): health checks, DNS, CloudFront, the
 * web bucket and CloudTrail. Regional facts (API hostnames) are read from each region's SSM.
 */
export class GlobalStack extends Stack {
  readonly distributionId: CfnOutput;
  readonly webBucketNames: string[];

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, { ...props, env: { account: props.config.account, region: EDGE_REGION } });
    const { config } = props;
    const alarmTopic = new AlarmTopic(this, 'Alarms', { email: config.alarmEmail }).topic;
    const logBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket; logging it into itself would loop.',
    });

    const zone = config.domain
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: config.domain.hostedZoneId,
          zoneName: config.domain.name,
        })
      : undefined;
    const apiHostnames = config.regions.map((region) => {
      const read = (lookupId: string, name: string) =>
        readParameter(this, `${lookupId}-${region.name}`, {
          account: config.account,
          region: region.name,
          name,
        });
      const apiHostname = read('ApiHostname', PARAMETERS.apiHostname);
      new RegionalApiHealth(this, `ApiHealth-${region.name}`, {
        regionName: region.name,
        apiHostname,
        alarmTopic,
        latencyRecord:
          zone && config.domain
            ? {
                zone,
                recordName: apiDomainName(config.domain.name),
                regionalDomainName: read('ApiDomainTarget', PARAMETERS.apiDomainTarget),
                regionalHostedZoneId: read('ApiDomainZone', PARAMETERS.apiDomainZoneId),
              }
            : undefined,
      });
      return apiHostname;
    });

    const primaryBucket = new WebBucket(this, 'WebBucket', {
      bucketName: webBucketName(config.account, EDGE_REGION),
    }).bucket;
    const failoverBucket = s3.Bucket.fromBucketAttributes(this, 'WebFailoverBucket', {
      bucketName: webBucketName(config.account, props.failoverRegion),
      region: props.failoverRegion,
    });
    this.webBucketNames = [primaryBucket.bucketName, failoverBucket.bucketName];
    const certificate =
      zone && config.domain
        ? new acm.Certificate(this, 'Certificate', {
            domainName: config.domain.name,
            validation: acm.CertificateValidation.fromDns(zone),
          })
        : undefined;
    const [primaryApi] = apiHostnames;
    const web = new WebDistribution(this, 'Cdn', {
      primaryBucket,
      failoverBucket,
      apiOrigin: config.domain ? apiDomainName(config.domain.name) : (primaryApi ?? ''),
      identityRegion: primaryRegion(config).name,
      logBucket,
      domain: certificate && config.domain ? { names: [config.domain.name], certificate } : undefined,
    });
    Validations.of(this).acknowledge({
      id: 'annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      reason:
        'The failover bucket’s policy is written by its own stack (WebFailover) for this account’s distributions.',
    });
    if (zone) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(web.distribution));
      new route53.ARecord(this, 'WebRecord', { zone, target });
      new route53.AaaaRecord(this, 'WebRecordIpv6', { zone, target });
    }

    new AuditTrail(this, 'Audit', { accessLogBucket: logBucket });
    this.distributionId = new CfnOutput(this, 'DistributionId', { value: web.distribution.distributionId });
    new CfnOutput(this, 'WebUrl', {
      value: `https://${config.domain?.name ?? web.distribution.distributionDomainName}`,
    });
  }
}
