import { rmSync } from 'node:fs';
import { convergeAndSettle } from './after-load';
import { settingsOrExit } from './command-line';
import { ControlPlane, PaymentsChaos } from './control-plane';
import { takeSnapshot } from './convergence';
import { errorMessage } from './http';
import type { FinalState, InvariantResult } from './invariant';
import { checkCompensationOneWay, checkTimeToSettle } from './invariants-compensation';
import { checkStock } from './invariants-money';
import { checkNoneStuck } from './invariants-orders';
import { checkInFlightAtOutage, checkOwedShownDuringOutage, type OutageLook } from './invariants-outage';
import { checkLedger, finalOrders, moneyByOrder } from './invariants-payments';
import { OUTAGE_USAGE, outageScenarioFromArgs } from './outage-scenario';
import { placeOrdersDirectly } from './place-orders';
import { type RunningPlatform, signIn, startPlatform } from './platform-control';
import { Progress, sleep } from './progress';
import { ProviderFaults } from './provider-faults';
import { RegionReader, readLedger } from './region-reader';
import { printReport, writeReport, writeSummary } from './report';
import { restockAndSettle } from './stock-setup';
import { supplyOf } from './verify';

/**
 * `npm run chaos:outage`: a long payment provider outage (120 s by default) over many orders in flight
 * (200). The provider is slowed so that no saga can finish, the orders are placed in every region at
 * once, and then the provider is killed -9 (or answers 503) for the whole outage. Halfway through, the
 * closed orders must show what they owe; once the provider is back every order must settle (each
 * CONFIRMED one captured once, each FAILED one holding nothing) within the bound, and the time it took
 * is reported. Exits non-zero when anything fails; writes its verdict like the chaos suite.
 */
const LABELS = [
  ['ordersAcknowledged', 'orders acknowledged (202)'],
  ['outcomes', 'final statuses'],
  ['outageMs', 'provider outage (ms)'],
  ['ordersOwedWhenProviderBack', 'orders owing money when the provider was back'],
  ['timeToSettleMs', 'time to settle after the provider was back (ms)'],
] as const;

const scenario = settingsOrExit(process.argv.slice(2), outageScenarioFromArgs, OUTAGE_USAGE);
const RUN_STARTED_AT = Date.now();
const progress = new Progress();
let platform: RunningPlatform | undefined;

async function fail(reason: string): Promise<never> {
  progress.warn(`outage run aborted: ${reason}`);
  const running = platform;
  platform = undefined;
  await running?.stop().catch(() => undefined);
  if (scenario.summaryFile) writeSummary(scenario.summaryFile, 0, 1);
  if (running) progress.warn(`platform data and logs kept in ${running.dataDir}`);
  process.exit(1);
}

setTimeout(
  () => void fail(`over the ${scenario.totalBudgetMs / 1000} s budget`),
  scenario.totalBudgetMs,
).unref();
process.on('SIGINT', () => void fail('interrupted'));
process.on('SIGTERM', () => void fail('terminated'));

