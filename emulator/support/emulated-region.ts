import { randomBytes } from 'node:crypto';
import { startTestSimulator, type TestSimulator } from '@meridian/local/payment-simulator/test-kit';
import { freePort } from '@meridian/local/tests/support/ports';
import { ApiGateway } from './api-gateway';
import { type AwsClients, awsClients, EMULATOR_CREDENTIALS } from './aws-clients';
import { DeployedNames, onlyResourceOfType } from './cloudformation';
import { CognitoUsers } from './cognito-users';
import { type DeployedFunction, LambdaHost } from './lambda-host';
import { type RunningMoto, startMoto } from './moto';
import { type DeployedIdentity, type DeployedTable, provisionData } from './provision-data';
import { type DeployedService, provisionService } from './provision-service';
import { RuleTargets } from './rule-targets';
import { StreamFeed } from './stream-feed';
import { EMULATED_ACCOUNT, EMULATED_REGION, readSynthesizedRegion } from './synthesize-region';

/** One Meridian region deployed into moto from its synthesized templates, with its functions running. */
export interface EmulatedRegion {
  moto: RunningMoto;
  clients: AwsClients;
  names: DeployedNames;
  table: DeployedTable;
  identity: DeployedIdentity;
  service: DeployedService;
  host: LambdaHost;
  api: ApiGateway;
  /** The function behind the HTTP API (its logical id). */
  apiFunction: string;
  streamFeed: StreamFeed;
  ruleTargets: RuleTargets;
  users: CognitoUsers;
  payments: TestSimulator;
  close(): Promise<void>;
}

/**
 * Deploys the synthesized primary region into a fresh moto: the data stack (table with indexes, stream and
 * TTL; user pool, client and groups; the payment provider's secret holding the simulator's key) and the
 * service stack (queues, bus, archive, rules, the state machine with its definition substitutions), then
 * runs the bundled functions, the table stream's event source mapping and the rules' targets.
 *
 * Where a deployment would call the real internet, the functions get local addresses instead (and only
 * there): JWKS_URL points at moto's key set for the pool, PAYMENT_PROVIDER_URL at the payment simulator.
 */
export async function startEmulatedRegion(options: {
  assemblyDir: string;
  /** Shortens Step Functions' waits between retries by this factor (see emulator/moto-server.py). */
  stepFunctionsTimeScale?: number;
}): Promise<EmulatedRegion> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const templates = readSynthesizedRegion(options.assemblyDir);
    const apiKey = `sk_emulated_${randomBytes(12).toString('hex')}`;
    const payments = await startTestSimulator({}, { apiKey });
    cleanups.push(() => payments.dispose());
    const lambdaPort = await freePort();
    const moto = await startMoto({
      lambdaPort,
      ...(options.stepFunctionsTimeScale === undefined
        ? {}
        : { stepFunctionsTimeScale: options.stepFunctionsTimeScale }),
    });
    cleanups.push(() => moto.stop());

    const clients = awsClients(moto.url, EMULATED_REGION);
    const names = new DeployedNames({ region: EMULATED_REGION, account: EMULATED_ACCOUNT });
    const context = { region: EMULATED_REGION, account: EMULATED_ACCOUNT };
    const { table, identity } = await provisionData(clients, templates.data, names, {
      ...context,
      paymentApiKey: apiKey,
    });
    const service = await provisionService(clients, templates.service, names, {
      ...context,
      assemblyDir: options.assemblyDir,
    });

    const localAddresses: Record<string, string> = {
      JWKS_URL: `${moto.url}/${identity.userPoolId}/.well-known/jwks.json`,
      PAYMENT_PROVIDER_URL: payments.url,
    };
    const functions: DeployedFunction[] = service.functions.map((fn) => ({
      ...fn,
      environment: {
        ...fn.environment,
        ...Object.fromEntries(Object.entries(localAddresses).filter(([name]) => name in fn.environment)),
      },
    }));
    const host = new LambdaHost(
      functions,
      {
        AWS_REGION: EMULATED_REGION,
        AWS_DEFAULT_REGION: EMULATED_REGION,
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        // Every AWS SDK client of every function talks to moto (the SDK reads this variable).
        AWS_ENDPOINT_URL: moto.url,
        TZ: 'UTC',
      },
      { echoLogs: process.env.EMULATOR_LOGS === '1' },
    );
    await host.listen(lambdaPort);
    cleanups.push(() => host.close());

    const streamFeed = new StreamFeed(clients, service.streamMapping, host, {
      region: EMULATED_REGION,
      queueUrls: service.queueUrls,
    });
    streamFeed.start();
    cleanups.push(() => streamFeed.stop());
    const ruleTargets = new RuleTargets(clients, service.rules, host, service.queueUrls, context);
    ruleTargets.start();
    cleanups.push(() => ruleTargets.stop());

    const integration = onlyResourceOfType(templates.service, 'AWS::ApiGatewayV2::Integration');
    const apiFunction = host.find(names.resolveString(integration.properties.IntegrationUri)).name;
    const api = new ApiGateway(host, apiFunction, service.routes, context);
    return {
      moto,
      clients,
      names,
      table,
      identity,
      service,
      host,
      api,
      apiFunction,
      streamFeed,
      ruleTargets,
      users: new CognitoUsers(clients, identity),
      payments,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
