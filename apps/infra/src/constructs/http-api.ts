import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { MeridianConfig } from '../config/config-schema';
import { apiDomainName } from '../naming';
import { type IdentityRef, issuerUrl } from './identity';

/**
 * Routes anyone may call. Everything else under /api/v1 needs a valid Cognito token at the edge,
 * and the API verifies the token again (and its groups) before acting.
 */
export const PUBLIC_ROUTES: ReadonlyArray<{ method: apigwv2.HttpMethod; path: string }> = [
  { method: apigwv2.HttpMethod.GET, path: '/api/v1/health' },
  { method: apigwv2.HttpMethod.GET, path: '/api/v1/openapi.json' },
  { method: apigwv2.HttpMethod.GET, path: '/api/v1/products' },
  { method: apigwv2.HttpMethod.GET, path: '/api/v1/products/{sku}' },
];
export const PROTECTED_ROUTE = '/api/v1/{proxy+}';

export interface HttpApiProps {
  readonly handler: lambda.IFunction;
  readonly identity: IdentityRef;
  readonly logRetention: logs.RetentionDays;
  readonly domain: MeridianConfig['domain'];
}

/** The regional HTTP API: one Lambda integration, a JWT authorizer, throttling and access logs. */
export class HttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** `<id>.execute-api.<region>.amazonaws.com`: what health checks and CloudFront call. */
  readonly hostname: string;
  readonly customDomain?: apigwv2.DomainName;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: 'meridian',
      description: 'Meridian API (/api/v1)',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 500, burstLimit: 1000 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
    });
    this.hostname = `${this.api.apiId}.execute-api.${region}.amazonaws.com`;

    const integration = new integrations.HttpLambdaIntegration('Handler', props.handler, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      timeout: Duration.seconds(29),
    });
    const authorizer = new authorizers.HttpJwtAuthorizer('Cognito', issuerUrl(props.identity), {
      authorizerName: 'cognito',
      jwtAudience: [props.identity.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    this.api.addRoutes({ path: PROTECTED_ROUTE, methods: [apigwv2.HttpMethod.ANY], integration, authorizer });
    for (const route of PUBLIC_ROUTES) {
      const [created] = this.api.addRoutes({ path: route.path, methods: [route.method], integration });
      if (created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (health checks, catalog, API description).`,
        });
      }
    }

    if (props.domain) this.customDomain = this.addCustomDomain(props.domain);
  }

  /** `api.<domain>` in this region, the target of the latency record the global stack creates. */
  private addCustomDomain(domain: NonNullable<MeridianConfig['domain']>): apigwv2.DomainName {
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: domain.hostedZoneId,
      zoneName: domain.name,
    });
    const name = apiDomainName(domain.name);
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: name,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const customDomain = new apigwv2.DomainName(this, 'Domain', {
      domainName: name,
      certificate,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    new apigwv2.ApiMapping(this, 'Mapping', { api: this.api, domainName: customDomain, stage: this.stage });
    return customDomain;
  }
}
