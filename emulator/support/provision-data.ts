import {
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type ExplicitAuthFlowsType,
  type UsernameAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type StreamViewType,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { AwsClients } from './aws-clients';
import { type DeployedNames, onlyResourceOfType, resourcesOfType, type Template } from './cloudformation';

export interface DeployedTable {
  tableName: string;
  streamArn: string;
}

export interface DeployedIdentity {
  userPoolId: string;
  clientId: string;
  /** What Cognito writes into `iss`, and what the API is configured to trust. */
  issuer: string;
}

/**
 * Creates a table as the template's AWS::DynamoDB::GlobalTable describes it: keys, indexes, stream and
 * TTL (one replica: global-table replication is not emulated). `tableName` overrides the template's name,
 * so tests can have a fresh table of the same shape.
 */
export async function createTableFromTemplate(
  clients: AwsClients,
  data: Template,
  tableName?: string,
): Promise<DeployedTable> {
  const { properties } = onlyResourceOfType(data, 'AWS::DynamoDB::GlobalTable');
  const name = tableName ?? String(properties.TableName);
  const indexes = (properties.GlobalSecondaryIndexes ?? []) as GlobalSecondaryIndex[];
  const stream = properties.StreamSpecification as { StreamViewType: StreamViewType } | undefined;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: properties.KeySchema as KeySchemaElement[],
      AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
      BillingMode: String(properties.BillingMode) as 'PAY_PER_REQUEST',
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            })),
          }
        : {}),
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } }
        : {}),
    }),
  );
  const ttl = properties.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
  if (ttl?.Enabled) {
    await clients.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
  const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
  return { tableName: name, streamArn: described.Table?.LatestStreamArn ?? '' };
}

/** The data stack: the table, the user pool with its client and groups, the payment provider's secret. */
export async function provisionData(
  clients: AwsClients,
  data: Template,
  names: DeployedNames,
  options: { region: string; account: string; paymentApiKey: string },
): Promise<{ table: DeployedTable; identity: DeployedIdentity; paymentSecretArn: string }> {
  // The data key's ARN comes from SSM at deploy time; moto encrypts nothing, any well-formed ARN will do.
  for (const [parameter, definition] of Object.entries(data.Parameters ?? {})) {
    if (definition.Type.startsWith('AWS::SSM::Parameter::Value'))
      names.set(parameter, `arn:aws:kms:${options.region}:${options.account}:key/emulated-${parameter}`);
  }
  const tableResource = onlyResourceOfType(data, 'AWS::DynamoDB::GlobalTable');
  const table = await createTableFromTemplate(clients, data);
  names.set(tableResource.logicalId, table.tableName, {
    Arn: `arn:aws:dynamodb:${options.region}:${options.account}:table/${table.tableName}`,
    StreamArn: table.streamArn,
  });

  const identity = await provisionIdentity(clients, data, names, options.region);

  const secret = onlyResourceOfType(data, 'AWS::SecretsManager::Secret');
  const created = await clients.secrets.send(
    new CreateSecretCommand({
      Name: String(secret.properties.Name),
      Description: String(secret.properties.Description ?? ''),
      // The value the operator puts after the first deployment (docs/deploy.md): the provider's key.
      SecretString: options.paymentApiKey,
    }),
  );
  const paymentSecretArn = created.ARN ?? '';
  names.set(secret.logicalId, paymentSecretArn);
  for (const parameter of resourcesOfType(data, 'AWS::SSM::Parameter'))
    names.set(parameter.logicalId, String(parameter.properties.Name));
  names.addExports(data);
  return { table, identity, paymentSecretArn };
}

async function provisionIdentity(
  clients: AwsClients,
  data: Template,
  names: DeployedNames,
  region: string,
): Promise<DeployedIdentity> {
  const pool = onlyResourceOfType(data, 'AWS::Cognito::UserPool');
  const created = await clients.cognito.send(
    new CreateUserPoolCommand({
      PoolName: String(pool.properties.UserPoolName),
      Policies: pool.properties.Policies as never,
      UsernameAttributes: pool.properties.UsernameAttributes as UsernameAttributeType[],
      AutoVerifiedAttributes: pool.properties.AutoVerifiedAttributes as never,
      AdminCreateUserConfig: pool.properties.AdminCreateUserConfig as never,
    }),
  );
  const userPoolId = created.UserPool?.Id ?? '';
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  names.set(pool.logicalId, userPoolId, {
    Arn: created.UserPool?.Arn ?? '',
    ProviderName: `cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    ProviderURL: issuer,
  });
  const client = onlyResourceOfType(data, 'AWS::Cognito::UserPoolClient');
  const createdClient = await clients.cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: String(client.properties.ClientName),
      ExplicitAuthFlows: client.properties.ExplicitAuthFlows as ExplicitAuthFlowsType[],
      GenerateSecret: client.properties.GenerateSecret === true,
    }),
  );
  const clientId = createdClient.UserPoolClient?.ClientId ?? '';
  names.set(client.logicalId, clientId);
  for (const group of resourcesOfType(data, 'AWS::Cognito::UserPoolGroup')) {
    await clients.cognito.send(
      new CreateGroupCommand({
        UserPoolId: userPoolId,
        GroupName: String(group.properties.GroupName),
        Description: String(group.properties.Description ?? ''),
      }),
    );
    names.set(group.logicalId, String(group.properties.GroupName));
  }
  return { userPoolId, clientId, issuer };
}
