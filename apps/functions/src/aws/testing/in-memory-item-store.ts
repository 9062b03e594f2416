import type { EventEnvelope } from '@meridian/contracts';
import {
  ConditionFailedError,
  type IndexName,
  type ItemKey,
  type ItemStore,
  type ItemWrite,
  type Page,
  type PageRequest,
  type StoredItem,
} from '@meridian/domain';

interface Row extends StoredItem {
  gsi1?: ItemKey;
  gsi2?: ItemKey;
}

/**
 * ItemStore in a Map, for handler tests that need the store's conditional-write semantics (version bumps,
 * `expect`) but neither SQLite nor DynamoDB. Index pages have no cursor: tests read small sets.
 */
export class InMemoryItemStore implements ItemStore {
  readonly rows = new Map<string, Row>();
  readonly events: EventEnvelope[] = [];

  async get(pk: string, sk: string): Promise<StoredItem | undefined> {
    const row = this.rows.get(id(pk, sk));
    return row && { pk: row.pk, sk: row.sk, data: structuredClone(row.data), version: row.version };
  }

  async getMany(keys: readonly ItemKey[]): Promise<StoredItem[]> {
    const found = await Promise.all(keys.map((key) => this.get(key.pk, key.sk)));
    return found.filter((item): item is StoredItem => item !== undefined);
  }

  async queryPartition(pk: string, options: { skPrefix?: string } = {}): Promise<StoredItem[]> {
    return [...this.rows.values()]
      .filter((row) => row.pk === pk && row.sk.startsWith(options.skPrefix ?? ''))
      .sort((a, b) => a.sk.localeCompare(b.sk));
  }

  async queryIndex(index: IndexName, pk: string, options: PageRequest): Promise<Page<StoredItem>> {
    const items = [...this.rows.values()]
      .filter((row) => row[index]?.pk === pk)
      .sort((a, b) => (a[index]?.sk ?? '').localeCompare(b[index]?.sk ?? ''));
    if (options.descending) items.reverse();
    return { items: items.slice(0, options.limit) };
  }

  async transact(writes: readonly ItemWrite[], events: readonly EventEnvelope[] = []): Promise<void> {
    for (const write of writes) {
      const current = this.rows.get(id(write.pk, write.sk));
      if (write.expect === 'absent' && current)
        throw new ConditionFailedError(`${write.pk}/${write.sk} already exists`);
      if (typeof write.expect === 'number' && current?.version !== write.expect)
        throw new ConditionFailedError();
    }
    for (const write of writes) {
      const version = (this.rows.get(id(write.pk, write.sk))?.version ?? 0) + 1;
      this.rows.set(id(write.pk, write.sk), {
        pk: write.pk,
        sk: write.sk,
        data: structuredClone(write.data),
        version,
        ...(write.gsi1 ? { gsi1: write.gsi1 } : {}),
        ...(write.gsi2 ? { gsi2: write.gsi2 } : {}),
      });
    }
    this.events.push(...events);
  }
}

function id(pk: string, sk: string): string {
  return JSON.stringify([pk, sk]);
}
