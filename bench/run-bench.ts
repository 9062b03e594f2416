import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlStatus, RegionReplication } from '@meridian/contracts';
import { percentile } from '@meridian/contracts/percentile';
import { LocalIssuer } from '../apps/local/src/auth/local-issuer';
import { REPO_ROOT } from '../apps/local/src/config/local-config';
import { fetchJson, fetchText, withTimeout } from './support/bounded';
import { type LoadResult, loadBareServer, loadOrders, paceOrders } from './support/load';
import { startPlatform } from './support/platform';
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
const controlUrl = `http://127.0.0.1:${PORT + 11}`;

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

  const cpuBefore = await processCpuMs();
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
  await waitForIdle(180_000);

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

  const cpuAfter = await processCpuMs();
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
    const before = await processCpuMs();
    const offered = await paceOrders({
      url: platform.url,
      token: customer,
      seconds: SECONDS,
      ratePerSecond,
      keyPrefix,
      ...(homeRegions ? { homeRegions } : {}),
    });
    warnIfNotAllAccepted(offered);
    await waitForIdle(180_000);
    const after = await processCpuMs();
    return {
      offeredPerSecond: ratePerSecond,
      accepted: offered.acknowledged,
      cpuMsPerOrder: cpuPerOrder(before, after, offered.acknowledged),
      ...(await sagaTimings(offered.orderIds, admin)),
    };
  }

  /** A fixed-rate phase whose orders were not all accepted offered less than its rate: say so. */
  function warnIfNotAllAccepted(result: LoadResult): void {
    if (result.errors === 0 && result.non2xx === 0) return;
    say(
      `    warning: ${result.errors} orders failed or were not sent and ${result.non2xx} were refused; the sagas below are the ${result.acknowledged} accepted`,
    );
  }

  const lag = await replicationLag();
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

  const rss = await peakRss();
  say(`(f) peak RSS per region: ${rss.map((r) => `${r.region} ${r.peakMb} MB`).join(', ')}`);

  const failovers: number[] = [];
  for (let attempt = 1; attempt <= FAILOVER_TRIES; attempt++) {
    const ms = await measureFailover(customer, attempt);
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

async function withBareServer<T>(port: number, run: () => Promise<T>): Promise<T> {
  const server: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(${port}, '127.0.0.1', () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const up = new Promise<void>((resolve, reject) => {
    server.stdout?.once('data', () => resolve());
    server.once('error', (error) => reject(new Error(`(a) bare server could not start: ${error.message}`)));
    server.once('exit', (code, signal) =>
      reject(new Error(`(a) bare server exited before it was up (${signal ?? `code ${code}`})`)),
    );
  });
  try {
    await withTimeout(up, 10_000, `(a) bare server on port ${port} was not up within 10 s`);
    return await run();
  } finally {
    server.kill();
  }
}

/** Waits until no saga runs and nothing waits in an outbox, in every region. */
async function waitForIdle(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const statuses = await Promise.all(
      regions.map((region) =>
        fetchJson<{ executions: { RUNNING: number }; outbox: { unpublished: number } }>(
          `${region.url}/internal/status`,
          { headers: platform.internal },
        ),
      ),
    );
    if (statuses.every((status) => status.executions.RUNNING === 0 && status.outbox.unpublished === 0))
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('sagas did not finish in time');
}

async function sagaTimings(orderIds: string[], token: string) {
  const regionOf = (id: string) => regions.find((region) => id.endsWith(`_${region.name}`)) ?? regions[0];
  const orders: Array<{ status: string; timeline: Array<{ at: string }> }> = [];
  for (let i = 0; i < orderIds.length; i += 32) {
    const batch = orderIds.slice(i, i + 32);
    orders.push(
      ...(await Promise.all(
        batch.map((id) =>
          fetchJson<{ status: string; timeline: Array<{ at: string }> }>(
            `${regionOf(id)?.url}/api/v1/orders/${id}`,
            { headers: { authorization: `Bearer ${token}` } },
          ),
        ),
      )),
    );
  }
  const spans = orders.map((order) => {
    const times = order.timeline.map((entry) => Date.parse(entry.at));
    return { start: Math.min(...times), end: Math.max(...times) };
  });
  const durations = spans.map((span) => span.end - span.start);
  const window = spans.length
    ? Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))
    : 0;
  return {
    completed: orders.length,
    confirmed: orders.filter((order) => order.status === 'CONFIRMED').length,
    failed: orders.filter((order) => order.status !== 'CONFIRMED').length,
    completedPerSecond: window > 0 ? Math.round((orders.length / window) * 1000) : 0,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
  };
}

