import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { DATA_KEY_ALIAS, PARAMETERS } from '../naming';

/**
 * The region's customer-managed data key. It has its own stack, deployed to every region before any
 * region stage, because the primary's global table names each replica's key and so needs all of them
 * to exist first. Later stacks read the key ARN from SSM (a deploy-time parameter, not a lookup).
 */
export class KeysStack extends Stack {
  readonly dataKey: kms.Key;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Meridian data at rest: DynamoDB table replica, secrets, queues',
      enableKeyRotation: true,
      alias: DATA_KEY_ALIAS,
      // Losing the key loses the data it encrypts, so it outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new ssm.StringParameter(this, 'DataKeyArn', {
      parameterName: PARAMETERS.dataKeyArn,
      stringValue: this.dataKey.keyArn,
      description: 'ARN of the Meridian data key in this region',
    });
  }
}
