import { NOTIFYING_EVENT_TYPES, sortKeys } from '@meridian/domain';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { MeridianConfig } from '../config/config-schema';
import { AlarmTopic } from '../constructs/alarm-topic';
import { EventBackbone } from '../constructs/event-backbone';
import { HttpApi } from '../constructs/http-api';
import { issuerUrl } from '../constructs/identity';
import { IntegritySweeps } from '../constructs/integrity-sweeps';
import { OperationsDashboard } from '../constructs/operations-dashboard';
import { OrderSaga } from '../constructs/order-saga';
import { RemoteParameter } from '../constructs/remote-parameter';
import { grantSagaStart, SagaStarts } from '../constructs/saga-starts';
import { ServiceFunction, type ServiceFunctionProps } from '../constructs/service-function';
import {
  API_FUNCTION,
  type FunctionSpec,
  INTEGRITY_SWEEP_FUNCTION,
  NOTIFICATION_CONSUMER_FUNCTION,
  ORDER_SAGA_STARTER_FUNCTION,
  ORDER_SAGA_SWEEPER_FUNCTION,
  SAGA_FUNCTIONS,
  type SagaStep,
  STREAM_PUBLISHER_FUNCTION,
} from '../function-catalog';
import { apiParameters, EDGE_REGION, EVENT_BUS_NAME, METRICS_NAMESPACE, TABLE_NAME } from '../naming';
import type { DataStack } from './data-stack';
import type { NetworkStack } from './network-stack';

export interface ServiceStackProps extends StackProps {
  readonly config: MeridianConfig;
  readonly regionName: string;
  readonly network: NetworkStack;
  readonly data: DataStack;
}

/**
 * Stateless compute of one region: the functions, the order saga, the event bus, the HTTP API and
 * the operations dashboard. Safe to delete and recreate; state lives in the data stack.
 */
