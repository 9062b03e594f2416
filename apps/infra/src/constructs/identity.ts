import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ADMIN_GROUP, PARAMETERS } from '../naming';

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
 * The one Cognito user pool, owned by the primary region: a customer keeps a single identity (and
 * sees the same orders) whichever region serves them. Other regions read its ids from SSM.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
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
    this.webClient = this.userPool.addClient('WebClient', {
      userPoolClientName: 'meridian-web',
      // A browser app cannot keep a secret.
      generateSecret: false,
      // SRP for the web app; admin password auth lets the pipeline's smoke test sign its test user in
      // (it needs cognito-idp:AdminInitiateAuth, which no browser has).
      authFlows: { userSrp: true, adminUserPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
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
      stringValue: this.webClient.userPoolClientId,
    });
  }
}
