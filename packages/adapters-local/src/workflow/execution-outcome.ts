import { ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';

export type Outcome =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED' | 'TIMED_OUT'; error: string; cause: string };

/** The run's rejection: ExecutionError wraps, as `cause`, the error of the state that failed the run. */
export function failureOf(thrown: unknown): Outcome {
  if (thrown instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: thrown.message };
  }
  const original = thrown instanceof ExecutionError ? thrown.cause : thrown;
  if (original instanceof Error) return { status: 'FAILED', error: original.name, cause: original.message };
  return { status: 'FAILED', error: 'Error', cause: String(original) };
}
