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
 * Reads one value with an AWS API call at deploy time, where no SSM parameter can carry it (a replica's
 * stream ARN, which only DescribeTable tells). It runs when its properties change, not on every
 * deployment: values another stage writes travel as SSM parameters instead (RemoteParameter), which
 * CloudFormation reads afresh each time.
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
    acknowledgeSdkCallProvider(this);
  }
}

/** One provider function per stack serves every AwsCustomResource (lookups and parameter writes). */
export function acknowledgeSdkCallProvider(scope: Construct): void {
  const providerId = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
  const provider = Stack.of(scope).node.tryFindChild(providerId);
  if (provider) {
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWS-maintained policy limited to the AWS SDK call function writing its own CloudWatch Logs.',
    });
  }
}
