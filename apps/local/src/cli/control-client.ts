import type { LocalConfig } from '../config/local-config';

/** Where the CLI writes, and the environment it reads its settings from. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

/** A failure the CLI reports as one line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** fetch's own message is only "fetch failed": the reason (ECONNREFUSED …) is its cause. */
export function fetchFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as unknown) : undefined;
  return cause instanceof Error && cause.message ? `${message(error)}: ${cause.message}` : message(error);
}

export function unreachable(url: string, error: unknown): CliError {
  if (error instanceof Error && error.name === 'TimeoutError')
    return new CliError(`${url} did not answer in time; is \`npm start\` running?`);
  return new CliError(`cannot reach ${url} (${fetchFailure(error)}); is \`npm start\` running?`);
}

export const shorten = (text: string, max = 300) => {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/**
 * One request to the front door or the control server. A refusal is reported with the server's own
 * `detail` when it sent a JSON problem, else with the status and the start of what it sent.
 */
export async function call(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
  dataDir?: string,
): Promise<unknown> {
  const response = await fetch(url, { method, headers, signal: AbortSignal.timeout(90_000) }).catch(
    (error: unknown) => {
      throw unreachable(url, error);
    },
  );
  const text = await response.text().catch((error: unknown) => {
    throw new CliError(`lost the connection to ${url} while it answered (${fetchFailure(error)})`);
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status === 401 && headers.authorization === undefined && dataDir !== undefined)
    throw new CliError(
      `${method} ${url} needs an admin token, and ${dataDir} holds no Meridian key: run the CLI with the MERIDIAN_DATA_DIR \`npm start\` uses.`,
    );
  if (!response.ok) {
    const detail =
      body && typeof body === 'object' && typeof (body as { detail?: unknown }).detail === 'string'
        ? (body as { detail: string }).detail
        : undefined;
    throw new CliError(
      detail ?? `${method} ${url} answered ${response.status}${text.trim() ? `: ${shorten(text)}` : ''}`,
    );
  }
  if (body === undefined)
    throw new CliError(
      `${method} ${url} answered ${response.status} with no JSON: ${shorten(text) || '(empty)'}`,
    );
  return body;
}

/** What every command runs with. */
export interface CliContext {
  config: LocalConfig;
  frontDoor: string;
  io: CliIo;
  /** The admin's Authorization header; none when the data directory has no issuer key (nothing ran there). */
  admin: () => Promise<Record<string, string>>;
}
