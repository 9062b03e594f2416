import type { ExecutionEvent } from '../api/types';

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'caught';

export interface StepRun {
  state: string;
  status: StepStatus;
  enteredAt: string;
  exitedAt: string | undefined;
  retries: number;
  error: string | undefined;
  cause: string | undefined;
}

/**
 * Folds a Step Functions-style history into one row per state visit: a Task that failed and was caught
 * (then compensated) reads "caught", one that failed, was retried and then went through reads "succeeded"
 * with its retry count and last error kept.
 */
export function stepRuns(history: readonly ExecutionEvent[]): StepRun[] {
  const runs: StepRun[] = [];
  const open = new Map<string, StepRun>();
  for (const event of history) {
    if (!event.state) continue;
    if (event.type === 'StateEntered') {
      const run: StepRun = {
        state: event.state,
        status: 'running',
        enteredAt: event.at,
        exitedAt: undefined,
        retries: 0,
        error: undefined,
        cause: undefined,
      };
      runs.push(run);
      open.set(event.state, run);
      continue;
    }
    const run = open.get(event.state);
    if (!run) continue;
    if (event.type === 'StateFailed') {
      run.status = 'failed';
      run.error = event.error;
      run.cause = event.cause;
    } else if (event.type === 'StateRetried') {
      run.status = 'running';
      run.retries += 1;
    } else if (event.type === 'StateCaught') {
      run.status = 'caught';
    } else if (event.type === 'StateExited') {
      if (run.status === 'running') run.status = 'succeeded';
      run.exitedAt = event.at;
      open.delete(event.state);
    }
  }
  return runs;
}

/** The order outcome recorded in the execution output (a saga that compensated still "SUCCEEDED"). */
export function orderOutcome(output: unknown): { status: string; reason: string | undefined } | undefined {
  const outcome = (output as { outcome?: { status?: unknown; reason?: unknown } } | null)?.outcome;
  if (typeof outcome?.status !== 'string') return undefined;
  return { status: outcome.status, reason: typeof outcome.reason === 'string' ? outcome.reason : undefined };
}
