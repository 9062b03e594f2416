import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export const HEALTH_PATH = '/api/v1/health';

export interface RegionalApiHealthProps {
  readonly regionName: string;
  /** The region's execute-api hostname. */
  readonly apiHostname: string;
  readonly alarmTopic: sns.ITopic;
  /** With a domain: the latency record `api.<domain>` for this region, answered only while healthy. */
  readonly latencyRecord?: {
    readonly zone: route53.IHostedZone;
    readonly recordName: string;
    readonly regionalDomainName: string;
    readonly regionalHostedZoneId: string;
  };
}

/** A Route 53 health check on one region's API, its alarm, and (with a domain) its latency record. */
export class RegionalApiHealth extends Construct {
  readonly healthCheck: route53.CfnHealthCheck;

  constructor(scope: Construct, id: string, props: RegionalApiHealthProps) {
    super(scope, id);
    this.healthCheck = new route53.CfnHealthCheck(this, 'HealthCheck', {
      healthCheckConfig: {
        type: 'HTTPS',
        fullyQualifiedDomainName: props.apiHostname,
        port: 443,
        resourcePath: HEALTH_PATH,
        requestInterval: 30,
        failureThreshold: 3,
        measureLatency: true,
      },
      healthCheckTags: [{ key: 'Name', value: `meridian-api-${props.regionName}` }],
    });
    const alarm = new cloudwatch.Alarm(this, 'Unhealthy', {
      alarmDescription: `Meridian API in ${props.regionName} fails its Route 53 health check`,
      // Route 53 publishes health-check metrics in us-east-1 only, where this stack lives.
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensionsMap: { HealthCheckId: this.healthCheck.attrHealthCheckId },
        period: Duration.minutes(1),
        statistic: 'Minimum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));

    const record = props.latencyRecord;
    if (!record) return;
    new route53.ARecord(this, 'LatencyRecord', {
      zone: record.zone,
      recordName: record.recordName,
      target: route53.RecordTarget.fromAlias(
        new targets.ApiGatewayv2DomainProperties(record.regionalDomainName, record.regionalHostedZoneId),
      ),
      region: props.regionName,
      setIdentifier: props.regionName,
      healthCheck: route53.HealthCheck.fromHealthCheckId(this, 'Check', this.healthCheck.attrHealthCheckId),
    });
  }
}
