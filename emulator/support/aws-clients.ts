import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** moto accepts any credentials; these are what the functions get too. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'emulator', secretAccessKey: 'emulator' };

/** The SDK clients the suite itself uses (provisioning, stream polling, assertions), all on moto. */
export function awsClients(endpoint: string, region: string) {
  const config = { endpoint, region, credentials: EMULATOR_CREDENTIALS };
  const dynamodb = new DynamoDBClient(config);
  return {
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb),
    streams: new DynamoDBStreamsClient(config),
    events: new EventBridgeClient(config),
    sfn: new SFNClient(config),
    sqs: new SQSClient(config),
    secrets: new SecretsManagerClient(config),
    cognito: new CognitoIdentityProviderClient(config),
  };
}

export type AwsClients = ReturnType<typeof awsClients>;
