import { readFileSync } from 'node:fs';
import { NOTIFYING_EVENT_TYPES, SAGA_START_EVENT_TYPES } from '@meridian/domain';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_SAGA_ASL, SAGA_FUNCTIONS, substitutionKey } from '../src/function-catalog';
import {
  resourcesOfType,
  SDK_CALL_PROVIDER,
  type Synthesized,
  synthesize,
  TEST_CONFIG,
} from './support/synthesize';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
type Resource = { Properties?: Record<string, unknown> };
let synth: Synthesized;

beforeAll(() => {
  // Prove synthesis needs no credentials: none are visible to the process.
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete process.env[name];
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  synth = synthesize('regional', TEST_CONFIG);
});
afterAll(() => synth?.cleanup());

describe('synthesis', () => {
  it('produces every stack of every stage offline', () => {
    const expected = [
      'MeridianPipeline',
      ...REGIONS.map((region) => `Foundation-${region}-Keys`),
      ...REGIONS.flatMap((region) =>
        ['Network', 'Data', 'Service'].map((stack) => `Region-${region}-${stack}`),
      ),
      'Global-WebFailover',
      'Global-Global',
    ];
    expect([...synth.stacks.keys()]).toEqual(expect.arrayContaining(expected));
    for (const region of REGIONS)
      expect(synth.stacks.get(`Region-${region}-Service`)?.environment.region).toBe(region);
  });

  it('needs no context lookup and reports no error or warning annotation', () => {
    const missing = (assembly: typeof synth.assembly): unknown[] => [
      ...(assembly.manifest.missing ?? []),
      ...assembly.nestedAssemblies.flatMap((nested) => missing(nested.nestedAssembly)),
    ];
    expect(missing(synth.assembly)).toEqual([]);
    const messages = [...synth.stacks.values()].flatMap((stack) =>
      stack.messages
        .filter((message) => message.level !== 'info')
        .map((message) => `${message.id}: ${String(message.entry.data)}`),
    );
    expect(messages).toEqual([]);
  });
});

describe('data stack', () => {
  it('creates the global table once, in the primary, with a replica in every region', () => {
    const primary = synth.json('Region-us-east-1-Data');
    const [[, table] = []] = resourcesOfType(primary, 'AWS::DynamoDB::GlobalTable');
    const replicas = (table?.Properties?.Replicas ?? []) as Array<Record<string, unknown>>;

    expect(replicas.map((replica) => replica.Region).sort()).toEqual([...REGIONS].sort());
    for (const region of REGIONS.slice(1)) {
      expect(resourcesOfType(synth.json(`Region-${region}-Data`), 'AWS::DynamoDB::GlobalTable')).toHaveLength(
        0,
      );
    }
  });

  it('turns on PITR, deletion protection and customer-managed KMS on every replica', () => {
    const template = synth.template('Region-us-east-1-Data');
    const replica = (region: string, kmsKey: unknown) =>
      Match.objectLike({
        Region: region,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { KMSMasterKeyId: kmsKey },
      });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'meridian',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'gsi1', Projection: { ProjectionType: 'ALL' } }),
        Match.objectLike({ IndexName: 'gsi2', Projection: { ProjectionType: 'ALL' } }),
      ]),
    });
    const keys: Record<string, unknown> = {
      'us-east-1': Match.objectLike({ Ref: Match.stringLikeRegexp('datakeyarn') }),
      'eu-west-1': 'arn:aws:kms:eu-west-1:123456789012:alias/meridian-data',
      'ap-southeast-2': 'arn:aws:kms:ap-southeast-2:123456789012:alias/meridian-data',
    };
    for (const [region, key] of Object.entries(keys)) {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        Replicas: Match.arrayWith([replica(region, key)]),
      });
    }
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('keeps one user pool, in the primary, with an admin group', () => {
    synth
      .template('Region-us-east-1-Data')
      .hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admin' });
    expect(resourcesOfType(synth.json('Region-eu-west-1-Data'), 'AWS::Cognito::UserPool')).toHaveLength(0);
  });

  it('gives every region a rotated data key', () => {
    for (const region of REGIONS) {
      synth
        .template(`Foundation-${region}-Keys`)
        .hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    }
  });
});

