import type { EventEnvelope } from '@meridian/contracts';
import type { ArchiveStore } from './archive-store';
import { assertLimit, decodeCursor, encodeCursor } from './cursor';
import type { DeliveryStore } from './delivery-store';
import { requireTimestampMs, toIso } from './timestamps';
import type { ArchivedEvent, DeadLetter, DeliveredEvent, Page, PendingDelivery } from './types';

// What an operator reads off the bus: pending deliveries, dead letters and the archive, a page at a time.

export function listPendingDeliveries(
  deliveries: DeliveryStore,
  options: { limit: number; cursor?: string },
): Page<PendingDelivery> {
  assertLimit(options.limit);
  const [afterId = 0] = options.cursor === undefined ? [] : decodeCursor('delivery', options.cursor, 1);
  const rows = deliveries.listPending(afterId, options.limit);
  const items = rows.map((row) => ({
    id: String(row.id),
    ruleName: row.ruleName,
    targetId: row.targetId,
    eventId: row.eventId,
    attempts: row.attempts,
    nextAttemptAt: toIso(row.nextAttemptAtMs),
    ...(row.lastError === null ? {} : { lastError: row.lastError }),
    inFlight: row.claimedAtMs !== null,
  }));
  return page(items, options.limit, () => encodeCursor('delivery', [rows.at(-1)?.id ?? afterId]));
}

export function listDeadLetters(
  deliveries: DeliveryStore,
  options: { limit: number; cursor?: string },
): Page<DeadLetter> {
  assertLimit(options.limit);
  const [afterId = 0] = options.cursor === undefined ? [] : decodeCursor('dead-letter', options.cursor, 1);
  const rows = deliveries.listDeadLetters(afterId, options.limit);
  const items = rows.map((row) => {
    const event = JSON.parse(row.eventJson) as DeliveredEvent;
    if (row.replayName !== null) event['replay-name'] = row.replayName;
    return {
      id: String(row.id),
      ruleName: row.ruleName,
      targetId: row.targetId,
      eventId: row.eventId,
      attempts: row.attempts,
      lastError: row.lastError,
      failedAt: toIso(row.failedAtMs),
      event,
    };
  });
  return page(items, options.limit, () => encodeCursor('dead-letter', [rows.at(-1)?.id ?? afterId]));
}

/** Archived events ordered by `time` (then arrival); `from` inclusive, `to` exclusive. */
export function listArchivedEvents(
  archive: ArchiveStore,
  options: {
    from?: string;
    to?: string;
    limit: number;
    cursor?: string;
  },
): Page<ArchivedEvent> {
  assertLimit(options.limit);
  const range = {
    fromMs: options.from === undefined ? Number.MIN_SAFE_INTEGER : requireTimestampMs(options.from, 'from'),
    toMs: options.to === undefined ? Number.MAX_SAFE_INTEGER : requireTimestampMs(options.to, 'to'),
  };
  let after: [number, number] | undefined;
  if (options.cursor !== undefined) {
    const [timeMs = 0, seq = 0] = decodeCursor('archive', options.cursor, 2);
    after = [timeMs, seq];
  }
  const rows = archive.page(range, after, options.limit);
  const items = rows.map((row) => ({
    event: JSON.parse(row.eventJson) as EventEnvelope,
    archivedAt: toIso(row.archivedAtMs),
  }));
  const last = rows.at(-1);
  return page(items, options.limit, () => encodeCursor('archive', last ? [last.eventTimeMs, last.seq] : []));
}

function page<T>(items: T[], limit: number, cursor: () => string): Page<T> {
  // A full page may be followed by more; an extra empty page is cheaper than a second count query.
  return items.length === limit ? { items, nextCursor: cursor() } : { items };
}
