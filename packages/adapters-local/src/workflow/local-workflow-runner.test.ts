import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { LocalWorkflowRunner, type LocalWorkflowRunnerOptions } from './local-workflow-runner';
import {
  capturingLogger,
  compensationSteps,
  forwardSteps,
  loadSagaDefinition,
  readSagaAsl,
  recordingHandlers,
  type TaskCall,
  TransientError,
  tempDbFile,
} from './saga-test-support';
import {
  ExecutionAlreadyExistsError,
  InvalidExecutionNameError,
  InvalidListRequestError,
  UnresolvedPlaceholderError,
  WorkflowHandlersMismatchError,
} from './workflow-errors';
import type { ExecutionDescription } from './workflow-store';

const definition = loadSagaDefinition();
const opened: Array<{ db: Database; runner: LocalWorkflowRunner }> = [];

function makeRunner(options: Partial<LocalWorkflowRunnerOptions> = {}): LocalWorkflowRunner {
  const db = openDatabase(tempDbFile());
  const runner = new LocalWorkflowRunner({
    db,
    definition,
    handlers: recordingHandlers().handlers,
    retryIntervalMs: 1,
    logger: capturingLogger(),
    ...options,
  });
  opened.push({ db, runner });
  return runner;
}

afterEach(async () => {
  for (const { db, runner } of opened.splice(0)) {
    await runner.stop({ graceMs: 100 });
    db.close();
  }
});

/** The `$.error` FailOrder received: the Catch output of the step that failed. */
function failOrderError(calls: readonly TaskCall[]): unknown {
  const input = calls.find((call) => call.state === 'FailOrder')?.input.input as
    | { error?: unknown }
    | undefined;
  return input?.error;
}

class RejectedError extends Error {
  override readonly name = 'ShipmentRejectedError';
}

