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

/**
 * SSM parameters later stages read as CloudFormation SSM parameter types, always in their own region
 * (CloudFormation reads those afresh on every deployment). A value one region makes for another is
 * written there by its producer (RemoteParameter), which rewrites it whenever it changes.
 */
export const PARAMETERS = {
  /** Each region's data key, written by its Keys stack. */
  dataKeyArn: '/meridian/data/key-arn',
  /** The user pool and its web client, written by the primary's Data stack in every region that reads them. */
  userPoolId: '/meridian/identity/user-pool-id',
  userPoolClientId: '/meridian/identity/user-pool-client-id',
  /**
   * `https://<host>` of the storefront, in the primary region: the web client's callback and sign-out URLs.
   * Written by the global stack (it knows the CloudFront name); seeded by the primary's foundation stage.
   */
  webOrigin: '/meridian/web/origin',
} as const;

/** Stands in for the storefront's origin until the global stage has run once (see PARAMETERS.webOrigin). */
export const WEB_ORIGIN_PLACEHOLDER = 'https://localhost';

/** What a region's service stack writes into the edge region for the global stack's health checks and DNS. */
export function apiParameters(region: string): Record<'hostname' | 'domainTarget' | 'domainZoneId', string> {
  const base = `/meridian/regions/${region}/api`;
  return {
    hostname: `${base}/hostname`,
    domainTarget: `${base}/domain-target`,
    domainZoneId: `${base}/domain-hosted-zone-id`,
  };
}

/** The Cognito hosted UI (sign-in, token and sign-out endpoints) of a user-pool domain prefix. */
export function signInOrigin(domainPrefix: string, region: string): string {
  return `https://${domainPrefix}.auth.${region}.amazoncognito.com`;
}

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
