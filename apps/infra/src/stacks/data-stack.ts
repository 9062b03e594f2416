import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { type MeridianConfig, signInDomainPrefix } from '../config/config-schema';
import { DeployTimeLookup } from '../constructs/deploy-time-lookup';
import { Identity, type IdentityRef } from '../constructs/identity';
import { RemoteParameter } from '../constructs/remote-parameter';
import { dataKeyAliasArn, EDGE_REGION, PARAMETERS, TABLE_NAME, tableArn } from '../naming';

export interface DataStackProps extends StackProps {
  readonly config: MeridianConfig;
  readonly regionName: string;
  readonly primaryRegionName: string;
}

/** This region's view of the global table. */
export interface RegionalTableRef {
  readonly tableArn: string;
  readonly tableStreamArn: string;
}

/**
 * Stateful resources. The primary region creates the global table (one replica per configured
 * region) and the user pool; every region gets its replica's stream ARN, its data key and the payment
 * provider secret. Everything here is retained when the stack is deleted.
 */
export class DataStack extends Stack {
  readonly dataKey: kms.IKey;
  readonly table: RegionalTableRef;
  readonly identity: IdentityRef;
  readonly paymentProviderSecret: secretsmanager.Secret;
  /** What the pipeline's smoke test needs to sign its test user in. */
  readonly identityOutputs: Record<'userPoolId' | 'userPoolClientId' | 'identityRegion', CfnOutput>;
  /** Only in the primary region. */
  readonly globalTable?: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, regionName, primaryRegionName } = props;
    const isPrimary = regionName === primaryRegionName;
    // Created by the Keys stack of this region's foundation stage; resolved by CloudFormation.
    this.dataKey = kms.Key.fromKeyArn(
      this,
      'DataKey',
      ssm.StringParameter.valueForStringParameter(this, PARAMETERS.dataKeyArn),
    );

    if (isPrimary) {
      const table = this.createGlobalTable(config, regionName);
      this.globalTable = table;
      // The literal ARN (not an export) keeps IAM statements identical in every region.
      this.table = {
        tableArn: tableArn(config.account, regionName),
        tableStreamArn: table.tableStreamArn ?? '',
      };
      const identity = new Identity(this, 'Identity', {
        signInDomainPrefix: signInDomainPrefix(config),
        // With a domain the storefront's URL is known now; otherwise the global stage writes CloudFront's
        // name here once it exists (and registers it on the client itself on its first run).
        webOrigin: config.domain
          ? `https://${config.domain.name}`
          : ssm.StringParameter.valueForStringParameter(this, PARAMETERS.webOrigin),
      });
      this.identity = {
        userPoolId: identity.userPool.userPoolId,
        userPoolClientId: identity.webClient.ref,
        region: regionName,
      };
      // Every other region's Data stack (and the global stack) reads the ids in its own region.
      const readers = new Set([...config.regions.map((region) => region.name), EDGE_REGION]);
      readers.delete(regionName);
      for (const reader of readers) {
        const write = (id: string, name: string, value: string) =>
          new RemoteParameter(this, `${id}-${reader}`, {
            account: config.account,
            region: reader,
            name,
            value,
          });
        write('UserPoolIdCopy', PARAMETERS.userPoolId, this.identity.userPoolId);
        write('UserPoolClientIdCopy', PARAMETERS.userPoolClientId, this.identity.userPoolClientId);
      }
    } else {
      const arn = tableArn(config.account, regionName);
      // A replica's stream ARN carries a creation timestamp, so only DescribeTable can tell it.
      const stream = new DeployTimeLookup(this, 'ReplicaStream', {
        service: 'DynamoDB',
        action: 'describeTable',
        parameters: { TableName: TABLE_NAME },
        region: regionName,
        outputPath: 'Table.LatestStreamArn',
        iamAction: 'dynamodb:DescribeTable',
        resourceArn: arn,
      });
      this.table = { tableArn: arn, tableStreamArn: stream.value };
      // Written here by the primary's Data stack; read afresh on every deployment.
      this.identity = {
        userPoolId: ssm.StringParameter.valueForStringParameter(this, PARAMETERS.userPoolId),
        userPoolClientId: ssm.StringParameter.valueForStringParameter(this, PARAMETERS.userPoolClientId),
        region: primaryRegionName,
      };
    }

    this.identityOutputs = {
      userPoolId: new CfnOutput(this, 'IdentityUserPoolId', { value: this.identity.userPoolId }),
      userPoolClientId: new CfnOutput(this, 'IdentityUserPoolClientId', {
        value: this.identity.userPoolClientId,
      }),
      identityRegion: new CfnOutput(this, 'IdentityRegionName', { value: this.identity.region }),
    };

    this.paymentProviderSecret = new secretsmanager.Secret(this, 'PaymentProviderSecret', {
      secretName: 'meridian/payment-provider',
      description: 'Payment provider API key; the operator puts the real value (docs/deploy.md)',
      encryptionKey: this.dataKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.paymentProviderSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A third-party API key: it is rotated in the provider’s dashboard, which no rotation Lambda can do.',
    });
  }

  private createGlobalTable(config: MeridianConfig, regionName: string): dynamodb.TableV2 {
    const replicaRegions = config.regions.map((region) => region.name).filter((name) => name !== regionName);
    const index = (name: string): dynamodb.GlobalSecondaryIndexPropsV2 => ({
      indexName: name,
      partitionKey: { name: `${name}pk`, type: dynamodb.AttributeType.STRING },
      sortKey: { name: `${name}sk`, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    return new dynamodb.TableV2(this, 'Table', {
      tableName: TABLE_NAME,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      globalSecondaryIndexes: [index('gsi1'), index('gsi2')],
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Each replica uses its own region's data key, named by alias because it lives in another stage.
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(
        this.dataKey,
        Object.fromEntries(replicaRegions.map((name) => [name, dataKeyAliasArn(config.account, name)])),
      ),
      replicas: replicaRegions.map((name) => ({ region: name })),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
