import { readFileSync } from 'node:fs';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ORDER_SAGA_ASL, type SagaStep, substitutionKey } from '../function-catalog';

export const ORDER_SAGA_NAME = 'meridian-order-saga';

export interface OrderSagaProps {
  /** The `live` alias of each step's function: the canary applies to saga steps too. */
  readonly steps: Record<SagaStep, lambda.IFunction>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The order saga from statemachines/order-saga.asl.json, byte for byte, with the function ARNs
 * substituted by CloudFormation: local mode runs the very same file.
 */
export class OrderSaga extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: OrderSagaProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps CloudWatch's resource policy small as state machines multiply.
      logGroupName: `/aws/vendedlogs/states/meridian-order-saga-${Stack.of(this).region}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const steps = Object.entries(props.steps) as Array<[SagaStep, lambda.IFunction]>;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: ORDER_SAGA_NAME,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(ORDER_SAGA_ASL, 'utf8')),
      definitionSubstitutions: Object.fromEntries(
        steps.map(([step, fn]) => [substitutionKey(step), fn.functionArn]),
      ),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // fromString hides the Task resources from CDK, so invoke rights are granted explicitly.
    for (const [, fn] of steps) fn.grantInvoke(this.stateMachine);
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Step Functions log delivery (logs:*LogDelivery) and X-Ray tracing accept no resource ARN.',
    });
  }
}
