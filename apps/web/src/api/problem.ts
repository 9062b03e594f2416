/** A failed API call, carrying the RFC 9457 problem the API sent (or one made up for network failures). */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: ReadonlyArray<{ path: string; message: string }>;

  constructor(problem: {
    status: number;
    code: string;
    title: string;
    detail?: string | undefined;
    errors?: ReadonlyArray<{ path: string; message: string }> | undefined;
  }) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
  }

  /** The route itself does not exist here: a feature this deployment does not offer (yet). */
  get isNotAvailable(): boolean {
    return this.status === 404 && ['route_not_found', 'not_available', 'http_404'].includes(this.code);
  }
}

/** Builds a ProblemError from any response body; non-JSON bodies (a proxy's HTML page) still give a readable error. */
export function problemFromBody(status: number, statusText: string, body: unknown): ProblemError {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  const errors = Array.isArray(record.errors)
    ? record.errors.flatMap((entry: unknown) => {
        const e = entry as Record<string, unknown>;
        return typeof e?.path === 'string' && typeof e.message === 'string'
          ? [{ path: e.path, message: e.message }]
          : [];
      })
    : [];
  return new ProblemError({
    status,
    code: text('code') ?? `http_${status}`,
    title: text('title') ?? (statusText || `HTTP ${status}`),
    detail: text('detail'),
    errors,
  });
}

export function networkProblem(cause: unknown): ProblemError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProblemError({
    status: 0,
    code: 'network_error',
    title: 'Network error',
    detail: `Meridian could not be reached (${reason}). Check the connection and try again.`,
  });
}

/** Headlines a person can act on, per stable problem code; the API's `detail` follows underneath. */
const HEADLINES: Record<string, string> = {
  invalid_request: 'Some details need fixing.',
  malformed_json: 'The request could not be read.',
  unauthenticated: 'Please sign in again.',
  forbidden: 'This needs an operator account.',
  order_not_found: 'We could not find that order.',
  product_not_found: 'That product is not in the catalog.',
  dead_letter_not_found: 'That dead letter is gone (already redriven?).',
  execution_not_found: 'That saga execution is not known.',
  order_not_cancellable: 'This order can no longer be cancelled.',
  order_not_shippable: 'This order cannot be shipped.',
  condition_failed: 'Someone else changed this at the same time. Try again.',
  invalid_order: 'This order cannot be placed.',
  idempotency_key_reused: 'This checkout changed after it was sent. Place the order again.',
  invalid_stock_operation: 'That stock change is not allowed.',
  invalid_amount: 'That amount is out of range.',
  transient: 'Meridian is briefly busy. Try again in a few seconds.',
  no_region_available: 'No region can serve this right now.',
  internal_error: 'Something went wrong on our side.',
  network_error: 'Meridian could not be reached.',
  unknown_user: 'That demo user does not exist.',
  invalid_sign_in_link: 'That sign-in link no longer works (each works once). Print a new one.',
  admin_sign_in_required: 'Operators sign in with the one-time link `npm start` printed.',
  rate_limited: 'Too many requests at once. Wait a moment and try again.',
  too_many_streams: 'Too many live event views are open. Close one and try again.',
  cross_site_request: 'This page may not do that from another site.',
};

export function describeProblem(error: unknown): { headline: string; detail: string | undefined } {
  if (error instanceof ProblemError) {
    if (error.isNotAvailable) return { headline: 'Not available in this deployment.', detail: error.detail };
    return { headline: HEADLINES[error.code] ?? `${error.title}.`, detail: error.detail };
  }
  return { headline: 'Something went wrong.', detail: error instanceof Error ? error.message : undefined };
}
