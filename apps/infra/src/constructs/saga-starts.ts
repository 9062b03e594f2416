import { SAGA_START_EVENT_TYPES } from '@meridian/domain';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { EventBackbone } from './event-backbone';
import { ORDER_SAGA_NAME } from './order-saga';
import type { ServiceFunction } from './service-function';

export const SAGA_SWEEP_INTERVAL = Duration.minutes(5);

/**
 * The sweep's window: orders at least 2 minutes old (younger ones are the API's and the events' to start)
 * and at most a day old (as long as a client's retry with the same Idempotency-Key would also heal one).
 */
export const SAGA_SWEEP_INPUT = { minAgeSeconds: 120, maxAgeHours: 24, unfinishedAfterMinutes: 65 };

export interface SagaStartsProps {
  /** Target of this region's OrderPlaced and OrderCancelRequested events. */
  readonly starter: ServiceFunction;
  /** Runs on the schedule. */
  readonly sweeper: ServiceFunction;
  readonly stateMachine: sfn.IStateMachine;
  readonly backbone: EventBackbone;
  readonly table: dynamodb.ITableV2;
  readonly tableArn: string;
}

/**
 * An accepted order always gets its saga, without the client's help. The API starts it right after the
 * commit; when that start fails, the order's own event (published from the outbox row committed with it)
 * invokes the starter, and a scheduled sweep starts whatever both missed. Starts are named after the
 * order, so any number of them start one execution.
 */
export class SagaStarts extends Construct {
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: SagaStartsProps) {
    super(scope, id);
    for (const fn of [props.starter, props.sweeper]) {
      fn.grantTableRead(props.table, props.tableArn);
      grantSagaStart(fn, props.stateMachine);
    }
    props.backbone.addOrderEventConsumer('OrderSagaStarts', props.starter.alias, SAGA_START_EVENT_TYPES);
    // On the default bus, where schedules live; the input is the window (an operator may invoke the
    // sweeper by hand with another one).
    this.schedule = new events.Rule(this, 'Sweep', {
      description: 'Starts the saga run any recent order of this region still awaits',
      schedule: events.Schedule.rate(SAGA_SWEEP_INTERVAL),
      targets: [
        new targets.LambdaFunction(props.sweeper.alias, {
          event: events.RuleTargetInput.fromObject(SAGA_SWEEP_INPUT),
          // The next firing sweeps again: a missed one needs no long retry.
          retryAttempts: 2,
          maxEventAge: SAGA_SWEEP_INTERVAL,
        }),
      ],
    });
  }
}

/**
 * Lets a function start saga executions: StartExecution, and DescribeExecution because a start named
 * after an order that already ran is answered ExecutionAlreadyExists, which the workflow adapter checks.
 */
export function grantSagaStart(
  fn: ServiceFunction,
  stateMachine: sfn.IStateMachine,
  executionActions: readonly string[] = [],
): void {
  stateMachine.grantStartExecution(fn.alias);
  const stack = Stack.of(fn);
  const executions = `arn:aws:states:${stack.region}:${stack.account}:execution:${ORDER_SAGA_NAME}:*`;
  fn.alias.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', ...executionActions],
      resources: [executions],
    }),
  );
  Validations.of(fn.function).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${executions}]`,
    reason: 'Executions of the order saga only; their names are order ids, unknown until orders exist.',
  });
}