async function main(): Promise<number> {
  const runId = `outage-${Date.now().toString(36)}`;
  progress.phase(`start the platform: ${scenario.regions.join(', ')} (run ${runId})`);
  platform = await startPlatform(scenario.regions);
  const { urls, dataDir } = platform;
  const { adminToken, paymentsApiKey, regionKey } = platform.credentials;
  const readers = scenario.regions.map(
    (name) => new RegionReader(name, urls.regions[name] ?? '', adminToken, regionKey),
  );
  const payments = new PaymentsChaos(urls.payments, paymentsApiKey);
  const faults = new ProviderFaults(new ControlPlane(urls.control, adminToken), payments, progress);
  const tokens = Object.fromEntries(
    await Promise.all(
      ['alice', 'bob', 'carol'].map(async (user) => [user, await signIn(urls.frontDoor, user)] as const),
    ),
  );
  progress.phase('restock');
  await restockAndSettle({
    frontDoor: urls.frontDoor,
    adminToken,
    readers,
    dataDir,
    progress,
    scarceSku: 'CLOCK-001',
    ...scenario,
  });

  progress.phase(
    `slow the provider to ${scenario.slowLatencyMs} ms per call, place ${scenario.orders} orders in ${scenario.regions.join(', ')}`,
  );
  await payments.setLatencyMs(scenario.slowLatencyMs);
  const placed = await placeOrdersDirectly({ ...scenario, runId, readers, tokens });
  progress.info(`${placed.acknowledged.length} acknowledged, ${placed.refused.length} refused`);
  // Halfway between the first order's authorization and its capture: the early orders hold an
  // authorization with their capture on the way, the later ones wait for theirs; none has finished.
  await sleep(Math.max(0, placed.startedAt + 1.5 * scenario.slowLatencyMs - Date.now()));

  const outage = await faults.begin({ kind: scenario.fault, durationMs: scenario.outageMs }, 'outage suite');
  const providerBack = sleep(Math.max(0, outage.from + scenario.outageMs - Date.now())).then(() =>
    faults.end(outage),
  );
  await sleep(scenario.outageMs / 2);
  const look = await lookDuringOutage(readers, dataDir);
  progress.info(
    `halfway: ${
      look
        ? Object.entries(look.owedByRegion)
            .map(([region, s]) => `${region} owes ${s?.owed ?? '?'}`)
            .join(', ')
        : 'could not look'
    }`,
  );

  const after = await convergeAndSettle({
    readers,
    dataDir,
    acknowledged: new Set(placed.acknowledged.map((order) => order.orderId)),
    convergenceMs: scenario.convergenceMs,
    providerBack,
    providerFaults: faults.records,
    settleBoundMs: scenario.settleBoundMs,
    // Room left to verify and stop within the budget: a run that cannot settle in time fails, not aborts.
    waitAtMostUntil: RUN_STARTED_AT + scenario.totalBudgetMs - 30_000,
    paymentsUrl: urls.payments,
    paymentsApiKey,
    progress,
  });

  progress.phase('verify');
  const [snapshot, ledger, products] = await Promise.all([
    takeSnapshot(readers, dataDir),
    readLedger(urls.payments, paymentsApiKey),
    Promise.all(readers.map(async (reader) => [reader.region, await reader.products()] as const)),
  ]);
  const state = {
    snapshot,
    products: Object.fromEntries(products),
    ledger,
    acknowledged: placed.acknowledged,
    supply: supplyOf(scenario.restocks),
  } as unknown as FinalState;
  const orders = finalOrders(state);
  const money = moneyByOrder(ledger);
  // The outage outlasts the convergence, so the first look at settling comes as the provider is back.
  const firstLook = after.settlement?.firstLook;
  const owedWhenBack =
    firstLook && after.providerBackAt !== null && firstLook.at - after.providerBackAt < 5_000
      ? firstLook.owed
      : null;
  const timeToSettle = checkTimeToSettle({
    providerBackAt: after.providerBackAt,
    wait: after.settlement,
    owedWhenBack,
    boundMs: scenario.settleBoundMs,
    orders,
    money,
    faults: faults.records,
  });
  const rows: InvariantResult[] = [
    checkInFlightAtOutage({
      expected: scenario.orders,
      acknowledged: placed.acknowledged,
      orders: new Map(orders.map((order) => [order.orderId, order])),
      outageFrom: outage.confirmedAt,
    }),
    checkOwedShownDuringOutage(look, outage.confirmedAt),
    after.convergedRow,
    timeToSettle.row,
    checkNoneStuck(state).row,
    checkCompensationOneWay(orders),
    ...checkLedger(state),
    ...checkStock(state).rows,
  ];
  const exits = [...platform.exits];
  await platform.stop();
  platform = undefined;

  const checks = rows.filter((row) => !row.informational);
  const passed = checks.filter((row) => row.passed).length;
  const statuses: Record<string, number> = {};
  for (const order of orders) statuses[order.status] = (statuses[order.status] ?? 0) + 1;
  const report = {
    at: new Date().toISOString(),
    command: `npm run chaos:outage -- --regions ${scenario.regions.join(',')} --orders ${scenario.orders} --seconds ${scenario.outageMs / 1000} --fault ${scenario.fault}`,
    passed: passed === checks.length,
    invariantsPassed: passed,
    invariantsFailed: checks.length - passed,
    metrics: {
      ordersAcknowledged: placed.acknowledged.length,
      outcomes: JSON.stringify(statuses),
      outageMs: outage.until === null ? null : outage.until - outage.from,
      ordersOwedWhenProviderBack: owedWhenBack,
      timeToSettleMs: timeToSettle.timeToSettleMs,
    },
    invariants: rows,
    context: {
      scenario: { ...scenario, summaryFile: undefined },
      runId,
      dataDir,
      outage,
      look: look && { at: look.at, owedByRegion: look.owedByRegion },
      processExits: exits,
      phases: progress.phases,
    },
  };
  printReport(report, LABELS);
  progress.info(`report written to ${writeReport(report)}`);
  if (scenario.summaryFile) writeSummary(scenario.summaryFile, passed, checks.length - passed);
  if (report.passed && !scenario.keepData) rmSync(dataDir, { recursive: true, force: true });
  else progress.info(`platform data and logs kept in ${dataDir}`);
  return report.passed ? 0 : 1;
}

/** The orders and each region's settlement status, read while the provider is down. */
async function lookDuringOutage(
  readers: readonly RegionReader[],
  dataDir: string,
): Promise<OutageLook | null> {
  try {
    const snapshot = await takeSnapshot(readers, dataDir);
    const owedByRegion = Object.fromEntries(
      await Promise.all(
        readers.map(async (reader) => {
          const settlement = (await reader.status().catch(() => null))?.settlement;
          return [
            reader.region,
            settlement ? { owed: settlement.owed, oldestAgeMs: settlement.oldestAgeMs } : null,
          ] as const;
        }),
      ),
    );
    return { at: Date.now(), orders: finalOrders({ snapshot }), owedByRegion };
  } catch (error) {
    progress.warn(`could not look at the platform during the outage: ${errorMessage(error)}`);
    return null;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => fail(errorMessage(error)),
);