describe('network stack', () => {
  it('spans three AZs with public, private and isolated subnets and two NAT gateways', () => {
    const network = synth.json('Region-eu-west-1-Network');
    const subnets = resourcesOfType(network, 'AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties ?? {});
    const zones = new Set(subnets.map((subnet) => JSON.stringify(subnet.AvailabilityZone)));
    const tiers = subnets.map(
      (subnet) =>
        ((subnet.Tags ?? []) as Array<{ Key: string; Value: string }>).find(
          (tag) => tag.Key === 'aws-cdk:subnet-name',
        )?.Value,
    );

    expect(zones.size).toBe(3);
    expect(tiers.sort()).toEqual([
      'isolated',
      'isolated',
      'isolated',
      'private',
      'private',
      'private',
      'public',
      'public',
      'public',
    ]);
    expect(resourcesOfType(network, 'AWS::EC2::NatGateway')).toHaveLength(2);
  });

  it('reaches DynamoDB through a gateway endpoint and the other services through interface endpoints', () => {
    const network = synth.json('Region-eu-west-1-Network');
    const services = resourcesOfType(network, 'AWS::EC2::VPCEndpoint').map(([, endpoint]) => {
      const name = endpoint.Properties?.ServiceName;
      return {
        type: endpoint.Properties?.VpcEndpointType,
        name: typeof name === 'string' ? name : JSON.stringify(name),
      };
    });

    expect(services).toContainEqual({ type: 'Gateway', name: expect.stringContaining('dynamodb') });
    for (const service of ['events', 'states', 'secretsmanager', 'xray', 'sqs']) {
      expect(services).toContainEqual({ type: 'Interface', name: `com.amazonaws.eu-west-1.${service}` });
    }
  });
});

describe('service stack', () => {
  const service = () => synth.json('Region-eu-west-1-Service');
  const functions = () =>
    resourcesOfType(service(), 'AWS::Lambda::Function').filter(([id]) => !SDK_CALL_PROVIDER.test(id));

  it('runs every function on Node.js 22+ arm64, traced, in the private subnets', () => {
    expect(functions()).toHaveLength(16);
    for (const [id, fn] of functions()) {
      const props = fn.Properties ?? {};
      const major = Number(/^nodejs(\d+)/.exec(String(props.Runtime))?.[1]);
      const subnetIds = JSON.stringify((props.VpcConfig as { SubnetIds?: unknown })?.SubnetIds ?? []);
      expect(major, id).toBeGreaterThanOrEqual(22);
      expect(props.Architectures, id).toEqual(['arm64']);
      expect(props.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(subnetIds.match(/privateSubnet\d/g), id).toHaveLength(3);
      expect(subnetIds, id).not.toMatch(/public|isolated/);
    }
  });

  it('gives functions the Powertools environment and what each one reads', () => {
    const byName = new Map(
      functions().map(([id, fn]) => [
        id,
        (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      ]),
    );
    for (const [id, env] of byName) {
      expect(env, id).toMatchObject({
        TABLE_NAME: 'meridian',
        EVENT_BUS_NAME: 'meridian',
        MERIDIAN_REGION: 'eu-west-1',
        MERIDIAN_REGIONS: 'us-east-1,eu-west-1,ap-southeast-2',
        MERIDIAN_ACCOUNT: '123456789012',
        POWERTOOLS_METRICS_NAMESPACE: 'Meridian',
        POWERTOOLS_SERVICE_NAME: expect.any(String),
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
    }
    const api = [...byName].find(([id]) => id.startsWith('ApiFunction'))?.[1];
    expect(Object.keys(api ?? {})).toEqual(
      expect.arrayContaining(['STATE_MACHINE_ARN', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL', 'DLQ_URL']),
    );
    // Every queue whose messages are events: two forwarding rules, and the delivery and invocations of
    // both event consumers (notifications, saga starts).
    expect(JSON.stringify(api?.DLQ_URL).match(/DeadLettersQueue\w+/g)).toHaveLength(6);
    const payment = [...byName]
      .filter(([, env]) => env && 'PAYMENT_PROVIDER_SECRET_ARN' in env)
      .map(([id]) => id);
    expect(payment.map((id) => id.replace(/Function.*/, '')).sort()).toEqual([
      'AuthorizePayment',
      'CapturePayment',
      'IntegritySweep',
      'RefundPayment',
      'VoidPayment',
    ]);
  });

  it('never grants wildcard actions, least of all on the table', () => {
    for (const region of REGIONS) {
      for (const [id, policy] of resourcesOfType(
        synth.json(`Region-${region}-Service`),
        'AWS::IAM::Policy',
      )) {
        const document = policy.Properties?.PolicyDocument as
          | { Statement: Array<Record<string, unknown>> }
          | undefined;
        const statements = document?.Statement ?? [];
        for (const statement of statements) {
          const actions = [statement.Action].flat().map(String);
          expect(actions, id).not.toContain('*');
          if (JSON.stringify(statement.Resource).includes('table/meridian')) {
            expect(
              actions.filter((action) => action === 'dynamodb:*' || action.endsWith(':*')),
              id,
            ).toEqual([]);
          }
        }
      }
    }
  });

  it('defines the state machine from the ASL file with every function ARN substituted', () => {
    const [[, machine] = []] = resourcesOfType(service(), 'AWS::StepFunctions::StateMachine');
    const props = machine?.Properties ?? {};
    const asl = readFileSync(ORDER_SAGA_ASL, 'utf8');
    const placeholders = [...asl.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]);
    const substitutions = props.DefinitionSubstitutions as Record<string, { Ref: string }>;
    const resources = service().Resources as Record<string, Resource & { Type: string }>;

    expect(props.DefinitionString).toBe(asl);
    expect(Object.keys(substitutions).sort()).toEqual([...new Set(placeholders)].sort());
    for (const step of Object.keys(SAGA_FUNCTIONS)) {
      const alias = resources[substitutions[substitutionKey(step as keyof typeof SAGA_FUNCTIONS)]?.Ref ?? ''];
      expect(alias?.Type, step).toBe('AWS::Lambda::Alias');
      expect(JSON.stringify(alias?.Properties?.FunctionName), step).toContain(`${step}Function`);
    }
    expect(props).toMatchObject({
      StateMachineType: 'STANDARD',
      StateMachineName: 'meridian-order-saga',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  it('serves /api/v1 behind a Cognito JWT authorizer, with public health and catalog routes', () => {
    const template = synth.template('Region-eu-west-1-Service');
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Issuer: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith(['https://cognito-idp.us-east-1.amazonaws.com/'])]),
        }),
        Audience: Match.anyValue(),
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /api/v1/{proxy+}',
      AuthorizationType: 'JWT',
      AuthorizerId: Match.anyValue(),
    });
    for (const key of ['GET /api/v1/health', 'GET /api/v1/products', 'GET /api/v1/openapi.json']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: key,
        AuthorizationType: 'NONE',
      });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('has the dashboard and the alarms, and rolls canaries back on them', () => {
    const template = synth.template('Region-eu-west-1-Service');
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of [
      '5xx',
      'Latency',
      'Errors',
      'Throttles',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ApproximateNumberOfMessagesVisible',
      'ReplicationLatency',
    ]) {
      expect(body).toContain(metric);
    }
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const named = (metricName: string) => alarms.filter((alarm) => alarm.MetricName === metricName);
    expect(named('5xx')).toHaveLength(1);
    expect(named('ExecutionsFailed')).toHaveLength(1);
    expect(named('ExecutionsTimedOut')).toHaveLength(1);
    expect(named('ReplicationLatency').map((alarm) => alarm.Dimensions)).toHaveLength(2);
    // The API, the stream publisher, the notification consumer, the saga starter and sweeper and the
    // integrity sweep alarm on Lambda Errors; the saga Tasks, which throw business outcomes for the state machine's Catch rules, on
    // their unexpected errors.
    expect(named('Errors')).toHaveLength(6);
    expect(named('UnexpectedErrors')).toHaveLength(10);
    for (const alarm of named('UnexpectedErrors')) {
      expect(alarm).toMatchObject({ Namespace: 'Meridian', Statistic: 'Sum', Period: 60, Threshold: 1 });
      expect(alarm.Dimensions).toEqual([
        { Name: 'service', Value: 'order-saga' },
        { Name: 'step', Value: expect.any(String) },
      ]);
    }
    expect(new Set(named('UnexpectedErrors').map((alarm) => alarm.Dimensions[1].Value))).toEqual(
      new Set(Object.keys(SAGA_FUNCTIONS)),
    );
    expect(named('Duration').map((alarm) => [alarm.Statistic, alarm.Threshold])).toEqual(
      Array(10).fill(['Maximum', 19_800]),
    );
    expect(named('Throttles')).toHaveLength(16);
    for (const alarm of alarms) expect(alarm.AlarmActions, String(alarm.AlarmDescription)).toHaveLength(1);

    const groups = Object.values(template.findResources('AWS::CodeDeploy::DeploymentGroup'));
    expect(groups).toHaveLength(16);
    for (const group of groups) {
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AlarmConfiguration: { Enabled: true },
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_STOP_ON_ALARM']),
        },
      });
    }
    // Which metrics roll each function's canary back.
    const alarmMetric = new Map(
      Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, alarm]) => [
        id,
        String(alarm.Properties.MetricName),
      ]),
    );
    const rollbackMetrics = groups
      .map((group) =>
        (group.Properties.AlarmConfiguration.Alarms as Array<{ Name: { Ref: string } }>)
          .map((alarm) => alarmMetric.get(alarm.Name.Ref))
          .sort()
          .join(','),
      )
      .sort();
    expect(rollbackMetrics).toEqual([
      '5xx,Errors', // the API
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Duration,UnexpectedErrors',
      'Errors', // the integrity sweep
      'Errors', // the notification consumer
      'Errors', // the saga starter
      'Errors', // the saga sweeper
      'Errors', // the stream publisher
    ]);
  });

  it('forwards locally originated events to each peer bus, once, with dead letters', () => {
    const template = synth.template('Region-eu-west-1-Service');
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'meridian' });
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
    for (const peer of ['us-east-1', 'ap-southeast-2']) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { region: ['eu-west-1'], source: Match.arrayWith(['meridian.orders']) },
        Targets: [
          Match.objectLike({
            Arn: `arn:aws:events:${peer}:123456789012:event-bus/meridian`,
            DeadLetterConfig: { Arn: Match.anyValue() },
          }),
        ],
      });
    }
  });

  it('notifies for the notifying order events of its own region only, as local mode does', () => {
    const template = synth.template('Region-eu-west-1-Service');
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
      String(rule.Properties.Description).includes('OrderNotifications'),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      EventPattern: {
        source: ['meridian.orders'],
        'detail-type': [...NOTIFYING_EVENT_TYPES],
        region: ['eu-west-1'],
      },
      Targets: [
        expect.objectContaining({
          DeadLetterConfig: expect.anything(),
          RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
    expect(NOTIFYING_EVENT_TYPES.length).toBeGreaterThan(0);
    expect(NOTIFYING_EVENT_TYPES).not.toContain('OrderInventoryReserved');
  });

  it('feeds the publisher only outbox inserts written in its own region', () => {
    synth.template('Region-eu-west-1-Service').hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: Match.arrayWith([
          {
            Pattern: Match.serializedJson(
              Match.objectLike({
                dynamodb: { NewImage: Match.objectLike({ originRegion: { S: ['eu-west-1'] } }) },
              }),
            ),
          },
        ]),
      },
    });
  });

  it('lets the stream consumer see exactly the outbox and transfer inserts and the peers’ claims this region acts on', () => {
    const mappings = resourcesOfType(service(), 'AWS::Lambda::EventSourceMapping');
    // One reader of the table stream: global tables want no more than one per shard.
    expect(mappings).toHaveLength(1);
    const filters = (
      mappings[0]?.[1].Properties?.FilterCriteria as { Filters: Array<{ Pattern: string }> } | undefined
    )?.Filters.map((filter) => JSON.parse(filter.Pattern) as Pattern);
    expect(filters).toHaveLength(3);
    const admitted = (record: Record<string, unknown>) =>
      (filters ?? []).some((pattern) => matches(pattern, record));
    const insert = (image: Record<string, unknown>, eventName = 'INSERT') => ({
      eventName,
      dynamodb: { NewImage: image },
    });
    const transfer = (toRegion: string, writerRegion: string) => ({
      pk: { S: 'STOCK#SKU-1' },
      sk: { S: 'TRANSFER#01JTRANSFER' },
      data: { M: { transferId: { S: '01JTRANSFER' }, toRegion: { S: toRegion }, quantity: { N: '5' } } },
      version: { N: '1' },
      writerRegion: { S: writerRegion },
    });
    const outbox = (originRegion: string) => ({
      pk: { S: 'OUTBOX#evt-1' },
      sk: { S: 'EVENT' },
      originRegion: { S: originRegion },
    });

    // A peer's restock share (or transfer) for eu-west-1, replicated into eu-west-1's stream: credited here.
    expect(admitted(insert(transfer('eu-west-1', 'us-east-1')))).toBe(true);
    // A transfer eu-west-1 wrote for a peer: the peer credits it.
    expect(admitted(insert(transfer('us-east-1', 'eu-west-1')))).toBe(false);
    expect(admitted(insert(transfer('eu-west-1', 'us-east-1'), 'MODIFY'))).toBe(false);
    expect(admitted(insert(outbox('eu-west-1')))).toBe(true);
    expect(admitted(insert(outbox('us-east-1')))).toBe(false);
    expect(admitted(insert({ pk: { S: 'STOCK#SKU-1' }, sk: { S: 'CREDIT#01JTRANSFER' } }))).toBe(false);
    // Another region's claim on an Idempotency-Key (new, or taken again after expiry): this region may hold
    // a twin order. Its own claims are not its stream consumer's business.
    const claim = (region: string) => ({
      pk: { S: 'IDEMPOTENCY#alice#k-1' },
      sk: { S: `CLAIM#${region}` },
      data: { M: { customerId: { S: 'alice' }, key: { S: 'k-1' }, region: { S: region } } },
    });
    expect(admitted(insert(claim('us-east-1')))).toBe(true);
    expect(admitted(insert(claim('us-east-1'), 'MODIFY'))).toBe(true);
    expect(admitted(insert(claim('eu-west-1')))).toBe(false);
    expect(admitted(insert(claim('us-east-1'), 'REMOVE'))).toBe(false);
  });

  it('lets the stream consumer credit transfers: read-write on the table', () => {
    const policies = resourcesOfType(service(), 'AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('StreamPublisher'),
    );
    const actions = policies.flatMap(([, policy]) =>
      (
        (policy.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown }> } | undefined)
          ?.Statement ?? []
      ).flatMap((statement) => [statement.Action].flat().map(String)),
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
      ]),
    );
  });
});

