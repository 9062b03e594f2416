import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantSagaStart } from './saga-starts';
import type { ServiceFunction } from './service-function';

/**
 * When the integrity sweep runs, and what each run does (apps/functions/src/integrity/integrity-sweep.ts):
 * what closed orders owe and the keys two regions accepted are looked at every minute (each order or key
 * backs off on its own, up to an hour), the payment ledger every five.
 */
export const INTEGRITY_SCHEDULES = [
  { id: 'SettleAndDecide', rate: Duration.minutes(1), jobs: ['settle', 'duplicates'] },
  { id: 'Reconcile', rate: Duration.minutes(5), jobs: ['reconcile'] },
] as const;

export interface IntegritySweepsProps {
  readonly sweeper: ServiceFunction;
  readonly stateMachine: sfn.IStateMachine;
  readonly table: dynamodb.ITableV2;
  readonly tableArn: string;
  readonly paymentProviderSecret: secretsmanager.ISecret;
}

/**
 * Money is settled, never dropped, on AWS: a compensation the saga could not finish after its retries is
 * owed (the order's settlement), and this function retries it on a schedule for as long as it takes; it
 * also cancels the order that was not kept when two regions accepted one Idempotency-Key (a cancellation
 * run of the saga), and reconciles the payment provider's ledger with this region's orders.
 */
export class IntegritySweeps extends Construct {
  readonly schedules: events.Rule[];

  constructor(scope: Construct, id: string, props: IntegritySweepsProps) {
    super(scope, id);
    const { sweeper } = props;
    sweeper.grantTableData(props.table, props.tableArn);
    props.paymentProviderSecret.grantRead(sweeper.alias);
    grantSagaStart(sweeper, props.stateMachine);
    this.schedules = INTEGRITY_SCHEDULES.map(
      (schedule) =>
        new events.Rule(this, schedule.id, {
          description: `Integrity sweep: ${schedule.jobs.join(', ')}`,
          schedule: events.Schedule.rate(schedule.rate),
          targets: [
            new targets.LambdaFunction(sweeper.alias, {
              event: events.RuleTargetInput.fromObject({ jobs: schedule.jobs }),
              // The next firing runs again: a missed one needs no long retry.
              retryAttempts: 2,
              maxEventAge: schedule.rate,
            }),
          ],
        }),
    );
  }
}
