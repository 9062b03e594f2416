import type { KnownBug } from './bugs/known-bugs';
import { FAULT_KINDS, type FaultKind } from './faults/fault-plan';
import { replayCommand } from './report';
import { runSeed, type SeedResult } from './run-seed';

interface ShrinkableRun {
  seed: number;
  regions: 2 | 3;
  orders: number;
  bugs: ReadonlySet<KnownBug>;
  faults: ReadonlySet<FaultKind>;
  without: FaultKind[];
}

/**
 * Looks for a smaller run of the same seed that still breaks one of the same invariants: fewer orders
 * (halving, then narrowing), then one fault kind after another left out. Each stream of chance is forked
 * from the seed by purpose, so leaving out orders or a kind of fault keeps the rest of the run as it was.
 */
export async function shrink<T extends ShrinkableRun>(
  run: T,
  result: SeedResult,
  log: (line: string) => void,
): Promise<T> {
  const broken = new Set(result.violations.map((violation) => violation.invariant));
  const fails = async (candidate: T) => {
    const attempt = await runSeed({ ...candidate, keepTrace: false });
    const still = attempt.violations.some((violation) => broken.has(violation.invariant));
    log(`  shrink: ${replayCommand(candidate)} ${still ? 'still fails' : 'passes'}`);
    return still;
  };
  let best = run;
  let low = 0;
  while (best.orders > 1) {
    const half = { ...best, orders: Math.floor(best.orders / 2) };
    if (!(await fails(half))) {
      low = half.orders;
      break;
    }
    best = half;
  }
  while (best.orders - low > 1) {
    const middle = { ...best, orders: Math.floor((best.orders + low) / 2) };
    if (await fails(middle)) best = middle;
    else low = middle.orders;
  }
  for (const kind of FAULT_KINDS) {
    if (best.without.includes(kind)) continue;
    const without = [...best.without, kind];
    const candidate = {
      ...best,
      without,
      faults: new Set(FAULT_KINDS.filter((other) => !without.includes(other))),
    };
    if (await fails(candidate)) best = candidate;
  }
  return best;
}
