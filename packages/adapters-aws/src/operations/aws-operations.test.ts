import { ExecutionDoesNotExist, type HistoryEvent, InvalidToken, type SFNClient } from '@aws-sdk/client-sfn';
import { InvalidCursorError, type ItemStore } from '@meridian/domain';
import { describe, expect, it } from 'vitest';
import { fakeAwsClient, type Respond, scripted } from '../testing/fake-aws-client';
import { AwsOperations } from './aws-operations';
import type { SqsDeadLetters } from './sqs-dead-letters';
import { StepFunctionsExecutions, toEventViews } from './step-functions-executions';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:meridian-order-saga';

function executionsWith(respond: Respond) {
  const { client, sent } = fakeAwsClient<SFNClient>(respond);
  return { executions: new StepFunctionsExecutions({ client, stateMachineArn: STATE_MACHINE }), sent };
}

const at = (second: number) => new Date(Date.UTC(2025, 2, 1, 12, 0, second));

describe('StepFunctionsExecutions', () => {
  it('lists executions newest first with their input, output and outcome', async () => {
    const { executions, sent } = executionsWith((command) => {
      if (command.name === 'ListExecutionsCommand') {
        return {
          executions: [{ executionArn: 'arn:a' }, { executionArn: 'arn:b' }],
          nextToken: 'next-token',
        };
      }
      return command.input.executionArn === 'arn:a'
        ? {
            name: 'ord_a',
            status: 'SUCCEEDED',
            input: '{"orderId":"ord_a","mode":"place"}',
            output: '{"ok":true}',
            startDate: at(0),
            stopDate: at(9),
          }
        : {
            name: 'ord_b',
            status: 'ABORTED',
            input: '{"orderId":"ord_b","mode":"place"}',
            startDate: at(1),
            stopDate: at(2),
          };
    });

    const page = await executions.list({ limit: 500, status: 'FAILED' });

    expect(sent[0]?.input).toEqual({
      stateMachineArn: STATE_MACHINE,
      maxResults: 200,
      statusFilter: 'FAILED',
    });
    expect(page.nextCursor).toBe('next-token');
    expect(page.items).toEqual([
      {
        name: 'ord_a',
        status: 'SUCCEEDED',
        input: { orderId: 'ord_a', mode: 'place' },
        output: { ok: true },
        startedAt: at(0).toISOString(),
        finishedAt: at(9).toISOString(),
      },
      {
        name: 'ord_b',
        status: 'FAILED',
        error: 'ABORTED',
        input: { orderId: 'ord_b', mode: 'place' },
        startedAt: at(1).toISOString(),
        finishedAt: at(2).toISOString(),
      },
    ]);
  });

  it('turns a rejected page token into InvalidCursorError', async () => {
    const { executions } = executionsWith(
      scripted(new InvalidToken({ message: 'bad token', $metadata: {} })),
    );

    await expect(executions.list({ limit: 5, cursor: 'forged' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('answers undefined for the history of an unknown execution', async () => {
    const { executions, sent } = executionsWith(
      scripted(new ExecutionDoesNotExist({ message: 'nope', $metadata: {} })),
    );

    expect(await executions.history('ord_x')).toBeUndefined();
    expect(sent[0]?.input.executionArn).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:meridian-order-saga:ord_x',
    );
  });

  it('names the state of each history event and keeps errors and causes', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'ExecutionStarted', timestamp: at(0), executionStartedEventDetails: {} },
      {
        id: 2,
        type: 'TaskStateEntered',
        timestamp: at(1),
        stateEnteredEventDetails: { name: 'AuthorizePayment' },
      },
      {
        id: 3,
        type: 'LambdaFunctionFailed',
        timestamp: at(2),
        lambdaFunctionFailedEventDetails: { error: 'PaymentDeclinedError', cause: 'declined' },
      },
      {
        id: 4,
        type: 'TaskStateExited',
        timestamp: at(3),
        stateExitedEventDetails: { name: 'AuthorizePayment' },
      },
      {
        id: 5,
        type: 'ExecutionFailed',
        timestamp: at(4),
        executionFailedEventDetails: { error: 'OrderFailed' },
      },
    ];

    const views = toEventViews(events);

    expect(views).toEqual([
      { type: 'ExecutionStarted', at: at(0).toISOString() },
      { type: 'TaskStateEntered', at: at(1).toISOString(), state: 'AuthorizePayment' },
      {
        type: 'LambdaFunctionFailed',
        at: at(2).toISOString(),
        state: 'AuthorizePayment',
        error: 'PaymentDeclinedError',
        cause: 'declined',
      },
      { type: 'TaskStateExited', at: at(3).toISOString(), state: 'AuthorizePayment' },
      { type: 'ExecutionFailed', at: at(4).toISOString(), error: 'OrderFailed' },
    ]);
  });
});

describe('AwsOperations.health', () => {
  const executions = executionsWith(scripted()).executions;
  const deadLetters = (depths: () => Promise<Map<string, number>>) =>
    ({ depths }) as unknown as SqsDeadLetters;
  const store = (get: ItemStore['get']) => ({ get }) as unknown as ItemStore;

  it('is degraded when the table cannot be read', async () => {
    const operations = new AwsOperations({
      store: store(async () => {
        throw Object.assign(new Error('unreachable'), { name: 'InternalServerError' });
      }),
      executions,
      deadLetters: deadLetters(async () => new Map([['q', 0]])),
    });

    const checks = await operations.health();

    expect(checks.database).toEqual({ status: 'degraded', detail: 'InternalServerError: unreachable' });
  });

  it('reports waiting dead letters without degrading the region', async () => {
    const operations = new AwsOperations({
      store: store(async () => undefined),
      executions,
      deadLetters: deadLetters(
        async () =>
          new Map([
            ['q1', 2],
            ['q2', 1],
          ]),
      ),
    });

    const checks = await operations.health();

    expect(checks.database?.status).toBe('ok');
    expect(checks.deadLetters).toEqual({ status: 'ok', detail: '3 dead letters in 2 queues' });
  });
});
