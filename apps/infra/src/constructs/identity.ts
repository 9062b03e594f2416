import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ADMIN_GROUP, PARAMETERS } from '../naming';
import { SIGN_IN_CALLBACK_PATH, SIGN_OUT_PATH } from '../web/web-config';

/** What an API needs to verify Meridian's tokens. */
export interface IdentityRef {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly region: string;
}

export function issuerUrl(identity: IdentityRef): string {
  return `https://cognito-idp.${identity.region}.amazonaws.com/${identity.userPoolId}`;
}

/**
 * The web client's settings in the shape of Cognito's UpdateUserPoolClient (and of CloudFormation's
 * AWS::Cognito::UserPoolClient, whose property names are the same). Written once: the Data stack creates
 * the client with them, and the global stack sends the very same settings when it registers the
 * storefront's URLs, because UpdateUserPoolClient resets every setting it is not given.
 */
export function webClientSettings(webOrigin: string): Record<string, unknown> {
  return {
    ClientName: 'meridian-web',
    // The hosted UI signs shoppers in (authorization code + PKCE, apps/web/src/auth/cognito.ts); SRP stays
    // for SDK clients; admin password auth lets the pipeline's smoke test sign its test user in (it needs
    // cognito-idp:AdminInitiateAuth, which no browser has).
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    SupportedIdentityProviders: ['COGNITO'],
    CallbackURLs: [`${webOrigin}${SIGN_IN_CALLBACK_PATH}`],
    LogoutURLs: [`${webOrigin}${SIGN_OUT_PATH}`],
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
    AuthSessionValidity: 3,
    IdTokenValidity: 60,
    AccessTokenValidity: 60,
    RefreshTokenValidity: 30 * 24 * 60,
    TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
  };
}

export interface IdentityProps {
  /** Prefix of the Cognito domain that serves the hosted UI. */
  readonly signInDomainPrefix: string;
  /** `https://<host>` of the storefront: its callback and sign-out URLs are registered on the web client. */
  readonly webOrigin: string;
}

/**
 * The one Cognito user pool, owned by the primary region: a customer keeps a single identity (and
 * sees the same orders) whichever region serves them. Other regions read its ids from SSM.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.CfnUserPoolClient;
  readonly signInDomain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: 'meridian',
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'Shoppers may enrol TOTP but are not forced to; threat protection (Plus plan) adds adaptive challenges.',
    });
    this.signInDomain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.signInDomainPrefix },
      // The classic hosted UI needs no branding resource; managed login (version 2) shows nothing without one.
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    // A browser app cannot keep a secret (a public client: PKCE instead).
    this.webClient = new cognito.CfnUserPoolClient(this, 'WebClient', {
      userPoolId: this.userPool.userPoolId,
      generateSecret: false,
    });
    for (const [name, value] of Object.entries(webClientSettings(props.webOrigin))) {
      this.webClient.addPropertyOverride(name, value);
    }
    new cognito.CfnUserPoolGroup(this, 'AdminGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: ADMIN_GROUP,
      description: 'Operations console: catalog, inventory, all orders',
    });
    new ssm.StringParameter(this, 'UserPoolIdParameter', {
      parameterName: PARAMETERS.userPoolId,
      stringValue: this.userPool.userPoolId,
    });
    new ssm.StringParameter(this, 'UserPoolClientIdParameter', {
      parameterName: PARAMETERS.userPoolClientId,
      stringValue: this.webClient.ref,
    });
  }
}
