import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface DeployTimeLookupProps {
  /** SDK v3 client name, e.g. `SSM`. */
  readonly service: string;
  readonly action: string;
  readonly parameters: Record<string, unknown>;
  /** Region to call; may differ from the stack's. */
  readonly region: string;
  /** Dotted path of the one response field to return, e.g. `Parameter.Value`. */
  readonly outputPath: string;
  /** IAM action the call needs, e.g. `ssm:GetParameter`. */
  readonly iamAction: string;
  /** The exact ARN the call reads, for a least-privilege policy. */
  readonly resourceArn: string;
}

/**
 * Reads one value with an AWS API call at deploy time. It replaces both `fromLookup` (which needs
 * credentials at synth) and cross-stage references (which CDK forbids): a stack can learn what an
 * earlier stage created in another region, e.g. the primary's user pool id or a peer's API hostname.
 */
export class DeployTimeLookup extends Construct {
  readonly value: string;

  constructor(scope: Construct, id: string, props: DeployTimeLookupProps) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: props.service,
      action: props.action,
      parameters: props.parameters,
      region: props.region,
      outputPaths: [props.outputPath],
      physicalResourceId: cr.PhysicalResourceId.of(`${props.region}:${props.resourceArn}`),
    };
    const lookup = new cr.AwsCustomResource(this, 'Call', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: [props.iamAction], resources: [props.resourceArn] }),
      ]),
      // The Lambda runtime's SDK is enough; installing the latest needs the network during deploy.
      installLatestAwsSdk: false,
    });
    this.value = lookup.getResponseField(props.outputPath);
    // One provider function per stack serves every lookup.
    const providerId = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
    const provider = Stack.of(this).node.tryFindChild(providerId);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWS-maintained policy limited to the lookup function writing its own CloudWatch Logs.',
      });
    }
  }
}

/** Reads an SSM String parameter, possibly from another region. */
export function readParameter(
  scope: Construct,
  id: string,
  props: { account: string; region: string; name: string },
): string {
  return new DeployTimeLookup(scope, id, {
    service: 'SSM',
    action: 'getParameter',
    parameters: { Name: props.name },
    region: props.region,
    outputPath: 'Parameter.Value',
    iamAction: 'ssm:GetParameter',
    resourceArn: `arn:aws:ssm:${props.region}:${props.account}:parameter${props.name}`,
  }).value;
}
