import {
  ConditionFailedError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  InvalidAmountError,
  InvalidCursorError,
  InvalidOrderError,
  InvalidStockOperationError,
  MeridianError,
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderNotShippableError,
  ProductAlreadyExistsError,
  ProductNotFoundError,
  TransientError,
  UnauthenticatedError,
} from '@meridian/domain';

export const PROBLEM_BASE = 'https://meridian.example/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `${PROBLEM_BASE}${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** Domain errors and the HTTP status each one means; the error's own code and message become the problem. */
const STATUS_BY_ERROR: Array<[new (...args: never[]) => MeridianError, number]> = [
  [UnauthenticatedError, 401],
  [ForbiddenError, 403],
  [OrderNotFoundError, 404],
  [ProductNotFoundError, 404],
  [ProductAlreadyExistsError, 409],
  [OrderNotCancellableError, 409],
  [OrderNotShippableError, 409],
  [ConditionFailedError, 409],
  [IdempotencyKeyReusedError, 422],
  [InvalidOrderError, 422],
  [InvalidStockOperationError, 422],
  [InvalidAmountError, 422],
  [InvalidCursorError, 400],
  [TransientError, 503],
];

/** Maps a thrown error to a problem; undefined for unexpected errors (the caller logs them and answers 500). */
export function problemForError(error: unknown): Problem | undefined {
  if (!(error instanceof MeridianError)) return undefined;
  const entry = STATUS_BY_ERROR.find(([type]) => error instanceof type);
  if (!entry) return undefined;
  return problem(entry[1], error.code, error.message);
}
