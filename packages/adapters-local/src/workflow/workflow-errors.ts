/** Step Functions' `ExecutionAlreadyExists`: the name is taken by an execution with a different input. */
export class ExecutionAlreadyExistsError extends Error {
  override readonly name = 'ExecutionAlreadyExistsError';
  constructor(readonly executionName: string) {
    super(`An execution named '${executionName}' already exists with a different input`);
  }
}

/** Step Functions' `InvalidName`: 1–80 characters, none of whitespace, brackets, wildcards or specials. */
export class InvalidExecutionNameError extends Error {
  override readonly name = 'InvalidExecutionNameError';
  constructor(readonly executionName: string) {
    super(`Invalid execution name '${executionName}'`);
  }
}

/** A `list()` request with a malformed cursor or an out-of-range limit. */
export class InvalidListRequestError extends Error {
  override readonly name: string = 'InvalidListRequestError';
}

/** A `list()` request whose cursor this store did not issue. */
export class InvalidListCursorError extends InvalidListRequestError {
  override readonly name = 'InvalidListCursorError';
  constructor() {
    super('malformed cursor');
  }
}

/** The definition still holds `${Name}` placeholders that no substitution resolved. */
export class UnresolvedPlaceholderError extends Error {
  override readonly name = 'UnresolvedPlaceholderError';
  constructor(readonly placeholders: readonly string[]) {
    super(`Unresolved definition placeholders: ${placeholders.map((p) => `\${${p}}`).join(', ')}`);
  }
}

/** The handlers do not match the definition's Task states one to one. */
export class WorkflowHandlersMismatchError extends Error {
  override readonly name = 'WorkflowHandlersMismatchError';
}
