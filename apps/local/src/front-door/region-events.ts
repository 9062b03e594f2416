import type { RegionTarget } from './health-checker';

/** The `from` the front door reads a region's event feed as: an observer, not a peer (a cut link does not blind it). */
const OBSERVER = 'observer';

export interface RegionEventsOptions {
  /** Pause before asking an unreachable (or failing) region again. */
  retryMs: number;
  /** How long a region holds a poll open while it has nothing new. */
  waitMs: number;
}

export const DEFAULT_REGION_EVENTS_OPTIONS: RegionEventsOptions = { retryMs: 1000, waitMs: 1000 };

/**
 * The seq of the last event a region committed (its head), or undefined when the region does not answer:
 * an unreachable region's position is unknown, never 0 (0 would mean "everything it still holds").
 */
export async function readHeadSeq(
  region: RegionTarget,
  signal: AbortSignal,
  headers: Record<string, string>,
): Promise<number | undefined> {
  const request = scopedSignal(signal, 1000);
  try {
    const response = await fetch(`${region.url}/internal/replication/events/head`, {
      headers,
      signal: request.signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const { seq } = (await response.json()) as { seq?: unknown };
    return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
  } catch {
    return undefined;
  } finally {
    request.done();
  }
}

/**
 * Delivers one region's committed events in order, each once, until `signal` aborts.
 *
 * `after` is the seq of the last event not to deliver. Undefined means the position is unknown (the region
 * did not answer when the stream began): the region's head is then read as soon as it answers, and the
 * events committed after that are delivered. After a failed poll (region down, restarting, stopping) the
 * feed resumes from the last event it delivered, never from the region's current head, so nothing
 * committed in between is skipped.
 */
export async function followRegionEvents(
  region: RegionTarget,
  after: number | undefined,
  deliver: (event: unknown) => Promise<void>,
  signal: AbortSignal,
  options: RegionEventsOptions,
  /** Authenticate the reads on the region's /internal routes (the regions' key). */
  headers: Record<string, string>,
): Promise<void> {
  let position = after;
  while (!signal.aborted) {
    if (position === undefined) {
      position = await readHeadSeq(region, signal, headers);
      if (position === undefined) await pause(options.retryMs, signal);
      continue;
    }
    // One controller per poll, unhooked when the poll ends: AbortSignal.any() on the stream's signal
    // (which lives as long as the client stays) keeps every combined signal reachable on Node 20.
    const poll = scopedSignal(signal, options.waitMs + 4000);
    try {
      const response = await fetch(
        `${region.url}/internal/replication/events?after=${position}&waitMs=${options.waitMs}&limit=200&from=${OBSERVER}`,
        { headers, signal: poll.signal },
      );
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`${region.name} answered ${response.status}`);
      }
      const body = (await response.json()) as { items: Array<{ seq: number; event: unknown }> };
      for (const item of body.items) {
        if (signal.aborted) return;
        if (item.seq <= position) continue;
        await deliver(item.event);
        position = item.seq;
      }
    } catch {
      // The region is down, restarting or stopping: keep trying, from the last event delivered, until
      // the client leaves.
      await pause(options.retryMs, signal);
    } finally {
      poll.done();
    }
  }
}

/** A signal that aborts after `timeoutMs` or with `parent`; `done()` unhooks it from the parent. */
function scopedSignal(parent: AbortSignal, timeoutMs: number): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (parent.aborted) controller.abort();
  else parent.addEventListener('abort', stop);
  const timer = setTimeout(stop, timeoutMs);
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', stop);
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const scoped = scopedSignal(signal, ms);
    scoped.signal.addEventListener(
      'abort',
      () => {
        scoped.done();
        resolve();
      },
      { once: true },
    );
  });
}
