import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { type MeridianConfig, primaryRegion, signInDomainPrefix } from '../config/config-schema';
import { AlarmTopic } from '../constructs/alarm-topic';
import { AuditTrail } from '../constructs/audit-trail';
import { RegionalApiHealth } from '../constructs/regional-api-health';
import { WebBucket } from '../constructs/web-bucket';
import { WebDistribution } from '../constructs/web-distribution';
import { WebSignInRegistration } from '../constructs/web-sign-in-registration';
import {
  apiDomainName,
  apiParameters,
  EDGE_REGION,
  PARAMETERS,
  signInOrigin,
  webBucketName,
} from '../naming';

export interface GlobalStackProps extends StackProps {
  readonly config: MeridianConfig;
  /** Region of the web app's failover bucket (the WebFailover stack). */
  readonly failoverRegion: string;
}

/**
 * Everything in front of the regions, deployed after them to us-east-1 (CloudFront certificates,
 * WAF for CloudFront and Route 53 metrics must live there): health checks, DNS, CloudFront, the
 * web bucket, CloudTrail, and (without a domain) the storefront's URLs on the user pool's web client.
 * Regional facts (API hostnames, the user pool) are written into this region's SSM by their stacks.
 */
export class GlobalStack extends Stack {
  readonly distributionId: CfnOutput;
  /** What the web app's /config.json is written from (see src/web/web-config.ts). */
  readonly webConfigOutputs: Record<
    'webUrl' | 'signInUrl' | 'userPoolId' | 'userPoolClientId' | 'identityRegion',
    CfnOutput
  >;
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
    // Written into this region by each region's service stack; read afresh on every deployment.
    const read = (name: string) => ssm.StringParameter.valueForStringParameter(this, name);
    const apiHostnames = config.regions.map((region) => {
      const names = apiParameters(region.name);
      const apiHostname = read(names.hostname);
      new RegionalApiHealth(this, `ApiHealth-${region.name}`, {
        regionName: region.name,
        apiHostname,
        alarmTopic,
        latencyRecord:
          zone && config.domain
            ? {
                zone,
                recordName: apiDomainName(config.domain.name),
                regionalDomainName: read(names.domainTarget),
                regionalHostedZoneId: read(names.domainZoneId),
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
    const identityRegion = primaryRegion(config).name;
    const signIn = signInOrigin(signInDomainPrefix(config), identityRegion);
    const web = new WebDistribution(this, 'Cdn', {
      primaryBucket,
      failoverBucket,
      apiOrigin: config.domain ? apiDomainName(config.domain.name) : (primaryApi ?? ''),
      signInOrigin: signIn,
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

    const webUrl = `https://${config.domain?.name ?? web.distribution.distributionDomainName}`;
    // Written into this region by the primary's Data stack.
    const identity = {
      userPoolId: read(PARAMETERS.userPoolId),
      userPoolClientId: read(PARAMETERS.userPoolClientId),
    };
    // Without a domain the storefront's URL is CloudFront's generated name, known only now.
    if (!config.domain) {
      new WebSignInRegistration(this, 'WebSignIn', {
        account: config.account,
        identityRegion,
        ...identity,
        webOrigin: webUrl,
      });
    }

    this.distributionId = new CfnOutput(this, 'DistributionId', { value: web.distribution.distributionId });
    this.webConfigOutputs = {
      webUrl: new CfnOutput(this, 'WebUrl', { value: webUrl }),
      signInUrl: new CfnOutput(this, 'SignInUrl', { value: signIn }),
      userPoolId: new CfnOutput(this, 'UserPoolId', { value: identity.userPoolId }),
      userPoolClientId: new CfnOutput(this, 'UserPoolClientId', { value: identity.userPoolClientId }),
      identityRegion: new CfnOutput(this, 'IdentityRegion', { value: identityRegion }),
    };
  }
}
