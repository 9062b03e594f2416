import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretsManagerSecretOptions {
  client: SecretsManagerClient;
  /** The secret's ARN or name. */
  secretId: string;
  /** How long a fetched value is used before it is read again, so a rotated key is picked up (default 5 min). */
  maxAgeMs?: number;
  now?: () => number;
}

/** The secret holds nothing usable: empty, binary, or JSON without an `apiKey` string. */
export class UnusableSecretError extends Error {
  constructor(secretId: string, why: string) {
    super(`Secret ${secretId} ${why}`);
    this.name = 'UnusableSecretError';
  }
}

/**
 * One string from Secrets Manager (the payment provider's API key), read on first use and kept for a
 * few minutes, so a Lambda container asks once per request burst rather than once per payment call. The
 * secret is the key itself, or JSON with an `apiKey` field (how the console's key/value editor saves it).
 * A failed read is not remembered: the next call tries again.
 */
export class SecretsManagerSecret {
  private cached: { value: string; at: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SecretsManagerSecretOptions) {
    this.now = options.now ?? Date.now;
  }

  async value(): Promise<string> {
    if (this.cached && this.now() - this.cached.at < (this.options.maxAgeMs ?? 5 * 60_000)) {
      return this.cached.value;
    }
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async read(): Promise<string> {
    const { secretId } = this.options;
    const answer = await this.options.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const text = answer.SecretString?.trim();
    if (!text) throw new UnusableSecretError(secretId, 'has no string value');
    const value = text.startsWith('{') ? apiKeyField(secretId, text) : text;
    this.cached = { value, at: this.now() };
    return value;
  }
}

function apiKeyField(secretId: string, text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UnusableSecretError(secretId, 'looks like JSON but does not parse');
  }
  const apiKey = (parsed as { apiKey?: unknown }).apiKey;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new UnusableSecretError(secretId, 'is JSON without an "apiKey" string');
  }
  return apiKey.trim();
}
