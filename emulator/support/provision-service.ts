import { join } from 'node:path';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { substituteDefinition } from '@meridian/adapters-local';
import type { AwsClients } from './aws-clients';
import { type DeployedNames, onlyResourceOfType, resourcesOfType, type Template } from './cloudformation';
import type { DeployedFunction } from './lambda-host';

/** A rule of the service stack as deployed in moto: its pattern or schedule, and what it targets. */
export interface DeployedRule {
  name: string;
  eventBusName: string;
  eventPattern?: Record<string, unknown>;
  scheduleExpression?: string;
  /**
   * The template's targets. In moto every rule targets one queue of the suite instead (`deliveryQueueUrl`):
   * moto matches the pattern, the suite delivers to these targets (moto invokes Lambda only with Docker).
   */
  targets: Array<{ arn: string; input?: string; deadLetterQueueArn?: string; maximumRetryAttempts?: number }>;
  deliveryQueueUrl: string;
}

/** The table stream's event source mapping, as the template configures it. */
export interface StreamMapping {
  functionName: string;
  eventSourceArn: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  filterPatterns: Array<Record<string, unknown>>;
  onFailureQueueArn?: string;
}

export interface ApiRoute {
  routeKey: string;
  authorizationType: string;
}

export interface DeployedService {
  busName: string;
  stateMachineArn: string;
  functions: DeployedFunction[];
  rules: DeployedRule[];
  streamMapping: StreamMapping;
  routes: ApiRoute[];
  /** Queue ARN → URL, for every queue of the stack and of the suite. */
  queueUrls: Map<string, string>;
}

