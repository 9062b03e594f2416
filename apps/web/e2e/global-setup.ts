import { buildIfStale } from '../src/build/build-if-stale';

/** The front door serves apps/web/dist, so the tests always run against a build of the current source. */
export default async function setup(): Promise<void> {
  await buildIfStale();
}
