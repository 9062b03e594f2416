import { InvalidEventError } from '@meridian/adapters-local';
import type { EventEnvelope } from '@meridian/contracts';

/**
 * Puts a peer's events on this region's bus. The peer's relay published them, so its own bus accepted
 * them: only a peer on another version can send one this bus refuses. Those are left off this region's
 * bus and logged with their ids (the peer's copy stays in its archive) rather than retried forever,
 * which would hold up every later event from that peer.
 */
export async function publishReplicatedEvents(
  bus: { putEvents(events: readonly EventEnvelope[]): Promise<unknown> },
  events: readonly EventEnvelope[],
  logger: { error(message: string, extra: Record<string, unknown>): void },
): Promise<void> {
  try {
    await bus.putEvents(events);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    const refused = new Set(error.issues.map((issue) => issue.index));
    logger.error('refused replicated events: left off this bus', {
      eventIds: events.filter((_, index) => refused.has(index)).map((event) => event.id),
      error: error.message,
    });
    const accepted = events.filter((_, index) => !refused.has(index));
    if (accepted.length > 0) await bus.putEvents(accepted);
  }
}
