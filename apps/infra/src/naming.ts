/**
 * Names that other stacks, stages and regions must agree on without passing references: a stack in
 * one stage (or region) cannot read another stage's resources, so these are fixed and documented.
 */
export const TABLE_NAME = 'meridian';
export const EVENT_BUS_NAME = 'meridian';
/** The customer-managed key of each region; the global table's replicas name it by alias. */
export const DATA_KEY_ALIAS = 'alias/meridian-data';
export const ADMIN_GROUP = 'admin';
export const METRICS_NAMESPACE = 'Meridian';
/** Region where CloudFront, its certificate and WAF, Route 53 health-check metrics and CloudTrail live. */
export const EDGE_REGION = 'us-east-1';

/** SSM parameters each region publishes for later stages (read in-region or across regions). */
export const PARAMETERS = {
  dataKeyArn: '/meridian/data/key-arn',
  userPoolId: '/meridian/identity/user-pool-id',
  userPoolClientId: '/meridian/identity/user-pool-client-id',
  apiHostname: '/meridian/api/hostname',
  apiDomainTarget: '/meridian/api/domain-target',
  apiDomainZoneId: '/meridian/api/domain-hosted-zone-id',
} as const;

export function eventBusArn(account: string, region: string): string {
  return `arn:aws:events:${region}:${account}:event-bus/${EVENT_BUS_NAME}`;
}

export function tableArn(account: string, region: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${TABLE_NAME}`;
}

export function dataKeyAliasArn(account: string, region: string): string {
  return `arn:aws:kms:${region}:${account}:${DATA_KEY_ALIAS}`;
}

export function webBucketName(account: string, region: string): string {
  return `meridian-web-${account}-${region}`;
}

export function apiDomainName(domain: string): string {
  return `api.${domain}`;
}