async function replicationLag() {
  const statuses = await Promise.all(
    regions.map((region) =>
      fetchJson<{ replication: RegionReplication }>(`${region.url}/internal/status`, {
        headers: platform.internal,
      }),
    ),
  );
  const peers = statuses.flatMap((status) => status.replication.peers);
  const worst = (key: 'p50' | 'p99') => Math.max(...peers.map((peer) => peer.lagMs[key] ?? 0));
  return { p50: worst('p50'), p99: worst('p99') };
}

/** CPU time (user + system, ms) each platform process has used so far, from /proc/<pid>/stat. */
async function processCpuMs(): Promise<Map<string, number>> {
  const control = await fetchJson<ControlStatus>(`${controlUrl}/status`, { headers: platform.admin });
  const ticksPerSecond = 100; // Linux USER_HZ
  const cpu = new Map<string, number>();
  for (const { name, pid } of control.processes) {
    if (!pid) continue;
    // Fields after the command name (which is in parentheses and may contain spaces): utime is the 14th
    // field of the line, stime the 15th.
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // The process ended since the status was read.
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    cpu.set(name, ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000);
  }
  // This process: the load tool (autocannon) and the benchmark's own polling.
  const own = process.cpuUsage();
  cpu.set('load tool', (own.user + own.system) / 1000);
  return cpu;
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

/** `front-door 0.4 ms, us-east-1 3.1 ms, …` for the progress lines. */
function describeCpu(perProcess: ReadonlyArray<{ process: string; ms: number }>): string {
  return perProcess.map((entry) => `${entry.process} ${entry.ms} ms`).join(', ');
}

/** Each process's CPU time between two readings, per order. */
function cpuPerOrder(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  orders: number,
): Array<{ process: string; ms: number }> {
  return [...after].map(([name, ms]) => ({
    process: name,
    ms: Math.round(((ms - (before.get(name) ?? 0)) / Math.max(1, orders)) * 100) / 100,
  }));
}

async function peakRss() {
  const control = await fetchJson<{ regions: Array<{ name: string; pid: number | null }> }>(
    `${controlUrl}/status`,
    { headers: platform.admin },
  );
  return control.regions.map((region) => {
    const status = region.pid ? readFileSync(`/proc/${region.pid}/status`, 'utf8') : '';
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { region: region.name, peakMb: Math.round(kb / 1024) };
  });
}

async function measureFailover(token: string, attempt: number): Promise<number> {
  const status = await fetchJson<{ serving: string | null }>(`${platform.url}/frontdoor/status`, {
    headers: platform.admin,
  });
  if (!status.serving) throw new Error(`(e) failover ${attempt}: the front door serves from no region`);
  const killedAt = Date.now();
  await fetchText(`${controlUrl}/regions/${status.serving}/kill`, {
    method: 'POST',
    headers: platform.admin,
  });
  let sequence = 0;
  for (;;) {
    const response = await fetch(`${platform.url}/api/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `failover-${attempt}-${sequence++}`,
      },
      body: JSON.stringify({
        items: [{ sku: 'MUG-001', quantity: 1 }],
        paymentMethod: 'pm_card_visa',
        shippingAddress: { name: 'B', line1: '1', city: 'X', postalCode: '1', country: 'US' },
      }),
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
    if (response?.status === 202) break;
    if (Date.now() - killedAt > 60_000) throw new Error('no successful order within 60 s of the kill');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const elapsed = Date.now() - killedAt;
  await fetchText(`${controlUrl}/regions/${status.serving}/start`, {
    method: 'POST',
    headers: platform.admin,
  });
  // Let the health checker see the region again before the next try.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  return elapsed;
}
