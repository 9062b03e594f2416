// aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+) in every Task state; on Node 20 each
// Task would throw a TypeError that the saga's `States.ALL` Catch silently turns into a compensation.
import 'core-js/actual/promise/with-resolvers.js';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { placeholderNames } from './substitute-definition';
import { assertHandlersMatch, collectStates, type TaskHandler, toLocalHandlers } from './task-handlers';
import { UnresolvedPlaceholderError } from './workflow-errors';

export interface MachineOptions {
  /** A parsed ASL definition with every `${Name}` placeholder already substituted. */
  definition: object;
  /** One handler per Task state name, exactly. */
  handlers: Record<string, TaskHandler>;
  /** When set, every Retry waits this long instead of the ASL's IntervalSeconds/backoff/jitter. */
  retryIntervalMs?: number | undefined;
  /** The definition already validated as a state machine (see `compileStateMachine`). */
  machine?: StateMachine | undefined;
}

/** A state machine ready to run, and the overrides every run passes it (local handlers, Retry waits). */
export interface PreparedMachine {
  machine: StateMachine;
  overrides: NonNullable<RunOptions['overrides']>;
}

/**
 * Validates a definition (placeholders substituted) and builds the library's state machine for it; the
 * clone is because the validator writes QueryLanguage into the states it checks.
 */
export function compileStateMachine(definition: object): StateMachine {
  return new StateMachine(structuredClone(definition) as StateMachineDefinition);
}

/** Refuses a definition with placeholders left or handlers that do not match its Task states, one for one. */
export function prepareMachine(options: MachineOptions): PreparedMachine {
  const { definition, handlers, retryIntervalMs } = options;
  const leftover = placeholderNames(JSON.stringify(definition));
  if (leftover.length > 0) throw new UnresolvedPlaceholderError(leftover);
  const { taskStates, retryStates } = collectStates(definition);
  assertHandlersMatch(taskStates, Object.keys(handlers));
  return {
    // Validating costs ~100 ms (asl-validator), so the machine is built once and reused by every run.
    machine: options.machine ?? compileStateMachine(definition),
    overrides: {
      taskResourceLocalHandlers: toLocalHandlers(handlers),
      ...(retryIntervalMs === undefined
        ? {}
        : { retryIntervalOverrides: Object.fromEntries(retryStates.map((name) => [name, retryIntervalMs])) }),
    },
  };
}
