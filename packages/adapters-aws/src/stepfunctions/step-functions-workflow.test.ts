import { ExecutionAlreadyExists, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { TransientError } from '@meridian/domain';
import { describe, expect, it } from 'vitest';
import { fakeAwsClient, type Respond, scripted } from '../testing/fake-aws-client';
import { ExecutionInputConflictError, StepFunctionsOrderWorkflow } from './step-functions-workflow';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:meridian-order-saga';

function workflowWith(respond: Respond) {
  const { client, sent } = fakeAwsClient<SFNClient>(respond);
  return { workflow: new StepFunctionsOrderWorkflow({ client, stateMachineArn: STATE_MACHINE }), sent };
}

const alreadyExists = () =>
  new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });

describe('StepFunctionsOrderWorkflow', () => {
  it('starts an execution named after the order and mode, with {orderId, mode} as input', async () => {
    const { workflow, sent } = workflowWith(() => ({ executionArn: 'arn' }));

    await workflow.startOrderSaga('ord_1_eu-west-1', 'place');
    await workflow.startOrderSaga('ord_1_eu-west-1', 'cancel');

    expect(sent.map((command) => command.input)).toEqual([
      {
        stateMachineArn: STATE_MACHINE,
        name: 'ord_1_eu-west-1',
        input: '{"orderId":"ord_1_eu-west-1","mode":"place"}',
      },
      {
        stateMachineArn: STATE_MACHINE,
        name: 'ord_1_eu-west-1-cancel',
        input: '{"orderId":"ord_1_eu-west-1","mode":"cancel"}',
      },
    ]);
  });

  it('treats an existing execution with the same input as started', async () => {
    const { workflow, sent } = workflowWith(
      scripted(alreadyExists(), {
        input: '{"mode":"place","orderId":"ord_1_eu-west-1"}',
        status: 'SUCCEEDED',
      }),
    );

    await expect(workflow.startOrderSaga('ord_1_eu-west-1', 'place')).resolves.toBeUndefined();
    expect(sent[1]).toEqual({
      name: 'DescribeExecutionCommand',
      input: {
        executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:meridian-order-saga:ord_1_eu-west-1',
      },
    });
  });

  it('refuses an existing execution of the same name with another input', async () => {
    const { workflow } = workflowWith(
      scripted(alreadyExists(), { input: '{"orderId":"ord_2_eu-west-1","mode":"place"}' }),
    );

    await expect(workflow.startOrderSaga('ord_1_eu-west-1', 'place')).rejects.toBeInstanceOf(
      ExecutionInputConflictError,
    );
  });

  it('maps throttling to TransientError so the caller retries', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { workflow } = workflowWith(scripted(throttled));

    await expect(workflow.startOrderSaga('ord_1_eu-west-1', 'place')).rejects.toBeInstanceOf(TransientError);
  });

  it('describes a run by its name: its status, or undefined when there is none', async () => {
    const { workflow, sent } = workflowWith(
      scripted(
        { status: 'TIMED_OUT' },
        new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }),
      ),
    );

    expect(await workflow.describeOrderSaga('ord_1_eu-west-1', 'place')).toBe('TIMED_OUT');
    expect(await workflow.describeOrderSaga('ord_2_eu-west-1', 'cancel')).toBeUndefined();
    expect(sent.map((command) => command.input)).toEqual([
      { executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:meridian-order-saga:ord_1_eu-west-1' },
      {
        executionArn:
          'arn:aws:states:eu-west-1:123456789012:execution:meridian-order-saga:ord_2_eu-west-1-cancel',
      },
    ]);
  });
});