/** Creates the service stack's queues, bus, archive, rules and state machine, and describes its functions. */
export async function provisionService(
  clients: AwsClients,
  service: Template,
  names: DeployedNames,
  options: { region: string; account: string; assemblyDir: string },
): Promise<DeployedService> {
  const queueUrls = new Map<string, string>();
  const createQueue = async (name: string) => {
    const url = (await clients.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const arn = attributes.Attributes?.QueueArn ?? '';
    queueUrls.set(arn, url);
    return { url, arn };
  };
  for (const queue of resourcesOfType(service, 'AWS::SQS::Queue')) {
    const { url, arn } = await createQueue(queue.logicalId);
    names.set(queue.logicalId, url, { Arn: arn, QueueName: queue.logicalId, QueueUrl: url });
  }

  const bus = onlyResourceOfType(service, 'AWS::Events::EventBus');
  const busName = String(bus.properties.Name);
  const createdBus = await clients.events.send(new CreateEventBusCommand({ Name: busName }));
  names.set(bus.logicalId, busName, { Arn: createdBus.EventBusArn ?? '', Name: busName });

  // Functions are named after their logical ids; aliases and versions resolve to qualified ARNs.
  const lambdaArn = (name: string) => `arn:aws:lambda:${options.region}:${options.account}:function:${name}`;
  for (const fn of resourcesOfType(service, 'AWS::Lambda::Function'))
    names.set(fn.logicalId, fn.logicalId, { Arn: lambdaArn(fn.logicalId) });
  for (const version of resourcesOfType(service, 'AWS::Lambda::Version')) {
    const fnName = names.resolveString(version.properties.FunctionName);
    names.set(version.logicalId, `${lambdaArn(fnName)}:1`, { Version: '1' });
  }
  for (const alias of resourcesOfType(service, 'AWS::Lambda::Alias')) {
    const fnName = names.resolveString(alias.properties.FunctionName);
    names.set(alias.logicalId, `${lambdaArn(fnName)}:${String(alias.properties.Name)}`);
  }

  const machine = onlyResourceOfType(service, 'AWS::StepFunctions::StateMachine');
  const substitutions = names.resolve(machine.properties.DefinitionSubstitutions ?? {}) as Record<
    string,
    string
  >;
  const definition = substituteDefinition(
    names.resolveString(machine.properties.DefinitionString),
    substitutions,
  );
  const createdMachine = await clients.sfn.send(
    new CreateStateMachineCommand({
      name: String(machine.properties.StateMachineName),
      definition: JSON.stringify(definition),
      roleArn: `arn:aws:iam::${options.account}:role/emulated-state-machine`,
      type: String(machine.properties.StateMachineType ?? 'STANDARD') as 'STANDARD',
    }),
  );
  const stateMachineArn = createdMachine.stateMachineArn ?? '';
  names.set(machine.logicalId, stateMachineArn, { Name: String(machine.properties.StateMachineName) });

  for (const archive of resourcesOfType(service, 'AWS::Events::Archive')) {
    await clients.events.send(
      new CreateArchiveCommand({
        ArchiveName: String(archive.properties.ArchiveName),
        EventSourceArn: names.resolveString(archive.properties.SourceArn),
        EventPattern: JSON.stringify(archive.properties.EventPattern),
        RetentionDays: Number(archive.properties.RetentionDays),
      }),
    );
  }

  const rules: DeployedRule[] = [];
  for (const rule of resourcesOfType(service, 'AWS::Events::Rule')) {
    const eventBusName = rule.properties.EventBusName
      ? names.resolveString(rule.properties.EventBusName)
      : 'default';
    const eventPattern = rule.properties.EventPattern as Record<string, unknown> | undefined;
    const scheduleExpression = rule.properties.ScheduleExpression as string | undefined;
    await clients.events.send(
      new PutRuleCommand({
        Name: rule.logicalId,
        EventBusName: eventBusName,
        ...(eventPattern ? { EventPattern: JSON.stringify(eventPattern) } : {}),
        ...(scheduleExpression ? { ScheduleExpression: scheduleExpression } : {}),
        State: String(rule.properties.State ?? 'ENABLED') as 'ENABLED',
      }),
    );
    const delivery = await createQueue(`rule-${rule.logicalId}`);
    await clients.events.send(
      new PutTargetsCommand({
        Rule: rule.logicalId,
        EventBusName: eventBusName,
        Targets: [{ Id: 'emulator', Arn: delivery.arn }],
      }),
    );
    const targets = ((rule.properties.Targets ?? []) as Array<Record<string, unknown>>).map((target) => {
      const deadLetter = target.DeadLetterConfig as { Arn?: unknown } | undefined;
      const retry = target.RetryPolicy as { MaximumRetryAttempts?: number } | undefined;
      return {
        arn: names.resolveString(target.Arn),
        ...(target.Input === undefined ? {} : { input: names.resolveString(target.Input) }),
        ...(deadLetter?.Arn ? { deadLetterQueueArn: names.resolveString(deadLetter.Arn) } : {}),
        ...(retry?.MaximumRetryAttempts === undefined
          ? {}
          : { maximumRetryAttempts: retry.MaximumRetryAttempts }),
      };
    });
    rules.push({
      name: rule.logicalId,
      eventBusName,
      ...(eventPattern ? { eventPattern } : {}),
      ...(scheduleExpression ? { scheduleExpression } : {}),
      targets,
      deliveryQueueUrl: delivery.url,
    });
  }

  return {
    busName,
    stateMachineArn,
    functions: describeFunctions(service, names, options.assemblyDir),
    rules,
    streamMapping: describeStreamMapping(service, names),
    routes: resourcesOfType(service, 'AWS::ApiGatewayV2::Route').map((route) => ({
      routeKey: String(route.properties.RouteKey),
      authorizationType: String(route.properties.AuthorizationType ?? 'NONE'),
    })),
    queueUrls,
  };
}

function describeFunctions(service: Template, names: DeployedNames, assemblyDir: string): DeployedFunction[] {
  return resourcesOfType(service, 'AWS::Lambda::Function').map(({ logicalId, properties }) => {
    const code = properties.Code as { S3Key?: string };
    const hash = String(code.S3Key ?? '').replace(/\.zip$/, '');
    const [file = 'index', handlerName = 'handler'] = String(properties.Handler ?? 'index.handler').split(
      '.',
    );
    const environment = names.resolve(
      (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
    ) as Record<string, string>;
    const deadLetter = properties.DeadLetterConfig as { TargetArn?: unknown } | undefined;
    return {
      name: logicalId,
      arn: names.resolveString({ 'Fn::GetAtt': [logicalId, 'Arn'] }),
      bundle: join(assemblyDir, `asset.${hash}`, `${file}.mjs`),
      handlerName,
      environment,
      timeoutSeconds: Number(properties.Timeout ?? 3),
      memorySize: Number(properties.MemorySize ?? 128),
      ...(deadLetter?.TargetArn ? { deadLetterQueueArn: names.resolveString(deadLetter.TargetArn) } : {}),
    };
  });
}

function describeStreamMapping(service: Template, names: DeployedNames): StreamMapping {
  const { properties } = onlyResourceOfType(service, 'AWS::Lambda::EventSourceMapping');
  const filters =
    (properties.FilterCriteria as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters ?? [];
  const onFailure = (properties.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
    ?.OnFailure;
  return {
    functionName: names.resolveString(properties.FunctionName),
    eventSourceArn: names.resolveString(properties.EventSourceArn),
    batchSize: Number(properties.BatchSize ?? 100),
    startingPosition: String(properties.StartingPosition) as StreamMapping['startingPosition'],
    maximumRetryAttempts: Number(properties.MaximumRetryAttempts ?? -1),
    bisectBatchOnFunctionError: properties.BisectBatchOnFunctionError === true,
    reportBatchItemFailures: ((properties.FunctionResponseTypes ?? []) as string[]).includes(
      'ReportBatchItemFailures',
    ),
    filterPatterns: filters.map((filter) => JSON.parse(filter.Pattern) as Record<string, unknown>),
    ...(onFailure?.Destination ? { onFailureQueueArn: names.resolveString(onFailure.Destination) } : {}),
  };
}
