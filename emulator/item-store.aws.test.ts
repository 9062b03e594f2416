import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbItemStore } from '@meridian/adapters-aws';
import { openDatabase, SqliteItemStore } from '@meridian/adapters-local';
import type { ItemStore } from '@meridian/domain';
import { describeItemStoreContract, InMemoryItemStore, itemStoreScenarios } from '@meridian/domain/testing';
import { freePort } from '@meridian/local/tests/support/ports';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AwsClients, awsClients } from './support/aws-clients';
import { type RunningMoto, startMoto } from './support/moto';
import { createTableFromTemplate } from './support/provision-data';
import { EMULATED_REGION, readSynthesizedRegion } from './support/synthesize-region';

/**
 * The ItemStore contract on DynamoDB (moto), each scenario on a fresh table created from the synthesized
 * template, and differentially: every scenario gives the same result on the in-memory, SQLite and
 * DynamoDB stores.
 */

const clock = { now: () => Date.UTC(2025, 0, 1) };
let moto: RunningMoto;
let clients: AwsClients;
const tables = new WeakMap<ItemStore, string>();

beforeAll(async () => {
  moto = await startMoto({ lambdaPort: await freePort() });
  clients = awsClients(moto.url, EMULATED_REGION);
});
afterAll(async () => {
  await moto?.stop();
});

async function openDynamoDb(): Promise<ItemStore> {
  const { data } = readSynthesizedRegion(inject('assemblyDir'));
  const { tableName } = await createTableFromTemplate(clients, data, `contract-${randomUUID()}`);
  const store = new DynamoDbItemStore({
    client: clients.documents,
    tableName,
    region: EMULATED_REGION,
    clock,
  });
  tables.set(store, tableName);
  return store;
}

async function closeDynamoDb(store: ItemStore): Promise<void> {
  const tableName = tables.get(store);
  if (tableName) await clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
}

describeItemStoreContract('DynamoDbItemStore', openDynamoDb, closeDynamoDb);

describe('every store, the same result', () => {
  const stores: Array<{
    name: string;
    open: () => Promise<ItemStore>;
    close: (store: ItemStore) => Promise<void>;
  }> = [
    { name: 'in-memory', open: async () => new InMemoryItemStore(), close: async () => {} },
    {
      name: 'SQLite',
      open: async () => new SqliteItemStore(openDatabase(':memory:'), { region: EMULATED_REGION, clock }),
      close: async () => {},
    },
    { name: 'DynamoDB', open: openDynamoDb, close: closeDynamoDb },
  ];

  it.each(itemStoreScenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const results: Record<string, unknown> = {};
      for (const { name, open, close } of stores) {
        const store = await open();
        try {
          results[name] = await scenario.run(store);
        } finally {
          await close(store);
        }
      }
      expect(results.SQLite).toEqual(results['in-memory']);
      expect(results.DynamoDB).toEqual(results['in-memory']);
    },
  );
});
