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
