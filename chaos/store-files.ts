import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import * as z from 'zod';

const transferSchema = z.object({
  transferId: z.string(),
  sku: z.string(),
  fromRegion: z.string(),
  toRegion: z.string(),
  quantity: z.number(),
});

export type TransferRecord = z.output<typeof transferSchema>;

export interface TransferTruth {
  /** Every transfer record any region holds (a sender's record may not have replicated yet). */
  transfers: TransferRecord[];
  /** Transfers the receiving region has not credited: units that are in no allotment yet. */
  uncredited: TransferRecord[];
  /** The idempotency records each region holds: customer#key → order id, by region. */
  idempotency: Record<string, Map<string, string>>;
}

/**
 * Ground truth no API exposes: stock transfer and credit records, read straight from each region's
 * SQLite file (read-only; WAL lets this run beside the live region). A transfer is in flight until the
 * receiving region holds its CREDIT record.
 */
export function readTransferTruth(dataDir: string, regions: readonly string[]): TransferTruth {
  const transfers = new Map<string, TransferRecord>();
  const credited = new Map<string, Set<string>>();
  const idempotency: Record<string, Map<string, string>> = {};
  for (const region of regions) {
    const file = join(dataDir, `${region}.sqlite`);
    credited.set(region, new Set());
    idempotency[region] = new Map();
    if (!existsSync(file)) continue;
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(
          "SELECT pk, sk, data FROM items WHERE sk LIKE 'TRANSFER#%' OR sk LIKE 'CREDIT#%' OR sk = 'IDEMPOTENCY'",
        )
        .all() as Array<{ pk: string; sk: string; data: string }>;
      for (const row of rows) {
        const data: unknown = JSON.parse(row.data);
        if (row.sk.startsWith('TRANSFER#')) {
          const transfer = transferSchema.parse(data);
          transfers.set(transfer.transferId, transfer);
        } else if (row.sk.startsWith('CREDIT#')) {
          credited.get(region)?.add(row.sk.slice('CREDIT#'.length));
        } else {
          const record = z.object({ orderId: z.string() }).parse(data);
          idempotency[region]?.set(row.pk.slice('IDEMPOTENCY#'.length), record.orderId);
        }
      }
    } finally {
      db.close();
    }
  }
  const all = [...transfers.values()];
  return {
    transfers: all,
    uncredited: all.filter((transfer) => !credited.get(transfer.toRegion)?.has(transfer.transferId)),
    idempotency,
  };
}

/** One NOTIFICATION# item as a region stores it, with the region whose write it holds. */
export interface NotificationItem {
  notificationId: string;
  orderId: string | null;
  writerRegion: string;
}

/** A replication conflict a region recorded (two regions wrote the same item concurrently). */
export interface StoreConflict {
  pk: string;
  localWriter: string;
  remoteWriter: string;
  winner: string;
}

export interface NotificationStore {
  items: NotificationItem[];
  conflicts: StoreConflict[];
}

/**
 * Who wrote each notification, which no API exposes: the NOTIFICATION# items of each region's SQLite
 * file with their writer region, and the replication conflicts the region recorded on such items.
 */
export function readNotificationStore(
  dataDir: string,
  regions: readonly string[],
): Record<string, NotificationStore> {
  const stores: Record<string, NotificationStore> = {};
  for (const region of regions) {
    const file = join(dataDir, `${region}.sqlite`);
    if (!existsSync(file)) throw new Error(`no store file for ${region} (${file})`);
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      const items = db
        .prepare(
          `SELECT substr(pk, length('NOTIFICATION#') + 1) AS notificationId,
             json_extract(data, '$.orderId') AS orderId, writer_region AS writerRegion
           FROM items WHERE pk LIKE 'NOTIFICATION#%'`,
        )
        .all() as NotificationItem[];
      const conflicts = db
        .prepare(
          `SELECT pk, local_writer_region AS localWriter, remote_writer_region AS remoteWriter, winner
           FROM replication_conflicts WHERE pk LIKE 'NOTIFICATION#%'`,
        )
        .all() as StoreConflict[];
      stores[region] = { items, conflicts };
    } finally {
      db.close();
    }
  }
  return stores;
}
