import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretsManagerSecretOptions {
  client: SecretsManagerClient;
  /** The secret's ARN or name. */
  secretId: string;
  /** How long a fetched value is used before it is read again, so a rotated key is picked up (default 5 min). */
  maxAgeMs?: number;
  now?: () => number;
}

/** The secret holds nothing usable: empty, binary, or a JSON object without an `apiKey` string. */
export class UnusableSecretError extends Error {
  /** Reading it again will not help: an operator must put a value (the saga does not retry it). */
  readonly retryable = false;

  constructor(secretId: string, why: string) {
    super(`Secret ${secretId} ${why}`);
    this.name = 'UnusableSecretError';
  }
}

/**
 * One string from Secrets Manager (the payment provider's API key), read on first use and kept for a
 * few minutes, so a Lambda container asks once per request burst rather than once per payment call. The
 * secret is the key itself, or a JSON object with an `apiKey` field (how the console's key/value editor
 * saves it). A failed read is not remembered: the next call tries again; meanwhile an expired value is
 * still used rather than failing payments because the store is slow. `invalidate()` (the provider refused
 * the key) forgets the value, so a rotated key is read at once.
 */
export class SecretsManagerSecret {
  private cached: { value: string; at: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SecretsManagerSecretOptions) {
    this.now = options.now ?? Date.now;
  }

  async value(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() - cached.at < (this.options.maxAgeMs ?? 5 * 60_000)) return cached.value;
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    try {
      return await this.inFlight;
    } catch (error) {
      if (cached && !(error instanceof UnusableSecretError)) return cached.value;
      throw error;
    }
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async read(): Promise<string> {
    const { secretId } = this.options;
    const answer = await this.options.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const text = answer.SecretString?.trim();
    if (!text) throw new UnusableSecretError(secretId, 'has no string value');
    const value = apiKeyField(secretId, text) ?? text;
    this.cached = { value, at: this.now() };
    return value;
  }
}

/** The `apiKey` of a JSON object secret; undefined when the secret is not a JSON object (a plain key). */
function apiKeyField(secretId: string, text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined; // A plain key (a generated one may well start with '{').
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const apiKey = (parsed as { apiKey?: unknown }).apiKey;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new UnusableSecretError(secretId, 'is a JSON object without an "apiKey" string');
  }
  return apiKey.trim();
}
