import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { WorkflowLogger } from './history-writer';
import { localFunctionArns, placeholderNames, substituteDefinition } from './substitute-definition';
import type { TaskHandler } from './task-handlers';

// Test helpers only: the real saga handlers live with the use cases; these record and fail on demand.

export const sagaAslPath = createRequire(import.meta.url).resolve(
  '@meridian/statemachines/order-saga.asl.json',
);

export const forwardSteps = [
  'ReserveInventory',
  'AuthorizePayment',
  'CreateShipment',
  'CapturePayment',
  'ConfirmOrder',
] as const;
export const compensationSteps = [
  'RefundPayment',
  'CancelShipment',
  'VoidPayment',
  'ReleaseInventory',
] as const;
export const sagaTaskStates = [...forwardSteps, ...compensationSteps, 'FailOrder'] as const;

export function readSagaAsl(): string {
  return readFileSync(sagaAslPath, 'utf8');
}

export function loadSagaDefinition(region = 'us-east-1'): Record<string, unknown> {
  const text = readSagaAsl();
  return substituteDefinition(text, localFunctionArns(placeholderNames(text), region));
}

/** A fresh database path in a temporary directory that is removed when the calling test finishes. */
export function tempDbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-workflow-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'region.db');
}

/** Matched by the saga's Retry `ErrorEquals: ["TransientError", ...]` through its `name`. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

export interface TaskCall {
  state: string;
  orderId: string;
  input: Record<string, unknown>;
}

/** Handlers for every saga Task that record each call and return `{ done: <state> }`, unless overridden. */
export function recordingHandlers(overrides: Partial<Record<string, TaskHandler>> = {}): {
  calls: TaskCall[];
  handlers: Record<string, TaskHandler>;
  statesFor(orderId: string): string[];
} {
  const calls: TaskCall[] = [];
  const handlers: Record<string, TaskHandler> = {};
  for (const state of sagaTaskStates) {
    handlers[state] = async (input) => {
      const record = input as Record<string, unknown>;
      calls.push({ state, orderId: String(record.orderId), input: record });
      const override = overrides[state];
      return override === undefined ? { done: state } : override(input);
    };
  }
  return {
    calls,
    handlers,
    statesFor: (orderId) => calls.filter((call) => call.orderId === orderId).map((call) => call.state),
  };
}

export function capturingLogger(): WorkflowLogger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => {}, error: (message) => errors.push(message) };
}
