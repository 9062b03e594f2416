import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from '@meridian/contracts/percentile';
import { LocalIssuer } from '@meridian/local/auth/local-issuer';
import { REPO_ROOT } from '@meridian/local/config/local-config';
import { withBareServer } from './support/bare-server';
import { fetchText } from './support/bounded';
import { type LoadResult, loadBareServer, loadOrders, paceOrders } from './support/load';
import { startPlatform } from './support/platform';
import {
  type BenchTarget,
  measureFailover,
  replicationLag,
  sagaTimings,
  waitForIdle,
} from './support/platform-probes';
import { cpuPerOrder, describeCpu, peakRss, processCpuMs } from './support/process-usage';
import { type BenchResult, renderSummary } from './support/summary';

/**
 * `npm run bench`: one run on this machine of (a) a bare node:http ceiling, (b) order intake through the
 * front door (acknowledged orders per second), (c) completed sagas at half that rate with accept→terminal
 * latency, (d) replication lag over the last minute, read at the end of (c), (g) latency at a light
 * load, (h) (c) again with both regions serving (orders homed in each in turn), (f) peak RSS per region,
 * and (e) failover time after a SIGKILL of the serving region. Writes bench/results/<timestamp>.json and
 * .md. Loads only 127.0.0.1; every phase is bounded: every request and wait has a timeout that fails the
 * run with a message naming what it waited for.
 */
const USAGE = `usage: npm run bench   (no options; settings from the environment)
  BENCH_SECONDS=10          length of each load phase
  BENCH_CONNECTIONS=32      concurrent connections of (a) and (b)
  BENCH_FAILOVER_TRIES=3    how many times the serving region is killed for (e)
  BENCH_LIGHT_RATE=50       orders per second of the light-load phase (g)`;
