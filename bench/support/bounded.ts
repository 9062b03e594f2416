/**
 * Time bounds for the benchmark's waits: every phase must end, with a message saying what it waited
 * for, instead of hanging on a process or request that never answers.
 */

/** Settles as `promise` does, or rejects with `message` when it has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The default bound of one request to the platform (status, control, one order read back). */
export const REQUEST_TIMEOUT_MS = 15_000;

/** `fetchText`, then the body as JSON; rejects, naming the request, when it is not JSON. */
export async function fetchJson<T>(
  url: string,
  init: RequestInit = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<T> {
  const text = await fetchText(url, init, timeoutMs);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${describe(url, init)}: answer is not JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * `fetch` and the answer's body as text, the whole exchange bounded by `timeoutMs` (and by `init.signal`,
 * if given). Rejects with an Error naming the request on a timeout, a failure to connect, or a status
 * other than 2xx.
 */
export async function fetchText(
  url: string,
  init: RequestInit = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<string> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  let text: string;
  let response: Response;
  try {
    // One signal for the answer and its body, so a body that stalls is bounded too.
    response = await fetch(url, { ...init, signal });
    text = await response.text();
  } catch (error) {
    throw requestError(url, init, timeoutMs, timeout, error);
  }
  if (!response.ok)
    throw new Error(`${describe(url, init)} answered ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

function describe(url: string, init: RequestInit): string {
  return `${init.method ?? 'GET'} ${url}`;
}

function requestError(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  timeout: AbortSignal,
  error: unknown,
) {
  if (timeout.aborted)
    return new Error(`${describe(url, init)}: no answer within ${timeoutMs / 1000} s`, { cause: error });
  const reason =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : error;
  return new Error(`${describe(url, init)} failed: ${String(reason)}`, { cause: error });
}
