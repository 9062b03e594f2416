import { InvalidEventError } from '@meridian/adapters-local';
import type { EventEnvelope } from '@meridian/contracts';
import { describe, expect, it, vi } from 'vitest';
import { publishReplicatedEvents } from './replicated-events';

const event = (id: string, detailType = 'OrderPlaced') =>
  ({ id, 'detail-type': detailType }) as unknown as EventEnvelope;

/** A bus that refuses, like LocalEventBus, every batch holding an event of a type it does not know. */
function busRefusing(detailType: string) {
  const published: string[] = [];
  return {
    published,
    async putEvents(events: readonly EventEnvelope[]) {
      const issues = events.flatMap((candidate, index) =>
        candidate['detail-type'] === detailType ? [{ index, message: 'unknown detail-type' }] : [],
      );
      if (issues.length > 0) throw new InvalidEventError(issues);
      published.push(...events.map((candidate) => candidate.id));
    },
  };
}

describe('publishReplicatedEvents', () => {
  it('publishes a batch the bus accepts as it is', async () => {
    const bus = busRefusing('FromTheFuture');
    const logger = { error: vi.fn() };

    await publishReplicatedEvents(bus, [event('e1'), event('e2')], logger);

    expect(bus.published).toEqual(['e1', 'e2']);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('leaves off the events the bus refuses and publishes the rest, in order', async () => {
    const bus = busRefusing('FromTheFuture');
    const logger = { error: vi.fn() };

    await publishReplicatedEvents(
      bus,
      [event('e1'), event('e2', 'FromTheFuture'), event('e3'), event('e4', 'FromTheFuture')],
      logger,
    );

    expect(bus.published).toEqual(['e1', 'e3']);
    expect(logger.error).toHaveBeenCalledWith(
      'refused replicated events: left off this bus',
      expect.objectContaining({ eventIds: ['e2', 'e4'] }),
    );
  });

  it('lets any other failure through, so the puller retries the batch', async () => {
    const bus = { putEvents: vi.fn().mockRejectedValue(new Error('database is locked')) };

    await expect(publishReplicatedEvents(bus, [event('e1')], { error: vi.fn() })).rejects.toThrow(
      'database is locked',
    );
  });
});
