import { defineConfig } from './src/config/config-schema';

/**
 * Meridian's deployment configuration: the one file to edit before `npm run deploy`.
 * Validated by src/config/config-schema.ts when the CDK app starts; every problem is reported at once.
 * Nothing here is looked up in AWS, so `cdk synth` runs with no credentials and no network.
 * The values below are an example (account 111111111111 does not exist); see docs/deploy.md.
 */
export const meridianConfig = defineConfig({
  // The one account every stage and the pipeline deploy to.
  account: '111111111111',

  // Deployment order: the first region is the primary. It owns the DynamoDB global table (replicas go
  // to every other region) and the Cognito user pool, and the pipeline deploys it first.
  // `availabilityZones` (three names) pins the VPC's zones; by default CloudFormation picks the region's
  // first three for this account at deploy time. `production` (default true) gates manual approval.
  regions: [{ name: 'us-east-1' }, { name: 'eu-west-1' }],

  // Optional. With a domain the storefront is served at https://<name> and each region's API at
  // https://api.<name> behind Route 53 latency records with health checks, so /api/* fails over in DNS.
  // Without it, CloudFront's default *.cloudfront.net name is used and /api/* goes to the primary
  // region's API only, with no failover (CloudFront origin groups fail over GET/HEAD only); the web
  // app itself still fails over between its two buckets.
  // domain: { name: 'shop.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },

  // NAT gateways per VPC (1-3). Two survive the loss of one AZ; AWS traffic uses VPC endpoints.
  natGateways: 2,

  // Every alarm (5xx, function errors and timeouts, saga failures, DLQ depth, replication latency)
  // mails this address.
  alarmEmail: 'ops@example.com',

  pipeline: {
    // Created once in the console (Developer Tools > Connections) and authorised with the Git host.
    connectionArn:
      'arn:aws:codeconnections:us-east-1:111111111111:connection/00000000-0000-0000-0000-000000000000',
    repository: 'example-org/meridian',
    branch: 'main',
    // Wait for a human before each production region.
    manualApproval: true,
  },

  // Base URL of the payment provider; its API key lives in Secrets Manager (see docs/deploy.md).
  paymentProviderUrl: 'https://api.stripe.com',

  logRetentionDays: 90,
});