const args = process.argv.slice(2);
if (args.length > 0) {
  const help = args.includes('--help') || args.includes('-h');
  (help ? console.log : console.error)(help ? USAGE : `unknown argument ${args[0]}\n\n${USAGE}`);
  process.exit(help ? 0 : 2);
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FAILOVER_TRIES = Number(process.env.BENCH_FAILOVER_TRIES ?? 3);
const LIGHT_RATE = Number(process.env.BENCH_LIGHT_RATE ?? 50);
const PORT = 18180;
const started = Date.now();
const say = (message: string) =>
  console.log(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);

mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
// Home-region routing with us-east-1 as the default: orders without a home header all go to us-east-1,
// exactly as failover with that primary would send them, and (h) can home orders in both regions.
const platform = await startPlatform(PORT, {
  MERIDIAN_REGIONS: 'us-east-1,eu-west-1',
  MERIDIAN_ROUTING: 'home-region',
  MERIDIAN_PRIMARY_REGION: 'us-east-1',
});
const regions = [
  { name: 'us-east-1', url: `http://127.0.0.1:${PORT + 1}` },
  { name: 'eu-west-1', url: `http://127.0.0.1:${PORT + 2}` },
];
const bench: BenchTarget = { platform, regions, controlUrl: `http://127.0.0.1:${PORT + 11}` };

try {
  say(`platform up at ${platform.url} (data ${platform.dataDir})`);
  const issuer = await LocalIssuer.open(join(platform.dataDir, 'issuer-keys.json'));
  const [customer, admin] = [await issuer.issue('alice'), await issuer.issue('admin')];
  // The API accepts at most 1,000,000 units per restock.
  for (const sku of ['MUG-001', 'NOTE-001', 'MUG-001', 'NOTE-001'])
    await fetchText(`${platform.url}/api/v1/admin/products/${sku}/restock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1_000_000 }),
    });

  say(`(a) bare node:http ceiling, ${SECONDS} s, ${CONNECTIONS} connections`);
  const bare = await withBareServer(PORT + 19, () =>
    loadBareServer(`http://127.0.0.1:${PORT + 19}/`, SECONDS, CONNECTIONS),
  );
  say(`    ${bare} req/s`);

  const cpuBefore = await processCpuMs(bench);
  say(`(b) order intake through the front door, ${SECONDS} s, ${CONNECTIONS} connections`);
  const intake = await loadOrders({
    url: platform.url,
    token: customer,
    seconds: SECONDS,
    connections: CONNECTIONS,
    keyPrefix: 'intake',
  });
  say(
    `    ${intake.acknowledgedPerSecond} orders/s acknowledged (${intake.acknowledged} in ${intake.seconds} s), p50 ${intake.latencyMs.p50} ms, p99 ${intake.latencyMs.p99} ms; waiting for their sagas`,
  );
  if (intake.non2xx > 0 || intake.errors > 0)
    say(`    warning: ${intake.non2xx} orders were refused (non-2xx) and ${intake.errors} got no answer`);
  if (intake.acknowledged === 0) throw new Error('(b) no order was acknowledged: nothing to measure');
  await waitForIdle(bench, 180_000);

  // Half of the orders (b) acknowledged per second, not of all its answers: refusals are not intake.
  const rate = Math.max(1, Math.floor(intake.acknowledgedPerSecond / 2));
  for (const region of regions)
    await fetchText(`${region.url}/internal/replication/reset-lag`, {
      method: 'POST',
      headers: platform.internal,
    });
  say(`(c) sagas at a fixed offered rate of ${rate} orders/s for ${SECONDS} s`);
  const sagas = await sagasAtRate(rate, 'steady');
  say(
    `    ${sagas.completedPerSecond} sagas/s, accept→terminal p50 ${sagas.p50} ms, p99 ${sagas.p99} ms (${sagas.confirmed} confirmed, ${sagas.failed} failed)`,
  );

  const cpuAfter = await processCpuMs(bench);
  const accepted = intake.acknowledged + sagas.accepted;
  const cpuMsPerOrder = cpuPerOrder(cpuBefore, cpuAfter, accepted);
  say(`    CPU per order: ${describeCpu(cpuMsPerOrder)} (${accepted} orders)`);

  /**
   * Offers orders at a fixed rate for one phase, waits for their sagas, and times them. Its CPU per
   * order covers the load and the sagas, not the reading back of the orders for their timings.
   */
  async function sagasAtRate(
    ratePerSecond: number,
    keyPrefix: string,
    homeRegions?: readonly string[],
  ): Promise<BenchResult['sagas']> {
    const before = await processCpuMs(bench);
    const offered = await paceOrders({
      url: platform.url,
      token: customer,
      seconds: SECONDS,
      ratePerSecond,
      keyPrefix,
      ...(homeRegions ? { homeRegions } : {}),
    });
    warnIfNotAllAccepted(offered);
    await waitForIdle(bench, 180_000);
    const after = await processCpuMs(bench);
    return {
      offeredPerSecond: ratePerSecond,
      accepted: offered.acknowledged,
      cpuMsPerOrder: cpuPerOrder(before, after, offered.acknowledged),
      ...(await sagaTimings(bench, offered.orderIds, admin)),
    };
  }

  /** A fixed-rate phase whose orders were not all accepted offered less than its rate: say so. */
  function warnIfNotAllAccepted(result: LoadResult): void {
    if (result.errors === 0 && result.non2xx === 0) return;
    say(
      `    warning: ${result.errors} orders failed or were not sent and ${result.non2xx} were refused; the sagas below are the ${result.acknowledged} accepted`,
    );
  }

  const lag = await replicationLag(bench);
  say(
    `(d) replication lag over the last minute, read at the end of (c): p50 ${lag.p50} ms, p99 ${lag.p99} ms`,
  );

  // When (c) offered more than the sagas complete, its latency is mostly queueing: measure once more at
  // 80 % of the completion rate (c) reached, to show the latency of a region that keeps up.
  let sustainable: BenchResult['sustainable'];
  if (sagas.completedPerSecond < rate * 0.95) {
    const keptUp = Math.max(1, Math.floor(sagas.completedPerSecond * 0.8));
    say(`(c') sagas at ${keptUp} orders/s (80 % of what (c) completed) for ${SECONDS} s`);
    sustainable = await sagasAtRate(keptUp, 'paced');
    say(
      `    ${sustainable.completedPerSecond} sagas/s, accept→terminal p50 ${sustainable.p50} ms, p99 ${sustainable.p99} ms`,
    );
  }

  // What one order waits when the region is not busy: the floor under the latencies of (c).
  say(`(g) accept → terminal at a light load of ${LIGHT_RATE} orders/s for ${SECONDS} s`);
  const lightLoad = await sagasAtRate(LIGHT_RATE, 'light');
  say(
    `    accept→terminal p50 ${lightLoad.p50} ms, p99 ${lightLoad.p99} ms (${lightLoad.confirmed} confirmed)`,
  );

  // Active-active: the same offered rate as (c), each order homed in one of the regions in turn, so
  // both regions serve orders (and replicate each other's) instead of one serving and one replicating.
  say(`(h) active-active: ${rate} orders/s as in (c), orders homed in each region in turn, ${SECONDS} s`);
  const activeActive = await sagasAtRate(
    rate,
    'both',
    regions.map((region) => region.name),
  );
  say(
    `    ${activeActive.completedPerSecond} sagas/s, accept→terminal p50 ${activeActive.p50} ms, p99 ${activeActive.p99} ms; CPU per order: ${describeCpu(activeActive.cpuMsPerOrder)} ((c): ${describeCpu(sagas.cpuMsPerOrder)})`,
  );

  const rss = await peakRss(bench);
  say(`(f) peak RSS per region: ${rss.map((r) => `${r.region} ${r.peakMb} MB`).join(', ')}`);

  const failovers: number[] = [];
  for (let attempt = 1; attempt <= FAILOVER_TRIES; attempt++) {
    const ms = await measureFailover(bench, customer, attempt);
    failovers.push(ms);
    say(`(e) failover ${attempt}/${FAILOVER_TRIES}: first successful order ${ms} ms after SIGKILL`);
  }

  const result: BenchResult = {
    at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    settings: {
      seconds: SECONDS,
      connections: CONNECTIONS,
      lightRate: LIGHT_RATE,
      sagaConcurrency: process.env.MERIDIAN_SAGA_CONCURRENCY ?? 'default',
      routing: 'home-region, default us-east-1',
      commit: currentCommit(),
    },
    bareHttpRequestsPerSecond: bare,
    intake: {
      ordersPerSecond: intake.acknowledgedPerSecond,
      acknowledged: intake.acknowledged,
      seconds: intake.seconds,
      latencyMs: intake.latencyMs,
      non2xx: intake.non2xx,
      errors: intake.errors,
    },
    sagas,
    ...(sustainable ? { sustainable } : {}),
    lightLoad,
    activeActive,
    replicationLagMs: lag,
    failoverMs: { tries: failovers, median: percentile(failovers, 50) },
    peakRssMb: rss,
    cpuMsPerOrder,
  };
  const stamp = result.at.replace(/[:.]/g, '-');
  writeFileSync(join(REPO_ROOT, 'bench/results', `${stamp}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(REPO_ROOT, 'bench/results', `${stamp}.md`), renderSummary(result));
  console.log(`\n${renderSummary(result)}\nWritten to bench/results/${stamp}.json and .md`);
} finally {
  await platform.stop();
}

/** The commit measured (with "+changes" when the tree differs from it), so a result names its build. */
function currentCommit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
}
