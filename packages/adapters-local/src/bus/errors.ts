/** An event pattern that EventBridge would reject; `path` points at the offending part (e.g. `detail.state[0]`). */
export class InvalidEventPatternError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(path === '' ? `Invalid event pattern: ${reason}` : `Invalid event pattern at ${path}: ${reason}`);
    this.name = 'InvalidEventPatternError';
  }
}

/** One or more envelopes given to `putEvents` failed validation; nothing of the batch was written. */
export class InvalidEventError extends Error {
  constructor(readonly issues: ReadonlyArray<{ index: number; message: string }>) {
    super(
      `Invalid event envelope(s): ${issues.map((issue) => `[${issue.index}] ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidEventError';
  }
}

/** The bus was wired or called in a way the code must fix (bad option, duplicate rule, unknown rule). */
export class BusConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusConfigurationError';
  }
}

/** A replay name is taken: like EventBridge, each replay name is used once per bus. */
export class ReplayNameConflictError extends Error {
  constructor(readonly replayName: string) {
    super(`A replay named '${replayName}' already exists on this bus`);
    this.name = 'ReplayNameConflictError';
  }
}

/** A pagination cursor that this bus did not issue (or that belongs to another listing). */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`Invalid cursor '${cursor}'`);
    this.name = 'InvalidCursorError';
  }
}