describe('saga starts', () => {
  const service = () => synth.json('Region-eu-west-1-Service');
  const fn = (prefix: string) => {
    const found = resourcesOfType(service(), 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix));
    if (!found) throw new Error(`no function ${prefix}`);
    return found;
  };
  const aliasOf = (prefix: string) =>
    resourcesOfType(service(), 'AWS::Lambda::Alias').find(([id]) => id.startsWith(prefix))?.[0];
  const actionsOf = (prefix: string) =>
    resourcesOfType(service(), 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith(prefix))
      .flatMap(([, policy]) =>
        (
          (policy.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown }> } | undefined)
            ?.Statement ?? []
        ).flatMap((statement) => [statement.Action].flat().map(String)),
      );

  it('invokes the starter with this region’s OrderPlaced and OrderCancelRequested, with dead letters', () => {
    const rules = resourcesOfType(service(), 'AWS::Events::Rule').filter(([, rule]) =>
      String(rule.Properties?.Description).includes('OrderSagaStarts'),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1].Properties).toMatchObject({
      EventPattern: {
        source: ['meridian.orders'],
        'detail-type': [...SAGA_START_EVENT_TYPES],
        region: ['eu-west-1'],
      },
      Targets: [
        expect.objectContaining({
          Arn: { Ref: aliasOf('OrderSagaStarter') },
          DeadLetterConfig: expect.anything(),
          RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
    // What still fails after Lambda's retries is parked where the console can redrive it.
    expect(fn('OrderSagaStarterFunction')[1].Properties?.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^EventsOrderSagaStarterInvocations/), 'Arn'] },
    });
  });

  it('sweeps every 5 minutes for orders between 2 minutes and a day old', () => {
    synth.template('Region-eu-west-1-Service').hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { Ref: aliasOf('OrderSagaSweeper') },
          Input: JSON.stringify({ minAgeSeconds: 120, maxAgeHours: 24, unfinishedAfterMinutes: 65 }),
          RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 },
        }),
      ],
    });
  });

  it('runs the integrity sweep on schedules: what is owed and duplicate keys every minute, the ledger every 5', () => {
    const template = synth.template('Region-eu-west-1-Service');
    for (const [rate, jobs] of [
      ['rate(1 minute)', ['settle', 'duplicates']],
      ['rate(5 minutes)', ['reconcile']],
    ] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: rate,
        Targets: [
          Match.objectLike({ Arn: { Ref: aliasOf('IntegritySweep') }, Input: JSON.stringify({ jobs }) }),
        ],
      });
    }
    // It settles payments (the provider's secret), cancels duplicates (saga starts) and writes the table.
    const actions = actionsOf('IntegritySweep');
    expect(actions).toEqual(
      expect.arrayContaining([
        'secretsmanager:GetSecretValue',
        'states:StartExecution',
        'dynamodb:Query',
        'dynamodb:PutItem',
      ]),
    );
  });

  it('lets both start executions of the order saga and read the table, nothing more', () => {
    for (const prefix of ['OrderSagaStarter', 'OrderSagaSweeper']) {
      const env =
        (
          fn(`${prefix}Function`)[1].Properties?.Environment as
            | { Variables?: Record<string, unknown> }
            | undefined
        )?.Variables ?? {};
      expect(env.STATE_MACHINE_ARN, prefix).toEqual({ Ref: expect.stringMatching(/^OrderSagaStateMachine/) });
      const actions = actionsOf(prefix);
      expect(actions, prefix).toEqual(
        expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution', 'dynamodb:Query']),
      );
      expect(
        actions.filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action)),
        prefix,
      ).toEqual([]);
    }
  });
});

type Pattern = {
  [key: string]: Pattern | Array<string | { prefix: string } | { 'anything-but': string[] }>;
};

/**
 * The subset of Lambda event filtering the stream filters use: exact values, prefixes and anything-but,
 * all keys AND-ed.
 */
function matches(pattern: Pattern, value: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const field = (value as Record<string, unknown> | undefined)?.[key];
    if (!Array.isArray(rule)) return matches(rule, field);
    return rule.some((accepted) => {
      if (typeof accepted === 'string') return field === accepted;
      if ('anything-but' in accepted)
        return typeof field === 'string' && !accepted['anything-but'].includes(field);
      return typeof field === 'string' && field.startsWith(accepted.prefix);
    });
  });
}
