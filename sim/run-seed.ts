import type { KnownBug } from './bugs/known-bugs';
import { FAULT_KINDS, type FaultKind } from './faults/fault-plan';
import { type FinalState, readRegionState } from './invariants/final-state';
import { checkMoneyAndShipments, checkWhatCustomersAreTold } from './invariants/money';
import { checkAcknowledged, checkNotifications, checkOneLiveOrderPerKey } from './invariants/orders';
import { checkReplicas, checkStock } from './invariants/stock';
import { INVARIANTS, type Violation } from './invariants/violation';
import { installLibraryTime } from './kernel/library-time';
import { Trace } from './kernel/trace';
import { unsettled } from './world/convergence';
import { SIMULATION_EPOCH, World } from './world/world';

export interface SeedOptions {
  seed: number;
  regions: 2 | 3;
  orders: number;
  bugs: ReadonlySet<KnownBug>;
  faults: ReadonlySet<FaultKind>;
  /** Keep the trace's lines (a replay); a plain run keeps only its hash. */
  keepTrace: boolean;
  /** How long after the heal the platform may take to settle before it counts as stuck (default 2 h). */
  settleLimitMs?: number;
}

export interface SeedResult {
  seed: number;
  hash: string;
  violations: Violation[];
  simulatedMs: number;
  healAtMs: number;
  realMs: number;
  tasks: number;
  messages: number;
  acknowledged: number;
  statuses: Record<string, number>;
  /** Why orders failed, by reason (the customer's words), most common first. */
  failures: Array<[string, number]>;
  trace: readonly string[];
}

export const ALL_FAULTS: ReadonlySet<FaultKind> = new Set(FAULT_KINDS);
const CHECK_EVERY_MS = 15_000;

/** Runs one seed: builds the world, lets it run through its faults and heal, then checks every invariant. */
export async function runSeed(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const trace = new Trace(options.keepTrace);
  const world = new World(options, trace);
  const { scheduler } = world;
  const restore = installLibraryTime(scheduler, (name) => world.runtimeOf(name));
  const onRejection = (reason: unknown) => world.unhandledRejection(reason);
  process.on('unhandledRejection', onRejection);
  const violations: Violation[] = [];
  try {
    await scheduler.run(SIMULATION_EPOCH + world.plan.healAtMs);
    const deadline = SIMULATION_EPOCH + world.plan.healAtMs + (options.settleLimitMs ?? 2 * 3_600_000);
    let reasons: string[] = ['not checked'];
    for (;;) {
      const end = await scheduler.run(Math.min(deadline, scheduler.now + CHECK_EVERY_MS));
      reasons = unsettled(world.regions);
      if (world.clients.busy > 0) reasons.push(`${world.clients.busy} client requests still going`);
      if (reasons.length === 0 || scheduler.now >= deadline || end === 'idle') break;
    }
    if (reasons.length > 0)
      violations.push({
        invariant: INVARIANTS.stuck,
        detail: `not settled ${((scheduler.now - SIMULATION_EPOCH - world.plan.healAtMs) / 60_000).toFixed(0)} min after the heal: ${reasons.slice(0, 6).join('; ')}`,
        subjects: [],
      });
    violations.push(...world.monitor.violations, ...world.images.violations);
    for (const failure of world.processErrors)
      violations.push({
        invariant: INVARIANTS.crashFree,
        detail: `${failure.process}: ${failure.error}`,
        subjects: [],
        at: failure.at,
      });
    violations.push(...checkFinalState(world));
  } finally {
    process.off('unhandledRejection', onRejection);
    restore();
  }
  const statuses: Record<string, number> = {};
  const failures = new Map<string, number>();
  for (const region of world.regions)
    for (const order of region.region ? readRegionState(region.name, region.region.db).orders : []) {
      statuses[order.status] = (statuses[order.status] ?? 0) + 1;
      const reason =
        order.status === 'FAILED' ? (order.failureReason ?? 'no reason').split(/[.:(]/)[0] : undefined;
      if (reason) failures.set(reason, (failures.get(reason) ?? 0) + 1);
    }
  world.close();
  return {
    seed: options.seed,
    hash: trace.hash(),
    violations,
    simulatedMs: scheduler.elapsed,
    healAtMs: world.plan.healAtMs,
    realMs: performance.now() - started,
    tasks: scheduler.tasksRun,
    messages: world.network.messages,
    acknowledged: world.clients.acknowledged.length,
    statuses,
    failures: [...failures].sort((a, b) => b[1] - a[1]),
    trace: trace.recorded,
  };
}

function checkFinalState(world: World): Violation[] {
  const regions = world.regions.filter((region) => region.region?.db.open);
  if (regions.length < world.regions.length) return [];
  const state: FinalState = {
    regions: regions.map((region) =>
      readRegionState(region.name, (region.region as NonNullable<typeof region.region>).db),
    ),
    authorizations: world.provider.authorizations(),
    ledger: world.provider.ledger(),
    bookings: world.carrier.service.allBookings(),
    acknowledged: world.clients.acknowledged,
    supplyKnown: new Map(
      world.catalog.map(({ sku, stock }) => [
        sku,
        {
          atLeast: stock + (world.clients.restocked.get(sku) ?? 0),
          atMost: stock + (world.clients.restockAsked.get(sku) ?? 0),
        },
      ]),
    ),
  };
  return [
    ...checkAcknowledged(state),
    ...checkOneLiveOrderPerKey(state),
    ...checkStock(state),
    ...checkMoneyAndShipments(state),
    ...checkWhatCustomersAreTold(state),
    ...checkNotifications(state),
    ...checkReplicas(state),
  ];
}
