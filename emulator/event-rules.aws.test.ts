import { DescribeArchiveCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { EventBridgePublisher, fromEventBridgeEvent } from '@meridian/adapters-aws';
import { compileEventPattern } from '@meridian/adapters-local';
import {
  catalogEventSchemas,
  EVENT_SOURCES,
  type EventEnvelope,
  inventoryEventSchemas,
  orderEventSchemas,
} from '@meridian/contracts';
import { NOTIFYING_EVENT_TYPES, SAGA_START_EVENT_TYPES } from '@meridian/domain';
import { freePort } from '@meridian/local/tests/support/ports';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AwsClients, awsClients } from './support/aws-clients';
import { DeployedNames, resourcesOfType } from './support/cloudformation';
import { type RunningMoto, startMoto } from './support/moto';
import { provisionData } from './support/provision-data';
import { type DeployedService, provisionService } from './support/provision-service';
import { asDelivered } from './support/rule-targets';
import { waitFor } from './support/shop';
import { EMULATED_ACCOUNT, EMULATED_REGION, readSynthesizedRegion } from './support/synthesize-region';

/**
 * The EventBridge publisher against the synthesized bus, rules and archive in moto: one event of every
 * detail-type Meridian publishes, every entry accepted, and each rule matching exactly what its pattern
 * selects, as moto evaluates it and as the local bus's pattern implementation predicts it.
 */

let moto: RunningMoto;
let clients: AwsClients;
let service: DeployedService;
let published: EventEnvelope[];
/** What each rule matched, as EventBridge delivered it. */
const matched = new Map<string, Array<Record<string, unknown>>>();

const TIME = '2025-03-01T12:34:56.789Z';

function envelope(source: string, detailType: string, index: number): EventEnvelope {
  return {
    version: '0',
    id: `evt-${String(index).padStart(3, '0')}`,
    'detail-type': detailType,
    source,
    account: EMULATED_ACCOUNT,
    time: TIME,
    region: EMULATED_REGION,
    resources: [],
    detail: { schemaVersion: 1, region: EMULATED_REGION },
  };
}

beforeAll(async () => {
  moto = await startMoto({ lambdaPort: await freePort() });
  clients = awsClients(moto.url, EMULATED_REGION);
  const templates = readSynthesizedRegion(inject('assemblyDir'));
  const names = new DeployedNames({ region: EMULATED_REGION, account: EMULATED_ACCOUNT });
  const context = { region: EMULATED_REGION, account: EMULATED_ACCOUNT };
  await provisionData(clients, templates.data, names, { ...context, paymentApiKey: 'unused' });
  service = await provisionService(clients, templates.service, names, {
    ...context,
    assemblyDir: inject('assemblyDir'),
  });
  const types: Array<[string, string]> = [
    ...Object.keys(orderEventSchemas).map((type): [string, string] => [EVENT_SOURCES.orders, type]),
    ...Object.keys(catalogEventSchemas).map((type): [string, string] => [EVENT_SOURCES.catalog, type]),
    ...Object.keys(inventoryEventSchemas).map((type): [string, string] => [EVENT_SOURCES.inventory, type]),
  ];
  published = types.map(([source, type], index) => envelope(source, type, index));
}, 120_000);
afterAll(async () => {
  await moto?.stop();
});

async function drain(queueUrl: string): Promise<Array<Record<string, unknown>>> {
  const bodies: Array<Record<string, unknown>> = [];
  for (;;) {
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((message) => asDelivered(message.Body, EMULATED_ACCOUNT)));
    await clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

describe('the publisher on the synthesized bus', () => {
  it('has every entry accepted', async () => {
    const publisher = new EventBridgePublisher({ client: clients.events, eventBusName: service.busName });
    const result = await publisher.publish(published);
    expect(result.failed).toEqual([]);
    for (const rule of service.rules.filter((candidate) => candidate.eventPattern)) {
      matched.set(rule.name, []);
    }
    // Deliveries are asynchronous: collect until every bus rule's queue has been quiet for a moment.
    await waitFor(
      async () => {
        let arrived = 0;
        for (const rule of service.rules.filter((candidate) => candidate.eventPattern)) {
          const bodies = await drain(rule.deliveryQueueUrl);
          arrived += bodies.length;
          matched.get(rule.name)?.push(...bodies);
        }
        return arrived === 0 && [...matched.values()].some((list) => list.length > 0) ? true : undefined;
      },
      { what: 'rule deliveries', intervalMs: 200 },
    );
  });

  it('matches, rule by rule, exactly the events the local bus predicts from the same pattern', () => {
    for (const rule of service.rules.filter((candidate) => candidate.eventPattern)) {
      const delivered = matched.get(rule.name) ?? [];
      const pattern = compileEventPattern(rule.eventPattern);
      // Predicted on the events as EventBridge delivers them (its own id, account and region).
      const predicted = published.filter((event) => pattern.matches(event));
      expect(predicted.length, rule.name).toBeGreaterThan(0);
      expect(delivered.map((event) => fromEventBridgeEvent(event).id).sort(), rule.name).toEqual(
        predicted.map((event) => event.id).sort(),
      );
    }
  });

  it('forwards every event of this region to each peer; notifies and starts sagas for their order events only', () => {
    const forwards = service.rules.filter((rule) =>
      rule.targets.some((target) => target.arn.includes(':event-bus/')),
    );
    expect(forwards).toHaveLength(1);
    for (const rule of forwards) expect(matched.get(rule.name)).toHaveLength(published.length);
    const typesMatched = (fragment: string) => {
      const rule = service.rules.find((candidate) => candidate.name.includes(fragment));
      return (matched.get(rule?.name ?? '') ?? []).map((event) => event['detail-type']).sort();
    };
    expect(typesMatched('OrderNotifications')).toEqual([...NOTIFYING_EVENT_TYPES].sort());
    expect(typesMatched('OrderSagaStarts')).toEqual([...SAGA_START_EVENT_TYPES].sort());
  });

  it('delivers the envelope unchanged, to the millisecond, though EventBridge keeps whole seconds', () => {
    const [rule] = service.rules.filter((candidate) => candidate.eventPattern);
    const delivered = matched.get(rule?.name ?? '') ?? [];
    expect(delivered.length).toBeGreaterThan(0);
    for (const event of delivered) {
      expect(event.time).toBe('2025-03-01T12:34:56Z');
      const original = published.find((candidate) => candidate.id === fromEventBridgeEvent(event).id);
      expect(fromEventBridgeEvent(event)).toEqual(original);
    }
  });

  it('archives every Meridian event', async () => {
    const templates = readSynthesizedRegion(inject('assemblyDir'));
    const [archive] = resourcesOfType(templates.service, 'AWS::Events::Archive');
    const described = await clients.events.send(
      new DescribeArchiveCommand({ ArchiveName: String(archive?.properties.ArchiveName) }),
    );
    expect(described.EventCount).toBe(published.length);
  });
});
