import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { LocalWorkflowRunner } from './local-workflow-runner';
import {
  capturingLogger,
  forwardSteps,
  loadSagaDefinition,
  recordingHandlers,
  tempDbFile,
} from './saga-test-support';

const definition = loadSagaDefinition();
const place = (orderId: string) => ({ orderId, mode: 'place' });
const forever = () => new Promise<never>(() => {});

describe('LocalWorkflowRunner recovery', () => {
  it('resumes executions a killed process left RUNNING and completes them from the start', async () => {
    const file = tempDbFile();
    const deadDb = openDatabase(file);
    const dying = recordingHandlers({ AuthorizePayment: forever });
    const dead = new LocalWorkflowRunner({
      db: deadDb,
      definition,
      handlers: dying.handlers,
      logger: capturingLogger(),
    });
    await dead.start('order-a', place('o-a'));
    await dead.start('order-b', place('o-b'));
    await vi.waitFor(() => expect(dying.calls.filter((c) => c.state === 'AuthorizePayment')).toHaveLength(2));
    await new Promise((resolve) => setImmediate(resolve)); // let run 1's history so far reach the file
    // The kill: no stop(), and nothing the old runner does from now on can reach the database.
    deadDb.close();

    const db = openDatabase(file);
    const saga = recordingHandlers();
    const runner = new LocalWorkflowRunner({ db, definition, handlers: saga.handlers });
    expect(runner.counts().RUNNING).toBe(2);
    const resumed = await runner.resumeUnfinished();
    await runner.idle();

    expect(resumed).toBe(2);
    expect(saga.statesFor('o-a')).toEqual(forwardSteps);
    expect(saga.statesFor('o-b')).toEqual(forwardSteps);
    expect(runner.describe('order-a')).toMatchObject({ status: 'SUCCEEDED', runs: 2, input: place('o-a') });
    const history = runner.history('order-a');
    expect(history.filter((e) => e.run === 1).at(-1)).toMatchObject({
      type: 'StateEntered',
      stateName: 'AuthorizePayment',
    });
    expect(history.filter((e) => e.run === 2).at(-1)?.type).toBe('ExecutionSucceeded');
    expect(await runner.resumeUnfinished()).toBe(0);
    await runner.stop();
    db.close();
  });

  it('stops quickly: queued ones never start, running ones are detached and left RUNNING for resume', async () => {
    const file = tempDbFile();
    let release: (() => void) | undefined;
    const first = recordingHandlers({
      ReserveInventory: () =>
        new Promise((resolve) => {
          release = () => resolve({ reserved: true });
        }),
    });
    const db = openDatabase(file);
    const runner = new LocalWorkflowRunner({ db, definition, handlers: first.handlers, maxConcurrent: 1 });
    await runner.start('slow', place('o-slow'));
    await runner.start('queued', place('o-queued'));
    await vi.waitFor(() => expect(first.calls).toHaveLength(1));

    const began = performance.now();
    await runner.stop({ graceMs: 50 });
    const stopMs = performance.now() - began;
    const late = await runner.start('late', place('o-late'));
    release?.();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(stopMs).toBeLessThan(1000);
    expect(late.started).toBe(true);
    // The detached run's Task returned after stop(), yet no further state ran and nothing was recorded.
    expect(first.statesFor('o-slow')).toEqual(['ReserveInventory']);
    expect(first.statesFor('o-queued')).toEqual([]);
    expect(runner.counts().RUNNING).toBe(3);
    await runner.idle();
    db.close();

    const reopened = openDatabase(file);
    const saga = recordingHandlers();
    const next = new LocalWorkflowRunner({ db: reopened, definition, handlers: saga.handlers });
    expect(await next.resumeUnfinished()).toBe(3);
    await next.idle();
    expect(next.counts()).toEqual({ RUNNING: 0, SUCCEEDED: 3, FAILED: 0, TIMED_OUT: 0 });
    expect(saga.statesFor('o-slow')).toEqual(forwardSteps);
    await next.stop();
    reopened.close();
  });
});
