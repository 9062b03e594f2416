/** Error categories, named as Stripe names them so clients can branch on `type` alone. */
export type ApiErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface ApiErrorBody {
  error: {
    type: ApiErrorType;
    code: string;
    message: string;
    decline_code?: string;
    param?: string;
  };
}

/** What an operation answers; `replayable: false` keeps it out of the idempotency records. */
export interface SimulatorOutcome {
  status: number;
  body: object;
  replayable: boolean;
}

export function apiError(
  type: ApiErrorType,
  code: string,
  message: string,
  extra: { decline_code?: string; param?: string } = {},
): ApiErrorBody {
  return { error: { type, code, message, ...extra } };
}

export function jsonResponse(
  status: number,
  bodyText: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(bodyText, { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function errorResponse(status: number, body: ApiErrorBody): Response {
  return jsonResponse(status, JSON.stringify(body));
}

/** Turns the first zod issue into Stripe's parameter_missing / parameter_unknown / parameter_invalid error. */
export function validationError(error: { issues: readonly ZodIssueLike[] }): ApiErrorBody {
  const issue = error.issues[0];
  const param = issue ? issue.path.map(String).join('.') : '';
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  const unknown = issue?.code === 'unrecognized_keys';
  const message = issue ? (param ? `${param}: ${issue.message}` : issue.message) : 'Invalid request.';
  const code = missing ? 'parameter_missing' : unknown ? 'parameter_unknown' : 'parameter_invalid';
  return apiError('invalid_request_error', code, message, {
    ...(param ? { param } : {}),
  });
}

interface ZodIssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
}