describe('LocalWorkflowRunner saga paths', () => {
  it('runs every forward step once, in order, and records SUCCEEDED with its history', async () => {
    const saga = recordingHandlers();
    const finished: ExecutionDescription[] = [];
    const runner = makeRunner({ handlers: saga.handlers, onExecutionFinished: (e) => finished.push(e) });

    const result = await runner.start('order-1', { orderId: 'o-1', mode: 'place' });
    await runner.idle();

    expect(result).toEqual({ executionName: 'order-1', started: true });
    expect(saga.statesFor('o-1')).toEqual(forwardSteps);
    expect(saga.calls[0]?.input).toEqual({ orderId: 'o-1', step: 'ReserveInventory' });
    const execution = runner.describe('order-1');
    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.output).toMatchObject({ steps: { confirmOrder: { done: 'ConfirmOrder' } } });
    expect(execution?.finishedAt).not.toBeNull();
    expect(finished).toEqual([execution]);
    const history = runner.history('order-1');
    expect(history[0]?.type).toBe('ExecutionStarted');
    expect(history.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(history.filter((e) => e.type === 'StateExited').map((e) => e.stateName)).toEqual([
      'ChooseMode',
      ...forwardSteps,
      'OrderConfirmed',
    ]);
  });

  it('compensates in order after a non-transient failure and hands FailOrder the error name and cause', async () => {
    const saga = recordingHandlers({
      CreateShipment: async () => {
        throw new RejectedError('carrier refused the parcel', { cause: new Error('hidden inner cause') });
      },
    });
    const runner = makeRunner({ handlers: saga.handlers });

    await runner.start('order-2', { orderId: 'o-2', mode: 'place' });
    await runner.idle();

    expect(saga.statesFor('o-2')).toEqual([
      'ReserveInventory',
      'AuthorizePayment',
      'CreateShipment',
      // Every failure enters the whole chain (a compensation with nothing to undo does nothing), so a
      // resumed run entering it from any step still finishes every compensation.
      ...compensationSteps,
      'FailOrder',
    ]);
    expect(failOrderError(saga.calls)).toEqual({
      Error: 'ShipmentRejectedError',
      Cause: 'carrier refused the parcel',
    });
    // The saga closes in its OrderClosed Succeed state: the run succeeds, the order does not.
    expect(runner.describe('order-2')?.status).toBe('SUCCEEDED');
    const history = runner.history('order-2');
    expect(history.find((e) => e.type === 'StateFailed')).toMatchObject({
      stateName: 'CreateShipment',
      error: 'ShipmentRejectedError',
      cause: 'carrier refused the parcel',
    });
    expect(history.find((e) => e.type === 'StateCaught')).toMatchObject({
      stateName: 'CreateShipment',
      nextState: 'RefundPayment',
    });
    expect(history.some((e) => e.type === 'StateRetried')).toBe(false);
  });

  it('reports a thrown non-Error as Error with its text as Cause', async () => {
    const saga = recordingHandlers({
      AuthorizePayment: () => Promise.reject('card declined'),
    });
    const runner = makeRunner({ handlers: saga.handlers });

    await runner.start('order-3', { orderId: 'o-3', mode: 'place' });
    await runner.idle();

    expect(saga.statesFor('o-3')).toEqual([
      'ReserveInventory',
      'AuthorizePayment',
      ...compensationSteps,
      'FailOrder',
    ]);
    expect(failOrderError(saga.calls)).toEqual({
      Error: 'Error',
      Cause: 'card declined',
    });
  });

  it('retries a TransientError after retryIntervalMs and succeeds on the third attempt', async () => {
    let failures = 0;
    const saga = recordingHandlers({
      AuthorizePayment: async () => {
        failures += 1;
        if (failures <= 2) throw new TransientError(`gateway busy ${failures}`);
        return { authorized: true };
      },
    });
    const runner = makeRunner({ handlers: saga.handlers, retryIntervalMs: 20 });

    const began = performance.now();
    await runner.start('order-4', { orderId: 'o-4', mode: 'place' });
    await runner.idle();
    const elapsed = performance.now() - began;

    expect(saga.statesFor('o-4')).toEqual([
      'ReserveInventory',
      'AuthorizePayment',
      'AuthorizePayment',
      'AuthorizePayment',
      'CreateShipment',
      'CapturePayment',
      'ConfirmOrder',
    ]);
    expect(runner.describe('order-4')?.status).toBe('SUCCEEDED');
    const history = runner.history('order-4');
    expect(
      history.filter((e) => e.type === 'StateRetried').map((e) => [e.stateName, e.retryAttempt]),
    ).toEqual([
      ['AuthorizePayment', 1],
      ['AuthorizePayment', 2],
    ]);
    expect(history.filter((e) => e.type === 'StateFailed').map((e) => e.cause)).toEqual([
      'gateway busy 1',
      'gateway busy 2',
    ]);
    // Two 20 ms pauses, not the ASL's jittered 0–1 s and 0–2 s.
    expect(elapsed).toBeGreaterThanOrEqual(38);
    expect(elapsed).toBeLessThan(400);
  });

  it('gives up after MaxAttempts retries and compensates with the TransientError', async () => {
    const saga = recordingHandlers({
      ReserveInventory: async () => {
        throw new TransientError('stock service down');
      },
    });
    const runner = makeRunner({ handlers: saga.handlers });

    await runner.start('order-5', { orderId: 'o-5', mode: 'place' });
    await runner.idle();

    expect(saga.statesFor('o-5')).toEqual([
      ...Array(4).fill('ReserveInventory'),
      ...compensationSteps,
      'FailOrder',
    ]);
    expect(failOrderError(saga.calls)).toEqual({
      Error: 'TransientError',
      Cause: 'stock service down',
    });
  });

  it('retries a failing compensation 8 times, then goes on and hands FailOrder what it owes', async () => {
    const saga = recordingHandlers({
      CapturePayment: async () => {
        throw new TransientError('provider down');
      },
      VoidPayment: async () => {
        throw new TransientError('provider still down');
      },
    });
    const runner = makeRunner({ handlers: saga.handlers });

    await runner.start('order-7', { orderId: 'o-7', mode: 'place' });
    await runner.idle();

    expect(saga.statesFor('o-7')).toEqual([
      'ReserveInventory',
      'AuthorizePayment',
      'CreateShipment',
      ...Array(4).fill('CapturePayment'),
      'RefundPayment',
      'CancelShipment',
      ...Array(9).fill('VoidPayment'),
      'ReleaseInventory',
      'FailOrder',
    ]);
    const input = saga.calls.find((call) => call.state === 'FailOrder')?.input.input as {
      compensationErrors?: unknown;
    };
    expect(input.compensationErrors).toEqual({
      voidPayment: { Error: 'TransientError', Cause: 'provider still down' },
    });
  });

  it("routes mode 'cancel' straight into the compensation chain", async () => {
    const saga = recordingHandlers();
    const runner = makeRunner({ handlers: saga.handlers });

    await runner.start('cancel-6', { orderId: 'o-6', mode: 'cancel' });
    await runner.idle();

    expect(saga.statesFor('o-6')).toEqual([...compensationSteps, 'FailOrder']);
    expect(runner.describe('cancel-6')?.status).toBe('SUCCEEDED');
  });

  it('records FAILED with the error name and cause when FailOrder itself fails', async () => {
    const saga = recordingHandlers({
      ReserveInventory: async () => {
        throw new RejectedError('no stock');
      },
      FailOrder: async () => {
        throw new RangeError('order already closed');
      },
    });
    const logger = capturingLogger();
    const runner = makeRunner({ handlers: saga.handlers, logger });

    await runner.start('order-7', { orderId: 'o-7', mode: 'place' });
    await runner.idle();

    expect(runner.describe('order-7')).toMatchObject({
      status: 'FAILED',
      error: 'RangeError',
      cause: 'order already closed',
      output: null,
    });
    expect(runner.history('order-7').at(-1)).toMatchObject({ type: 'ExecutionFailed', error: 'RangeError' });
    expect(logger.errors).toEqual(['workflow execution failed']);
  });
});

