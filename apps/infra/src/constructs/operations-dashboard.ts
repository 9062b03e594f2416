import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TABLE_NAME } from '../naming';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { HttpApi } from './http-api';
import type { ServiceFunction } from './service-function';

export interface OperationsDashboardProps {
  readonly api: HttpApi;
  readonly functions: Record<string, ServiceFunction>;
  readonly stateMachine: sfn.StateMachine;
  readonly deadLetterQueues: readonly DeadLetterQueue[];
  readonly peerRegions: readonly string[];
  readonly alarmTopic: sns.ITopic;
}

const MINUTE = Duration.minutes(1);

/**
 * One dashboard per region with the signals an on-call engineer checks first, and the alarms that
 * are not already owned by a function or a queue: API 5xx and latency, saga failures and timeouts,
 * replication latency to each peer.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly api5xxAlarm: cloudwatch.Alarm;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly alarmAction: actions.SnsAction;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.alarmAction = new actions.SnsAction(props.alarmTopic);
    const region = Stack.of(this).region;
    // Alarms take the plain metrics (a label would turn them into metric-math alarms); graphs label them.
    const api5xx = props.api.api.metricServerError({ period: MINUTE, statistic: 'Sum' });
    const apiP99 = props.api.api.metricLatency({ period: MINUTE, statistic: 'p99' });
    const sagaFailed = props.stateMachine.metricFailed({ period: MINUTE, statistic: 'Sum' });
    const sagaTimedOut = props.stateMachine.metricTimedOut({ period: MINUTE, statistic: 'Sum' });
    const replication = props.peerRegions.map((peer) => ({
      peer,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName: 'ReplicationLatency',
        dimensionsMap: { TableName: TABLE_NAME, ReceivingRegion: peer },
        period: MINUTE,
        statistic: 'Average',
      }),
    }));

    this.api5xxAlarm = this.alarm('Api5xx', 'API answered 5xx', api5xx, 5, 2);
    this.alarm('ApiLatencyP99', 'API p99 latency above 2 s', apiP99, 2000, 5);
    this.alarm('SagaFailed', 'Order saga executions failed', sagaFailed, 1, 1);
    this.alarm('SagaTimedOut', 'Order saga executions timed out', sagaTimedOut, 1, 1);
    for (const { peer, metric } of replication) {
      this.alarm(`ReplicationLatency-${peer}`, `Replication to ${peer} above 30 s`, metric, 30_000, 5);
    }

    const fns = Object.entries(props.functions);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `meridian-${region}`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API 5xx',
            left: [api5xx.with({ label: 'API 5xx' })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API p99 latency (ms)',
            left: [apiP99.with({ label: 'p99' })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Saga failures and timeouts',
            left: [sagaFailed.with({ label: 'failed' }), sagaTimedOut.with({ label: 'timed out' })],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Lambda errors',
            left: fns.map(([name, fn]) =>
              fn.alias.metricErrors({ period: MINUTE, statistic: 'Sum', label: name }),
            ),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda throttles',
            left: fns.map(([name, fn]) =>
              fn.alias.metricThrottles({ period: MINUTE, statistic: 'Sum', label: name }),
            ),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queue depth',
            left: props.deadLetterQueues.map((dlq) =>
              dlq.queue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum' }),
            ),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Global table replication latency (ms)',
            left: replication.map(({ peer, metric }) => metric.with({ label: `to ${peer}` })),
            width: 12,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }

  private alarm(
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    periods: number,
  ) {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }
}
