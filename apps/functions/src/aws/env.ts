import * as z from 'zod';

const commaList = (item: z.ZodType<string, string>) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item).min(1, 'needs at least one comma-separated value'));

/**
 * Every environment variable a Meridian function may read. Each function validates only what it uses
 * (the stream publisher has no JWT settings, a saga step no queue URLs), so the CDK stack can grant and
 * configure each function narrowly.
 */
const envSchemas = {
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:.+$/, 'not a state machine ARN'),
  /** This region; falls back to AWS_REGION, which Lambda always sets. */
  MERIDIAN_REGION: z.string().min(1),
  /** Every region of the deployment, this one included (stock is split between them). */
  MERIDIAN_REGIONS: commaList(z.string().min(1)),
  /** The account id written into event envelopes (EventBridge sets it again on delivery). */
  MERIDIAN_ACCOUNT: z.string().regex(/^\d{12}$/, 'not a 12-digit AWS account id'),
  PAYMENT_PROVIDER_URL: z.url(),
  /** The Secrets Manager secret holding the payment provider's API key. */
  PAYMENT_PROVIDER_SECRET_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'not a Secrets Manager secret ARN'),
  JWT_ISSUER: z.url(),
  JWT_AUDIENCE: z.string().min(1),
  JWKS_URL: z.url(),
  /** One dead-letter queue URL, or several separated by commas (each rule target has its own). */
  DLQ_URL: commaList(z.url()),
} satisfies Record<string, z.ZodType>;

export type FunctionEnv = { [K in keyof typeof envSchemas]: z.output<(typeof envSchemas)[K]> };
export type EnvName = keyof FunctionEnv;

/** The function cannot start: its configuration is missing or wrong. The message names every variable. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export function readEnv<K extends EnvName>(
  names: readonly K[],
  source: Readonly<Record<string, string | undefined>> = process.env,
): Pick<FunctionEnv, K> {
  const raw: Record<string, string | undefined> = {
    ...source,
    MERIDIAN_REGION: source.MERIDIAN_REGION ?? source.AWS_REGION,
  };
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of names) {
    const value = raw[name];
    if (value === undefined || value.trim() === '') {
      problems.push(`${name} is not set`);
      continue;
    }
    const parsed = envSchemas[name].safeParse(value);
    if (parsed.success) values[name] = parsed.data;
    else
      problems.push(`${name} is invalid (${parsed.error.issues.map((issue) => issue.message).join(', ')})`);
  }
  if (problems.length > 0)
    throw new ConfigurationError(`Meridian function configuration: ${problems.join('; ')}`);
  // Every requested name was parsed by its own schema above.
  return values as Pick<FunctionEnv, K>;
}
