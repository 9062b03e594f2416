import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeSdkCallProvider } from './deploy-time-lookup';

export interface RemoteParameterProps {
  readonly account: string;
  /** The region the parameter is written to; may differ from the stack's. */
  readonly region: string;
  readonly name: string;
  readonly value: string;
  /** Leave the parameter when the stack is deleted (its reader deploys before this writer). */
  readonly keepOnDelete?: boolean;
}

function parameterArn(props: { account: string; region: string; name: string }): string {
  return `arn:aws:ssm:${props.region}:${props.account}:parameter${props.name}`;
}

/**
 * An SSM String parameter that this stack writes into another region, for a stack there (or of a later
 * stage) to read as a CloudFormation SSM parameter type. The writer runs again whenever the value
 * changes (the value is part of the custom resource's properties), and CloudFormation reads an SSM
 * parameter type afresh on every deployment of the reading stack: a changed value always reaches its
 * readers on their next deployment, which a lookup custom resource with fixed properties never does.
 * Deleting the stack deletes the parameter, unless `keepOnDelete`.
 */
export class RemoteParameter extends Construct {
  constructor(scope: Construct, id: string, props: RemoteParameterProps) {
    super(scope, id);
    const arn = parameterArn(props);
    const put: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'putParameter',
      parameters: { Name: props.name, Value: props.value, Type: 'String', Overwrite: true },
      region: props.region,
      // Only what a reader could need: the whole response would be returned to CloudFormation otherwise.
      outputPaths: ['Version'],
      physicalResourceId: cr.PhysicalResourceId.of(`${props.region}:${props.name}`),
    };
    const remove: cr.AwsSdkCall | undefined = props.keepOnDelete
      ? undefined
      : {
          service: 'SSM',
          action: 'deleteParameter',
          parameters: { Name: props.name },
          region: props.region,
          ignoreErrorCodesMatching: 'ParameterNotFound',
        };
    new cr.AwsCustomResource(this, 'Write', {
      onCreate: put,
      onUpdate: put,
      onDelete: remove,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: remove ? ['ssm:PutParameter', 'ssm:DeleteParameter'] : ['ssm:PutParameter'],
          resources: [arn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeSdkCallProvider(this);
  }
}

/**
 * Creates an SSM String parameter with a first value unless it exists, and never touches it again (no
 * update, no delete): a later stage owns the value, and this only makes sure that a stack reading it as
 * an SSM parameter type can deploy before that stage has run once.
 */
export class ParameterSeed extends Construct {
  constructor(scope: Construct, id: string, props: RemoteParameterProps) {
    super(scope, id);
    new cr.AwsCustomResource(this, 'Seed', {
      onCreate: {
        service: 'SSM',
        action: 'putParameter',
        parameters: { Name: props.name, Value: props.value, Type: 'String', Overwrite: false },
        region: props.region,
        outputPaths: ['Version'],
        physicalResourceId: cr.PhysicalResourceId.of(`${props.region}:${props.name}`),
        ignoreErrorCodesMatching: 'ParameterAlreadyExists',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [parameterArn(props)] }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeSdkCallProvider(this);
  }
}
