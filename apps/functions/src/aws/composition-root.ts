import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AwsOperations,
  DynamoDbItemStore,
  EventBridgePublisher,
  SecretsManagerSecret,
  SqsDeadLetters,
  StepFunctionsExecutions,
  StepFunctionsOrderWorkflow,
} from '@meridian/adapters-aws';
import { HttpPaymentProvider, LocalCarrier, systemClock, UlidSource } from '@meridian/adapters-node';
import type { Clock, DomainContext, OrderWorkflow, SagaDependencies } from '@meridian/domain';
import { createRemoteJWKSet } from 'jose';
import type { ApiDependencies } from '../api/api-env';
import { JwtTokenVerifier } from '../api/jwt-token-verifier';
import { createSagaHandlers } from '../saga/saga-handlers';
import { ConfigurationError, readEnv } from './env';
import { LazyPaymentProvider } from './lazy-payment-provider';

/**
 * The AWS runtime, built once per Lambda container and only as far as the function needs it: each piece
 * is a lazy singleton that reads (and validates) its own environment variables on first use, so a
 * function fails at its first invocation with a message naming what is missing, and a function is never
 * asked for settings of pieces it does not use. Nothing here runs at import time.
 */
function lazy<T>(create: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: create() };
    return made.value;
  };
}

const clock: Clock = systemClock;

/** Powertools reads POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL, which the CDK construct sets. */
export const logger = lazy(() => new Logger());

/** Powertools reads POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME (the `service` dimension). */
export const metrics = lazy(() => new Metrics());

export const region = lazy(() => readEnv(['MERIDIAN_REGION']).MERIDIAN_REGION);

const documentClient = lazy(() => DynamoDBDocumentClient.from(new DynamoDBClient({})));
const sfnClient = lazy(() => new SFNClient({}));

export const domainContext = lazy((): DomainContext => {
  const env = readEnv(['TABLE_NAME', 'MERIDIAN_REGION', 'MERIDIAN_REGIONS', 'MERIDIAN_ACCOUNT']);
  if (!env.MERIDIAN_REGIONS.includes(env.MERIDIAN_REGION)) {
    throw new ConfigurationError(
      `Meridian function configuration: MERIDIAN_REGIONS (${env.MERIDIAN_REGIONS.join(',')}) does not include this region, ${env.MERIDIAN_REGION}`,
    );
  }
  return {
    store: new DynamoDbItemStore({
      client: documentClient(),
      tableName: env.TABLE_NAME,
      region: env.MERIDIAN_REGION,
      clock,
    }),
    clock,
    ids: new UlidSource(clock),
    region: env.MERIDIAN_REGION,
    regions: env.MERIDIAN_REGIONS,
    account: env.MERIDIAN_ACCOUNT,
  };
});

export const eventPublisher = lazy(
  () =>
    new EventBridgePublisher({
      client: new EventBridgeClient({}),
      eventBusName: readEnv(['EVENT_BUS_NAME']).EVENT_BUS_NAME,
    }),
);

const stateMachineArn = lazy(() => readEnv(['STATE_MACHINE_ARN']).STATE_MACHINE_ARN);

/** Starts order saga executions (named after the order) on this region's state machine. */
export const orderWorkflow = lazy(
  (): OrderWorkflow =>
    new StepFunctionsOrderWorkflow({ client: sfnClient(), stateMachineArn: stateMachineArn() }),
);

/**
 * The API's workflow: a start that fails after the commit does not fail the request (the domain ignores
 * it, the order's event and the sweep start the saga), so it is logged here, where the error is known.
 */
function loggedOrderWorkflow(workflow: OrderWorkflow, log: Logger): OrderWorkflow {
  return {
    async startOrderSaga(orderId, mode) {
      try {
        await workflow.startOrderSaga(orderId, mode);
      } catch (error) {
        log.warn('order saga not started; its order event or the sweep will start it', {
          orderId,
          mode,
          error: error instanceof Error ? error : String(error),
        });
        throw error;
      }
    },
  };
}

export const apiDependencies = lazy((): ApiDependencies => {
  const auth = readEnv(['JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL']);
  const ctx = domainContext();
  return {
    ctx,
    workflow: loggedOrderWorkflow(orderWorkflow(), logger()),
    // The key set is fetched on the first token and cached by jose for the container's lifetime.
    verifier: new JwtTokenVerifier({
      issuer: auth.JWT_ISSUER,
      audience: auth.JWT_AUDIENCE,
      keySet: createRemoteJWKSet(new URL(auth.JWKS_URL)),
    }),
    operations: new AwsOperations({
      store: ctx.store,
      executions: new StepFunctionsExecutions({ client: sfnClient(), stateMachineArn: stateMachineArn() }),
      deadLetters: new SqsDeadLetters({
        client: new SQSClient({}),
        queueUrls: readEnv(['DLQ_URL']).DLQ_URL,
        publisher: eventPublisher(),
      }),
    }),
    logger: logger(),
  };
});

export const sagaDependencies = lazy(
  (): SagaDependencies => ({
    ctx: domainContext(),
    payments: new LazyPaymentProvider(() => {
      const env = readEnv(['PAYMENT_PROVIDER_URL', 'PAYMENT_PROVIDER_SECRET_ARN']);
      // The provider's API key lives in Secrets Manager (the operator sets it, docs/deploy.md).
      const apiKey = new SecretsManagerSecret({
        // Bounded like the provider call itself: a hung read must not hold the step until Lambda's timeout.
        client: new SecretsManagerClient({
          requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
        }),
        secretId: env.PAYMENT_PROVIDER_SECRET_ARN,
      });
      return new HttpPaymentProvider({ baseUrl: env.PAYMENT_PROVIDER_URL, apiKey });
    }),
    // No carrier integration exists yet: the deterministic simulated carrier serves both runtimes.
    carrier: new LocalCarrier(),
  }),
);

/** The saga's Task handlers, built once per Lambda instance. */
export const sagaHandlers = lazy(() => createSagaHandlers(sagaDependencies()));