describe('LocalWorkflowRunner executions', () => {
  it('is idempotent by name and input, and rejects the same name with another input', async () => {
    const saga = recordingHandlers();
    const runner = makeRunner({ handlers: saga.handlers });

    const first = await runner.start('order-8', { orderId: 'o-8', mode: 'place' });
    const again = await runner.start('order-8', { mode: 'place', orderId: 'o-8' });
    await runner.idle();
    const afterFinish = await runner.start('order-8', { orderId: 'o-8', mode: 'place' });

    expect(first.started).toBe(true);
    expect(again).toEqual({ executionName: 'order-8', started: false });
    expect(afterFinish.started).toBe(false);
    expect(saga.statesFor('o-8')).toEqual(forwardSteps);
    await expect(runner.start('order-8', { orderId: 'o-8', mode: 'cancel' })).rejects.toBeInstanceOf(
      ExecutionAlreadyExistsError,
    );
    await expect(runner.start('bad name', { orderId: 'x' })).rejects.toBeInstanceOf(
      InvalidExecutionNameError,
    );
  });

  it('lists newest first with cursor pagination, filters by status, and counts', async () => {
    let tick = Date.parse('2030-01-01T00:00:00.000Z');
    const runner = makeRunner({ clock: { now: () => tick++ } });
    for (const n of [1, 2, 3, 4, 5]) await runner.start(`e-${n}`, { orderId: `o-${n}`, mode: 'place' });
    await runner.idle();

    const page1 = runner.list({ limit: 2 });
    const page2 = runner.list({ limit: 2, cursor: page1.nextCursor });
    const page3 = runner.list({ limit: 2, cursor: page2.nextCursor });

    expect(page1.executions.map((e) => e.name)).toEqual(['e-5', 'e-4']);
    expect(page2.executions.map((e) => e.name)).toEqual(['e-3', 'e-2']);
    expect(page3.executions.map((e) => e.name)).toEqual(['e-1']);
    expect(page3.nextCursor).toBeUndefined();
    expect(page3.executions[0]?.startedAt).toBe('2030-01-01T00:00:00.000Z');
    expect(runner.list({ limit: 10, status: 'FAILED' }).executions).toEqual([]);
    expect(runner.counts()).toEqual({ RUNNING: 0, SUCCEEDED: 5, FAILED: 0, TIMED_OUT: 0 });
    expect(() => runner.list({ limit: 2, cursor: 'abc' })).toThrow(InvalidListRequestError);
    expect(() => runner.list({ limit: 0 })).toThrow(InvalidListRequestError);
    expect(runner.describe('missing')).toBeUndefined();
  });

  it('runs at most maxConcurrent executions at once and queues the rest', async () => {
    let inFlight = 0;
    let peak = 0;
    const saga = recordingHandlers({
      ReserveInventory: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
        return { reserved: true };
      },
    });
    const runner = makeRunner({ handlers: saga.handlers, maxConcurrent: 2 });

    for (const n of [1, 2, 3, 4, 5, 6]) await runner.start(`q-${n}`, { orderId: `q-${n}`, mode: 'place' });
    await runner.idle();

    expect(peak).toBe(2);
    expect(runner.counts().SUCCEEDED).toBe(6);
  });

  it('refuses handlers that do not match the Task states, and unsubstituted definitions', () => {
    const { FailOrder: _omitted, ...withoutFailOrder } = recordingHandlers().handlers;
    const db = openDatabase(':memory:');

    expect(() => new LocalWorkflowRunner({ db, definition, handlers: withoutFailOrder })).toThrow(
      WorkflowHandlersMismatchError,
    );
    expect(
      () =>
        new LocalWorkflowRunner({
          db,
          definition: JSON.parse(readSagaAsl()),
          handlers: recordingHandlers().handlers,
        }),
    ).toThrow(UnresolvedPlaceholderError);
    db.close();
  });
});
