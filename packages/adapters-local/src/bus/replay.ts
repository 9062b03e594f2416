import type { Database } from 'better-sqlite3';
import type { ArchiveStore } from './archive-store';
import type { DeliveryStore } from './delivery-store';
import { type RegisteredRule, RuleRegistry } from './rule-registry';
import type { ReplayResult } from './types';

/** Archived events are re-sent a page at a time, one transaction per page. */
const REPLAY_PAGE_SIZE = 500;

export interface ReplayPlan {
  name: string;
  fromMs: number;
  toMs: number;
  rules: readonly RegisteredRule[];
}

/**
 * Re-sends the archived events with time in [fromMs, toMs) to the given rules. As on EventBridge, each
 * event carries `replay-name` both when matched (so a rule can exclude replays with
 * `"replay-name": [{ "exists": false }]`) and when delivered.
 */
export function replayArchive(
  db: Database,
  stores: { archive: ArchiveStore; deliveries: DeliveryStore },
  plan: ReplayPlan,
  nowMs: number,
): ReplayResult {
  let replayed = 0;
  let deliveries = 0;
  let after: [number, number] | undefined;
  const range = { fromMs: plan.fromMs, toMs: plan.toMs };
  for (;;) {
    const page = stores.archive.page(range, after, REPLAY_PAGE_SIZE);
    db.transaction(() => {
      for (const row of page) {
        const event = { ...(JSON.parse(row.eventJson) as Record<string, unknown>), 'replay-name': plan.name };
        const targets = RuleRegistry.targetsMatching(plan.rules, event);
        stores.deliveries.enqueue(row.seq, targets, plan.name, nowMs);
        deliveries += targets.length;
      }
    })();
    replayed += page.length;
    const last = page.at(-1);
    if (last === undefined || page.length < REPLAY_PAGE_SIZE) break;
    after = [last.eventTimeMs, last.seq];
  }
  stores.archive.completeReplay(plan.name, replayed, nowMs);
  return { replayed, deliveries };
}
