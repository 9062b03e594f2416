import type { Clock } from '@meridian/domain';

/**
 * The domain's Clock port read from the machine's wall clock: the one place outside tools that reads
 * Date.now(). Composition roots inject it; a simulation or a test injects its own clock instead.
 */
export const systemClock: Clock = { now: () => Date.now() };
