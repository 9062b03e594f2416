import type { EventEnvelope } from '@meridian/contracts';
import type { DomainContext } from '../shared/context';
import {
  ConditionFailedError,
  type CounterWrite,
  type IndexKey,
  type IndexName,
  type ItemKey,
  type ItemStore,
  type ItemWrite,
  isCounterWrite,
  type Page,
  type PageRequest,
  type StoredItem,
} from '../store/item-store';
import { type IndexCursorQuery, indexCursor } from '../store/keys';
import { applyCounterWrite, checkTransaction } from '../store/write-rules';

/** One committed `transact` call, as the store received it. */
export interface RecordedTransaction {
  writes: (ItemWrite | CounterWrite)[];
  events: EventEnvelope[];
}

interface Row extends StoredItem {
  gsi1?: IndexKey;
  gsi2?: IndexKey;
}

type Position = [indexSk: string, pk: string, sk: string];

const MAX_PAGE = 200;

/**
 * Test double of the ItemStore port, faithful to its contract: per-item versions, `expect` conditions,
 * all-or-nothing transactions, events recorded with the writes, opaque cursors. Data is copied in and
 * out, so a test cannot pass by mutating what it read. `transactions` lists every committed call.
 */
export class InMemoryItemStore implements ItemStore {
  readonly transactions: RecordedTransaction[] = [];
  private rows = new Map<string, Row>();

  /** Every event committed so far, in commit order. */
  get events(): EventEnvelope[] {
    return this.transactions.flatMap((transaction) => transaction.events);
  }

  async get(pk: string, sk: string): Promise<StoredItem | undefined> {
    const row = this.rows.get(rowId(pk, sk));
    return row && toItem(row);
  }

  async getMany(keys: readonly ItemKey[]): Promise<StoredItem[]> {
    return keys.flatMap((key) => {
      const row = this.rows.get(rowId(key.pk, key.sk));
      return row ? [toItem(row)] : [];
    });
  }

  async queryPartition(pk: string, options: { skPrefix?: string } = {}): Promise<StoredItem[]> {
    const prefix = options.skPrefix ?? '';
    return [...this.rows.values()]
      .filter((row) => row.pk === pk && row.sk.startsWith(prefix))
      .sort((a, b) => compareText(a.sk, b.sk))
      .map(toItem);
  }

  async queryIndex(index: IndexName, pk: string, options: PageRequest): Promise<Page<StoredItem>> {
    const limit = Math.min(Math.max(1, Math.trunc(options.limit)), MAX_PAGE);
    const query: IndexCursorQuery = { index, pk, descending: options.descending === true };
    const after = options.cursor === undefined ? undefined : decodeCursor(query, options.cursor);
    const direction = options.descending ? -1 : 1;
    const entries = [...this.rows.values()]
      .flatMap((row) => {
        const key = row[index];
        return key?.pk === pk ? [{ row, position: [key.sk, row.pk, row.sk] as Position }] : [];
      })
      .filter((entry) => !after || direction * comparePositions(entry.position, after) > 0)
      .sort((a, b) => direction * comparePositions(a.position, b.position));
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((entry) => toItem(entry.row)),
      ...(entries.length > limit && last ? { nextCursor: encodeCursor(query, last.position) } : {}),
    };
  }

  async transact(
    writes: readonly (ItemWrite | CounterWrite)[],
    events: readonly EventEnvelope[] = [],
  ): Promise<void> {
    checkTransaction(writes, events);
    // Copy-on-write: a failed condition leaves the committed map untouched.
    const next = new Map(this.rows);
    for (const write of writes) {
      const id = rowId(write.pk, write.sk);
      const current = next.get(id);
      if (isCounterWrite(write)) {
        if (!current) throw new ConditionFailedError(`${id} does not exist`);
        const data = applyCounterWrite(structuredClone(current.data), write, id);
        next.set(id, { ...current, data, version: current.version + 1 });
        continue;
      }
      if (write.expect === 'absent' && current) throw new ConditionFailedError(`${id} already exists`);
      if (typeof write.expect === 'number' && current?.version !== write.expect) {
        throw new ConditionFailedError(`${id} is not at version ${write.expect}`);
      }
      next.set(id, {
        pk: write.pk,
        sk: write.sk,
        data: structuredClone(write.data),
        version: (current?.version ?? 0) + 1,
        ...(write.gsi1 ? { gsi1: { ...write.gsi1 } } : {}),
        ...(write.gsi2 ? { gsi2: { ...write.gsi2 } } : {}),
      });
    }
    this.rows = next;
    this.transactions.push({ writes: structuredClone([...writes]), events: structuredClone([...events]) });
  }
}

/**
 * A DomainContext over an in-memory store (a fresh one unless given, so two regions can share one), with a
 * fixed clock and increasing alphanumeric ids (tagged with the region, so sharing regions never collide).
 */
export function inMemoryContext(
  options: { region?: string; regions?: readonly string[]; store?: InMemoryItemStore } = {},
): { ctx: DomainContext; store: InMemoryItemStore } {
  const store = options.store ?? new InMemoryItemStore();
  const region = options.region ?? 'us-east-1';
  const now = Date.parse('2025-01-01T00:00:00.000Z');
  let issued = 0;
  const tag = region.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  const ctx: DomainContext = {
    store,
    clock: { now: () => now },
    ids: { next: () => `${tag}${String(++issued).padStart(12, '0')}` },
    region,
    regions: options.regions ?? [region],
    account: '000000000000',
  };
  return { ctx, store };
}

function rowId(pk: string, sk: string): string {
  return JSON.stringify([pk, sk]);
}

function toItem(row: Row): StoredItem {
  return { pk: row.pk, sk: row.sk, data: structuredClone(row.data), version: row.version };
}

// Code-unit order, as SQLite's BINARY collation and DynamoDB's byte order agree on for ASCII keys.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePositions(a: Position, b: Position): number {
  return compareText(a[0], b[0]) || compareText(a[1], b[1]) || compareText(a[2], b[2]);
}

function encodeCursor(query: IndexCursorQuery, [indexSk, pk, sk]: Position): string {
  return indexCursor.encode(query, { indexSk, pk, sk });
}

function decodeCursor(query: IndexCursorQuery, cursor: string): Position {
  const position = indexCursor.decode(query, cursor);
  return [position.indexSk, position.pk, position.sk];
}

export { describeIndexCursorContract } from './index-cursor-contract';
export { describeItemStoreContract, type ItemStoreScenario, itemStoreScenarios } from './item-store-contract';
export { FIXTURE_TIME, fixtureProduct, seedOrder } from './order-fixtures';
