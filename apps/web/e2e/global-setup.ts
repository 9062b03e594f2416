import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfStale } from '../src/build/build-if-stale';
import { SCREENSHOT_DIR } from './browser';

/** The front door serves apps/web/dist, so the tests always run against a build of the current source. */
export default async function setup(): Promise<void> {
  // A failure picture from an earlier run must not be mistaken for one from this run.
  const stale = (() => {
    try {
      return readdirSync(SCREENSHOT_DIR).filter((file) => file.startsWith('failed-'));
    } catch {
      return [];
    }
  })();
  for (const file of stale) rmSync(join(SCREENSHOT_DIR, file));
  await buildIfStale();
}
