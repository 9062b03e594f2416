import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What parks here, for the alarm text. */
  readonly purpose: string;
  readonly alarmTopic: sns.ITopic;
}

/**
 * Where deliveries that exhausted their retries wait for an operator (inspect, fix, redrive), with an
 * alarm on the first message: in Meridian a dead letter is always a lost event until someone acts.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly depthAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      // SQS-managed keys: EventBridge and Lambda can write without a key policy for each producer.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.depthAlarm = new cloudwatch.Alarm(this, 'Depth', {
      alarmDescription: `Dead letters waiting: ${props.purpose}`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.depthAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue; a DLQ of a DLQ would only hide failures.',
    });
  }
}
