import * as z from 'zod';

const AWS_REGION = /^[a-z]{2}-[a-z]+-\d$/;

const regionSchema = z.object({
  /** AWS region name, e.g. `us-east-1`. */
  name: z.string().regex(AWS_REGION, 'expected an AWS region name such as us-east-1'),
  /**
   * The three availability zones the VPC spans, if they must be these. Zone names are mapped per account
   * (`us-east-1a` is not the same place in two accounts, and not every letter exists everywhere), so by
   * default CloudFormation picks the region's first three zones for this account at deploy time
   * (`Fn::GetAZs`): synth needs no lookup either way.
   */
  availabilityZones: z.array(z.string().min(1)).length(3).optional(),
  /** Production regions wait for a manual approval in the pipeline when `pipeline.manualApproval` is on. */
  production: z.boolean().default(true),
});

const domainSchema = z.object({
  /** The apex the storefront lives on, e.g. `shop.example.com`; the API answers at `api.<name>`. */
  name: z.string().regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'expected a lower-case DNS name'),
  /** The public hosted zone that holds `name`; given, never looked up, so synth stays offline. */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, 'expected a Route 53 hosted zone id'),
});

const pipelineSchema = z.object({
  /** ARN of the CodeStar (CodeConnections) connection to the Git host, created once in the console. */
  connectionArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/),
  /** `owner/name` of the repository. */
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
  branch: z.string().min(1).default('main'),
  /** Ask a human before each production region is deployed. */
  manualApproval: z.boolean().default(false),
});

export const meridianConfigSchema = z
  .object({
    /** The one AWS account every stage deploys to. */
    account: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
    /** Regions in deployment order; the first is the primary (owns the global table and the user pool). */
    regions: z.array(regionSchema).min(1).max(5),
    domain: domainSchema.optional(),
    /** NAT gateways per VPC; interface endpoints carry the AWS traffic, NAT only the payment provider's. */
    natGateways: z.number().int().min(1).max(3).default(2),
    /** Receives every alarm (SNS email subscription, confirmed once by the recipient). */
    alarmEmail: z.email(),
    pipeline: pipelineSchema,
    /** Base URL of the payment provider API the payment functions call. */
    paymentProviderUrl: z.url({ protocol: /^https$/ }).default('https://api.stripe.com'),
    /**
     * Prefix of the user pool's Cognito domain (`<prefix>.auth.<primary region>.amazoncognito.com`), which
     * serves the hosted sign-in UI. Unique per region across AWS; defaults to `meridian-<account>`.
     */
    signInDomainPrefix: z
      .string()
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
        'expected lower-case letters, digits and inner hyphens',
      )
      .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'may not contain aws, amazon or cognito')
      .optional(),
    /** CloudWatch Logs retention for every log group Meridian creates. */
    logRetentionDays: z.union([z.literal(30), z.literal(90), z.literal(365)]).default(90),
  })
  .superRefine((config, ctx) => {
    const names = config.regions.map((region) => region.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate)
      ctx.addIssue({ code: 'custom', path: ['regions'], message: `region ${duplicate} is listed twice` });
    for (const region of config.regions) {
      if (region.availabilityZones?.some((zone) => !zone.startsWith(region.name))) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions'],
          message: `availability zones of ${region.name} must be in it`,
        });
      }
    }
  });

/** What a config file may omit (defaults filled in). */
export type MeridianConfigInput = z.input<typeof meridianConfigSchema>;
/** The validated configuration every construct receives. */
export type MeridianConfig = z.output<typeof meridianConfigSchema>;
export type RegionConfig = MeridianConfig['regions'][number];

export class InvalidConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid Meridian configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Validates a configuration; throws InvalidConfigError listing every problem at once. */
export function parseConfig(input: unknown): MeridianConfig {
  const result = meridianConfigSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return result.data;
}

/** Typed helper for config files: the editor checks the shape, parseConfig checks the values. */
export function defineConfig(input: MeridianConfigInput): MeridianConfigInput {
  return input;
}

/** The hosted sign-in UI's domain prefix (see `signInDomainPrefix`). */
export function signInDomainPrefix(config: MeridianConfig): string {
  return config.signInDomainPrefix ?? `meridian-${config.account}`;
}

export function primaryRegion(config: MeridianConfig): RegionConfig {
  const [primary] = config.regions;
  if (!primary) throw new InvalidConfigError(['regions: at least one region is required']);
  return primary;
}
