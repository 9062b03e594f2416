import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { PARAMETERS } from '../naming';
import { acknowledgeSdkCallProvider } from './deploy-time-lookup';
import { webClientSettings } from './identity';
import { RemoteParameter } from './remote-parameter';

export interface WebSignInRegistrationProps {
  readonly account: string;
  /** The primary region, which holds the user pool. */
  readonly identityRegion: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** `https://<CloudFront name>`, known only once the distribution exists. */
  readonly webOrigin: string;
}

/**
 * Registers the storefront's callback and sign-out URLs on the user pool's web client when they are
 * known only after the regions (no configured domain: CloudFront's generated name). Two writes:
 * - the origin into the primary region's SSM, where the Data stack's client reads it on every later
 *   deployment, so CloudFormation's own updates of the client keep the URLs;
 * - the client itself, at once (UpdateUserPoolClient with every setting the Data stack gives it: the
 *   call resets what it is not given), so that sign-in works at the end of the first pipeline run,
 *   whose Data stack could only register the placeholder origin.
 * Both run again whenever the origin or the client's settings change.
 */
export class WebSignInRegistration extends Construct {
  constructor(scope: Construct, id: string, props: WebSignInRegistrationProps) {
    super(scope, id);
    new RemoteParameter(this, 'Origin', {
      account: props.account,
      region: props.identityRegion,
      name: PARAMETERS.webOrigin,
      value: props.webOrigin,
      // The Data stack reads it and deploys before this stack: deleting it would leave the Data stack
      // unable to deploy until this one had run again.
      keepOnDelete: true,
    });
    const update: cr.AwsSdkCall = {
      service: 'CognitoIdentityProvider',
      action: 'updateUserPoolClient',
      parameters: {
        UserPoolId: props.userPoolId,
        ClientId: props.userPoolClientId,
        ...webClientSettings(props.webOrigin),
      },
      region: props.identityRegion,
      // The response describes the whole client, more than the 4 KB CloudFormation takes back.
      outputPaths: ['UserPoolClient.ClientId'],
      physicalResourceId: cr.PhysicalResourceId.of(`${props.identityRegion}:${props.userPoolClientId}`),
    };
    new cr.AwsCustomResource(this, 'ClientUrls', {
      onCreate: update,
      onUpdate: update,
      // Nothing to undo: URLs left behind on the client are the storefront's own.
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['cognito-idp:UpdateUserPoolClient'],
          resources: [
            `arn:aws:cognito-idp:${props.identityRegion}:${props.account}:userpool/${props.userPoolId}`,
          ],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeSdkCallProvider(this);
  }
}
