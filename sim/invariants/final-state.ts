import type { ItemChange } from '@meridian/adapters-local';
import type { EventEnvelope } from '@meridian/contracts';
import type { Order } from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import type { Booking } from '../world/carrier';
import type { Acknowledgement } from '../world/clients';
import type { ProviderAuthorization } from '../world/provider-process';

/** One item as its region's table holds it: a change-feed row without its sequence and base stamp. */
export type ItemRow = Omit<ItemChange, 'seq' | 'baseUpdatedAt' | 'baseWriterRegion'>;

/** What one region holds at the end, read straight from its SQLite database. */
export interface RegionState {
  name: string;
  items: Map<string, ItemRow>;
  /** Its own orders (it is their only writer). */
  orders: Order[];
  archivedOwnEvents: EventEnvelope[];
  deadLetters: number;
}

export interface FinalState {
  regions: RegionState[];
  authorizations: ProviderAuthorization[];
  ledger: Array<{ orderId: string; type: string; amount: number; authorizationId: string | null }>;
  bookings: Booking[];
  acknowledged: Acknowledgement[];
  /**
   * What the operator knows was supplied, per SKU: at least the initial stock plus the restocks the
   * platform acknowledged, at most that plus the restocks it never answered.
   */
  supplyKnown: Map<string, { atLeast: number; atMost: number }>;
}

export const itemKey = (row: { pk: string; sk: string }) => `${row.pk}\u0000${row.sk}`;

export function readRegionState(name: string, db: Database): RegionState {
  const rows = db
    .prepare(
      `SELECT pk, sk, data, version, updated_at AS updatedAt, writer_region AS writerRegion, gsi1pk, gsi1sk, gsi2pk, gsi2sk
       FROM items ORDER BY pk, sk`,
    )
    .all() as ItemRow[];
  const items = new Map(rows.map((row) => [itemKey(row), row]));
  const orders = rows
    .filter((row) => row.pk.startsWith('ORDER#') && row.sk === 'ORDER')
    .map((row) => JSON.parse(row.data) as Order)
    .filter((order) => order.region === name);
  const events = db
    .prepare('SELECT event_json AS json FROM bus_archived_events ORDER BY seq')
    .all() as Array<{ json: string }>;
  const archivedOwnEvents = events
    .map((row) => JSON.parse(row.json) as EventEnvelope)
    .filter((event) => event.region === name);
  const deadLetters = (db.prepare('SELECT COUNT(*) AS n FROM bus_dead_letters').get() as { n: number }).n;
  return { name, items, orders, archivedOwnEvents, deadLetters };
}