export class ServiceStack extends Stack {
  readonly api: HttpApi;
  readonly saga: OrderSaga;
  readonly backbone: EventBackbone;
  readonly functions: Record<string, ServiceFunction> = {};
  readonly apiUrl: CfnOutput;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, regionName, network, data } = props;
    const peerRegions = config.regions.map((region) => region.name).filter((name) => name !== regionName);
    const alarmTopic = new AlarmTopic(this, 'Alarms', { email: config.alarmEmail }).topic;
    const table = dynamodb.TableV2.fromTableAttributes(this, 'Table', {
      tableArn: data.table.tableArn,
      tableStreamArn: data.table.tableStreamArn,
      encryptionKey: data.dataKey,
      grantIndexPermissions: true,
    });
    this.backbone = new EventBackbone(this, 'Events', {
      account: config.account,
      regionName,
      peerRegions,
      alarmTopic,
    });

    const application = new codedeploy.LambdaApplication(this, 'Deployments');
    const make = (
      name: string,
      spec: FunctionSpec,
      serviceName: string,
      environment: Record<string, string> = {},
      unexpectedErrors?: ServiceFunctionProps['unexpectedErrors'],
    ) => {
      const fn = new ServiceFunction(this, name, {
        spec,
        serviceName,
        vpc: network.vpc,
        securityGroup: network.functionSecurityGroup,
        environment: {
          TABLE_NAME,
          EVENT_BUS_NAME,
          MERIDIAN_REGIONS: config.regions.map((region) => region.name).join(','),
          MERIDIAN_ACCOUNT: config.account,
          ...environment,
        },
        logRetention: config.logRetentionDays as logs.RetentionDays,
        alarmTopic,
        deploymentApplication: application,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        // Bus rule targets are invoked asynchronously: what keeps failing is parked (and redrivable).
        deadLetterQueue: EVENT_TARGET_FUNCTIONS.includes(spec)
          ? this.backbone.deadLetterQueue(`${name}Invocations`, `${name} invocations that kept failing`).queue
          : undefined,
        unexpectedErrors,
      });
      this.functions[name] = fn;
      return fn;
    };

    // Saga steps: table access; payment steps also read the provider's API key.
    const paymentEnv = {
      PAYMENT_PROVIDER_URL: config.paymentProviderUrl,
      PAYMENT_PROVIDER_SECRET_ARN: data.paymentProviderSecret.secretArn,
    };
    const steps = {} as Record<SagaStep, lambda.IFunction>;
    for (const [step, spec] of Object.entries(SAGA_FUNCTIONS) as Array<[SagaStep, FunctionSpec]>) {
      // A Task reports business outcomes (a decline, out of stock, a cancellation) by throwing them for the
      // state machine's Catch rules: Lambda counts them in Errors. Only unexpected errors alarm and roll back.
      const fn = make(step, spec, 'order-saga', spec.payment ? paymentEnv : {}, {
        metric: unexpectedSagaErrors(step),
        description: 'unexpected errors (not business outcomes such as declines)',
      });
      fn.grantTableData(table, data.table.tableArn);
      if (spec.payment) data.paymentProviderSecret.grantRead(fn.alias);
      steps[step] = fn.alias;
    }
    this.saga = new OrderSaga(this, 'OrderSaga', {
      steps,
      logRetention: config.logRetentionDays as logs.RetentionDays,
    });

    const publisher = make('StreamPublisher', STREAM_PUBLISHER_FUNCTION, 'stream-publisher');
    this.connectStream(publisher.alias, data.table.tableStreamArn, regionName);
    table.grantStreamRead(publisher.alias);
    // Credits the stock transfers addressed to this region (allotment and CREDIT# record).
    publisher.grantTableData(table, data.table.tableArn);
    this.backbone.bus.grantPutEventsTo(publisher.alias);

    const notifications = make('NotificationConsumer', NOTIFICATION_CONSUMER_FUNCTION, 'notifications');
    notifications.grantTableData(table, data.table.tableArn);
    // The order's own region notifies (its bus also sees the peers' events), for the notifying types only.
    this.backbone.addOrderEventConsumer('OrderNotifications', notifications.alias, NOTIFYING_EVENT_TYPES);

    // An accepted order always gets its saga: the API starts it, its events start it if that failed, and a
    // scheduled sweep starts what both missed. Created before the API, whose console redrives their queues.
    const sagaEnv = { STATE_MACHINE_ARN: this.saga.stateMachine.stateMachineArn };
    new SagaStarts(this, 'SagaStarts', {
      starter: make('OrderSagaStarter', ORDER_SAGA_STARTER_FUNCTION, 'order-saga-starter', sagaEnv),
      sweeper: make('OrderSagaSweeper', ORDER_SAGA_SWEEPER_FUNCTION, 'order-saga-sweeper', sagaEnv),
      stateMachine: this.saga.stateMachine,
      backbone: this.backbone,
      table,
      tableArn: data.table.tableArn,
    });

    // What the saga could not finish is owed and settled on a schedule; keys two regions accepted are
    // decided; the payment ledger is reconciled with this region's orders.
    new IntegritySweeps(this, 'IntegritySweeps', {
      sweeper: make('IntegritySweep', INTEGRITY_SWEEP_FUNCTION, 'integrity', { ...paymentEnv, ...sagaEnv }),
      stateMachine: this.saga.stateMachine,
      table,
      tableArn: data.table.tableArn,
      paymentProviderSecret: data.paymentProviderSecret,
    });

    // Created last: the operations endpoints read every dead-letter queue created above.
    const issuer = issuerUrl(data.identity);
    const deadLetters = this.backbone.eventDeadLetterQueues.map((dlq) => dlq.queue);
    const api = make('Api', API_FUNCTION, 'api', {
      STATE_MACHINE_ARN: this.saga.stateMachine.stateMachineArn,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: data.identity.userPoolClientId,
      JWKS_URL: `${issuer}/.well-known/jwks.json`,
      DLQ_URL: deadLetters.map((queue) => queue.queueUrl).join(','),
    });
    api.grantTableData(table, data.table.tableArn);
    this.grantSagaAccess(api);
    // Dead-letter inspection and redrive (back onto this region's bus).
    for (const queue of deadLetters) queue.grantConsumeMessages(api.alias);
    this.backbone.bus.grantPutEventsTo(api.alias);

    this.api = new HttpApi(this, 'Http', {
      handler: api.alias,
      identity: data.identity,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      domain: config.domain,
    });
    const operations = new OperationsDashboard(this, 'Operations', {
      api: this.api,
      functions: this.functions,
      stateMachine: this.saga.stateMachine,
      deadLetterQueues: this.backbone.deadLetterQueues,
      peerRegions,
      alarmTopic,
    });
    // A canary that makes the API answer 5xx rolls back even if the function itself does not throw.
    api.addRollbackAlarm(operations.api5xxAlarm);

    this.publishParameters(config.account, regionName);
    this.apiUrl = new CfnOutput(this, 'ApiUrl', { value: `https://${this.api.hostname}` });
  }

  /** The API starts saga executions (named after the order) and shows them in the operations console. */
  private grantSagaAccess(api: ServiceFunction): void {
    grantSagaStart(api, this.saga.stateMachine, ['states:GetExecutionHistory']);
    api.alias.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:ListExecutions'],
        resources: [this.saga.stateMachine.stateMachineArn],
      }),
    );
  }

  /**
   * The table stream's one consumer (global tables want a single reader per shard): new outbox items
   * written in this region, published at home (replicas carry another `originRegion`); and new transfer
   * records addressed to this region, which the sending region wrote and the global table replicated in,
   * credited here (each transfer record reaches every region's stream; only its receiver matches it).
   */
  private connectStream(publisher: lambda.IFunction, streamArn: string, regionName: string): void {
    // Holds stream batch descriptions, not events: the console cannot redrive them, an operator re-reads the stream.
    const failures = this.backbone.deadLetterQueue(
      'StreamPublisherBatches',
      'outbox stream batches not published or transfers not credited',
      false,
    );
    new lambda.EventSourceMapping(this, 'OutboxStream', {
      target: publisher,
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 10,
      onFailure: new SqsDlq(failures.queue),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: {
            NewImage: {
              pk: { S: lambda.FilterRule.beginsWith('OUTBOX#') },
              originRegion: { S: lambda.FilterRule.isEqual(regionName) },
            },
          },
        }),
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: {
            NewImage: {
              sk: { S: lambda.FilterRule.beginsWith(sortKeys.stockTransferPrefix) },
              data: { M: { toRegion: { S: lambda.FilterRule.isEqual(regionName) } } },
            },
          },
        }),
        // Another region's claim on an Idempotency-Key, replicated here: this region may hold a twin order.
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: {
            NewImage: {
              sk: { S: lambda.FilterRule.beginsWith(sortKeys.idempotencyClaimPrefix) },
              data: { M: { region: { S: lambda.FilterRule.notEquals(regionName) } } },
            },
          },
        }),
      ],
    });
  }

  /** What the global stack reads (health checks, DNS), written into its region; rewritten when it changes. */
  private publishParameters(account: string, regionName: string): void {
    const names = apiParameters(regionName);
    const write = (id: string, name: string, value: string) =>
      new RemoteParameter(this, id, { account, region: EDGE_REGION, name, value });
    write('ApiHostnameParameter', names.hostname, this.api.hostname);
    const domain = this.api.customDomain;
    if (!domain) return;
    write('ApiDomainTargetParameter', names.domainTarget, domain.regionalDomainName);
    write('ApiDomainZoneParameter', names.domainZoneId, domain.regionalHostedZoneId);
  }
}

/** Functions that are targets of bus rules (invoked asynchronously), each with a dead-letter queue. */
const EVENT_TARGET_FUNCTIONS: readonly FunctionSpec[] = [
  NOTIFICATION_CONSUMER_FUNCTION,
  ORDER_SAGA_STARTER_FUNCTION,
];

/**
 * The UnexpectedErrors metric the saga Task handler (apps/functions/src/aws/saga-task-handler.ts) emits
 * through Powertools Metrics for errors that are not MeridianErrors: dimensions `service` (the functions'
 * POWERTOOLS_SERVICE_NAME) and `step` (the Task state).
 */
export function unexpectedSagaErrors(step: SagaStep): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: 'UnexpectedErrors',
    dimensionsMap: { service: 'order-saga', step },
    period: Duration.minutes(1),
    statistic: 'Sum',
  });
}
