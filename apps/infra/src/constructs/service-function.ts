import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { entryPath, type FunctionSpec, REPO_ROOT } from '../function-catalog';
import { METRICS_NAMESPACE } from '../naming';

/** esbuild settings shared by every function; exported so the bundle test checks the same ones. */
export const BUNDLING: nodejs.BundlingOptions = {
  minify: true,
  // Domain errors are told apart by class name (Step Functions Retry/Catch, FailOrder's reasons).
  keepNames: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: nodejs.OutputFormat.ESM,
  mainFields: ['module', 'main'],
  // The Node.js 22 runtime ships SDK v3; better-sqlite3 belongs to local mode only and must never
  // be reachable from a Lambda entry (the bundle test fails if it is).
  externalModules: ['@aws-sdk/*'],
  // Some CommonJS dependencies call require(); ESM output needs it defined.
  banner: "import{createRequire}from'node:module';const require=createRequire(import.meta.url);",
};

export interface ServiceFunctionProps {
  readonly spec: FunctionSpec;
  /** POWERTOOLS_SERVICE_NAME, also the function's short name in dashboards. */
  readonly serviceName: string;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly alarmTopic: sns.ITopic;
  readonly deploymentApplication: codedeploy.ILambdaApplication;
  readonly deploymentConfig: codedeploy.ILambdaDeploymentConfig;
  /** Where failed asynchronous invocations land (EventBridge targets). */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * The failures that alarm and roll a canary back: Lambda's `Errors` of the alias by default. A function
   * that reports expected business outcomes by throwing (the saga Tasks: declines, out of stock,
   * cancellations, all routed by the state machine's Catch rules) passes a metric of its unexpected
   * errors instead; as a timeout never reaches that metric, it also gets a timeout alarm.
   */
  readonly unexpectedErrors?: { readonly metric: cloudwatch.IMetric; readonly description: string };
}

/**
 * One Meridian Lambda function with everything it always needs: bundling, VPC placement, its own
 * log group, Powertools settings, tracing, a `live` alias shifted by CodeDeploy (canary, rolled back
 * on its errors alarm, and its timeouts alarm if it has one), and error and throttle alarms. Callers wire triggers and grants to `alias`.
 */
export class ServiceFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly alias: lambda.Alias;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly throttlesAlarm: cloudwatch.Alarm;
  /** Only with `unexpectedErrors`: invocations that ran into the function's timeout. */
  readonly timeoutsAlarm?: cloudwatch.Alarm;
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { spec } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: entryPath(spec),
      handler: 'handler',
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: Duration.seconds(spec.timeoutSeconds),
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      bundling: BUNDLING,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        ...props.environment,
        MERIDIAN_REGION: Stack.of(this).region,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.alias = new lambda.Alias(this, 'Live', { aliasName: 'live', version: this.function.currentVersion });

    const unexpected = props.unexpectedErrors;
    this.errorsAlarm = new cloudwatch.Alarm(this, 'Errors', {
      alarmDescription: `${props.serviceName}: ${unexpected?.description ?? 'invocations failed'}`,
      metric:
        unexpected?.metric ?? this.alias.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (unexpected) {
      // A timed-out invocation lasts the whole timeout: alarm at 99 % of it (in milliseconds).
      this.timeoutsAlarm = new cloudwatch.Alarm(this, 'Timeouts', {
        alarmDescription: `${props.serviceName}: invocations ran into the ${spec.timeoutSeconds} s timeout`,
        metric: this.alias.metricDuration({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: spec.timeoutSeconds * 990,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.throttlesAlarm = new cloudwatch.Alarm(this, 'Throttles', {
      alarmDescription: `${props.serviceName}: invocations throttled`,
      metric: this.alias.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const rollbackAlarms = [this.errorsAlarm, ...(this.timeoutsAlarm ? [this.timeoutsAlarm] : [])];
    for (const alarm of [...rollbackAlarms, this.throttlesAlarm])
      alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));

    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Deployment', {
      application: props.deploymentApplication,
      alias: this.alias,
      deploymentConfig: props.deploymentConfig,
      alarms: rollbackAlarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    Validations.of(this.deploymentGroup).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        'AWS-maintained CodeDeploy policy scoped to shifting Lambda alias traffic and reading its alarms.',
    });

    Validations.of(this.function).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWS-maintained policy limited to writing this function’s CloudWatch Logs.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'AWS-maintained policy Lambda needs to attach its network interfaces in the private subnets.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to Node.js 22, the runtime local mode, CI and the esbuild target use; 24 is a deliberate upgrade.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource ARN; nothing else is granted on *.',
      },
    );
  }

  /** Read-write access to the table and its indexes, for functions that own items in it. */
  grantTableData(table: dynamodb.ITableV2, tableArn: string): void {
    table.grantReadWriteData(this.alias);
    Validations.of(this.function).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
        reason: 'Queries on the table’s own GSIs (gsi1, gsi2); no other table is reachable.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'DynamoDB encrypts with the region’s data key on the caller’s behalf; granted on that key only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'Part of CDK’s table grant for a customer-managed key; limited to the region’s data key.',
      },
    );
  }

  /** Read-only access to the table and its indexes, for functions that only look items up. */
  grantTableRead(table: dynamodb.ITableV2, tableArn: string): void {
    table.grantReadData(this.alias);
    Validations.of(this.function).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
      reason: 'Queries on the table’s own GSIs (gsi1, gsi2); no other table is reachable.',
    });
  }

  /** Rolls the canary back when this alarm fires as well. */
  addRollbackAlarm(alarm: cloudwatch.IAlarm): void {
    this.deploymentGroup.addAlarm(alarm);
  }
}
