import type { Database } from 'better-sqlite3';
import type { RegionProcess } from './region-process';

/**
 * Why the platform is not quiet yet (empty when it is): every order closed and settled in its own region,
 * no saga running, outboxes and bus deliveries drained, no duplicate key or reconciler watch open, every
 * peer's changes and events pulled, every transfer credited. Read straight from the regions' databases.
 */
export function unsettled(regions: readonly RegionProcess[]): string[] {
  const reasons: string[] = [];
  for (const process of regions) {
    const region = process.region;
    if (!region || !process.started) {
      reasons.push(`${process.name} is not serving`);
      continue;
    }
    const running = region.runner.counts().RUNNING ?? 0;
    if (running > 0) reasons.push(`${process.name}: ${running} sagas running`);
    const unpublished = region.relay.pendingCount();
    if (unpublished > 0) reasons.push(`${process.name}: ${unpublished} events unpublished`);
    const pending = region.bus.stats().pendingDeliveries;
    if (pending > 0) reasons.push(`${process.name}: ${pending} bus deliveries pending`);
    const db = region.db;
    const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
    const open = count(
      `SELECT COUNT(*) AS n FROM items WHERE sk = 'ORDER' AND json_extract(data, '$.region') = ?
         AND (json_extract(data, '$.status') = 'PENDING' OR json_extract(data, '$.settlement.status') = 'PENDING'
           OR (json_extract(data, '$.status') = 'CONFIRMED' AND json_extract(data, '$.cancelRequested') = 1))`,
      process.name,
    );
    if (open > 0) reasons.push(`${process.name}: ${open} orders open or owing`);
    for (const index of ['SETTLEMENTS_DUE', 'DUPLICATES_DUE', 'RECONCILE_DUE']) {
      const due = count('SELECT COUNT(*) AS n FROM items WHERE gsi1pk = ?', `${index}#${process.name}`);
      if (due > 0) reasons.push(`${process.name}: ${due} in ${index}`);
    }
    const uncredited = count(
      `SELECT COUNT(*) AS n FROM items t WHERE t.sk LIKE 'TRANSFER#%' AND json_extract(t.data, '$.toRegion') = ?
         AND NOT EXISTS (SELECT 1 FROM items c WHERE c.pk = t.pk AND c.sk = 'CREDIT#' || substr(t.sk, 10))`,
      process.name,
    );
    if (uncredited > 0) reasons.push(`${process.name}: ${uncredited} transfers not credited`);
    for (const peer of regions) {
      if (peer === process || !peer.region) continue;
      const head = headsOf(peer.region.db);
      const changes = region.replication.applier.cursor(peer.name, 'changes');
      const events = region.replication.applier.cursor(peer.name, 'events');
      if (changes < head.changes || events < head.events)
        reasons.push(
          `${process.name} behind ${peer.name} (changes ${changes}/${head.changes}, events ${events}/${head.events})`,
        );
    }
  }
  return reasons;
}

function headsOf(db: Database): { changes: number; events: number } {
  const changes = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM change_log').get() as { n: number }).n;
  const events = (
    db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM outbox WHERE rejected_reason IS NULL').get() as {
      n: number;
    }
  ).n;
  return { changes, events };
}
