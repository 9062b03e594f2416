import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, type RunningPlatform, signIn, startPlatform } from '@meridian/chaos/platform-control';
import { RegionReader } from '@meridian/chaos/region-reader';
import { frontDoorStatusSchema } from '@meridian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionStatus } from '../../src/cli/status-table';
import { httpRequest, newKey, orderBody, waitFor } from '../support/region-harness';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const CLI = join(REPO_ROOT, 'apps/local/src/cli/meridian.ts');
const run = promisify(execFile);

/** What `status --json` prints: the regions as the text table shows them, and the front door's view. */
interface StatusJson {
  frontDoor: string;
  serving: string | null;
  link: string | null;
  regions: RegionStatus[];
}

/**
 * The operator CLI (`npm run -s meridian -- …`) against the real launcher with three region processes:
 * what an operator types, and what it does to the processes, the front door and replication.
 */
describe('operator CLI against a running platform', () => {
  let platform: RunningPlatform;
  let token: string;

  /** Runs the CLI; `region start` waits for the region's health check, so it gets longer. */
  const meridian = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...platform.settings },
        timeout: args[1] === 'start' ? 60_000 : 20_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };
  const statusJson = async (): Promise<StatusJson> => {
    const result = await meridian('status', '--json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as StatusJson;
  };
  const frontDoorStatus = async () =>
    frontDoorStatusSchema.parse(
      await (
        await fetch(`${platform.urls.frontDoor}/frontdoor/status`, {
          headers: { authorization: `Bearer ${platform.credentials.adminToken}` },
        })
      ).json(),
    );
  const regionStatus = (status: StatusJson, name: string) => {
    const found = status.regions.find((region) => region.region === name);
    if (!found) throw new Error(`status lists no ${name}`);
    return found;
  };
  /** A keyed order through the front door; which region answered, and the order id. */
  const placeOrder = async () => {
    const response = await httpRequest<{ orderId: string }>(`${platform.urls.frontDoor}/api/v1/orders`, {
      token,
      json: orderBody(),
      headers: { 'idempotency-key': newKey('cli') },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const region = response.headers.get('x-meridian-region') ?? '';
    expect(REGIONS).toContain(region);
    return { region, orderId: response.body.orderId };
  };
  const holds = async (region: string, orderId: string) =>
    (await new RegionReader(
      region,
      platform.urls.regions[region] ?? '',
      token,
      platform.credentials.regionKey,
    ).order(orderId)) !== undefined;

  beforeAll(async () => {
    platform = await startPlatform(REGIONS);
    token = await signIn(platform.urls.frontDoor, 'alice');
  }, 120_000);

  afterAll(async () => {
    if (!platform) return;
    // The one region and the payment provider this file kills are the only processes that may have died.
    const exits = [...platform.exits];
    await platform.stop();
    rmSync(platform.dataDir, { recursive: true, force: true });
    expect(exits.filter((line) => !line.includes('us-east-1') && !line.includes('payments'))).toEqual([]);
  }, 30_000);

  it('status lists every region with its URL and process, as JSON and as a table', async () => {
    const status = await statusJson();
    expect(status.regions.map((region) => region.region)).toEqual(REGIONS);
    for (const region of status.regions) {
      expect(region.url).toBe(platform.urls.regions[region.region]);
      expect(region.process).toMatch(/^running \(pid \d+\)$/);
      expect(region).toMatchObject({ healthy: true, link: 'up' });
      // Each region process measures its own event loop.
      expect(region.eventLoop?.utilization).toBeGreaterThanOrEqual(0);
      expect(region.eventLoop?.utilization).toBeLessThanOrEqual(1);
      expect(region.eventLoop?.windowMs).toBeGreaterThan(0);
    }
    expect(status.serving).toBe('us-east-1');
    expect(status.regions.filter((region) => region.serving).map((region) => region.region)).toEqual([
      'us-east-1',
    ]);

    const table = await meridian('status');
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^REGION\s+URL\s+PROCESS\s+HEALTH\s+SERVES\s+LINK.*LOOP BUSY\/p99\s*$/);
    for (const name of REGIONS)
      expect(lines.find((line) => line.startsWith(name))).toMatch(/healthy.*\d+%\/\d+ms\s*$/);
  });

  it('region kill sends a real SIGKILL; the front door fails over; region start brings it back', async () => {
    const before = regionStatus(await statusJson(), 'us-east-1');
    const pid = Number(/pid (\d+)/.exec(before.process)?.[1]);
    expect(pid).toBeGreaterThan(0);

    const killed = await meridian('region', 'kill', 'us-east-1');
    expect(killed.code, killed.stderr).toBe(0);
    expect(JSON.parse(killed.stdout)).toMatchObject({ region: 'us-east-1', killed: true, signal: 'SIGKILL' });
    expect(() => process.kill(pid, 0)).toThrow();
    // A second kill finds nothing to kill: it says so and fails.
    const again = await meridian('region', 'kill', 'us-east-1');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ region: 'us-east-1', killed: false });
    expect(again.stderr.trim()).toBe('us-east-1 was not running: nothing was killed.');
    const placed = await placeOrder();
    expect(placed.region).not.toBe('us-east-1');
    await waitFor(
      async () =>
        (await frontDoorStatus()).regions.find((region) => region.name === 'us-east-1')?.healthy === false
          ? true
          : undefined,
      { what: 'the front door to mark us-east-1 unhealthy' },
    );
    expect(regionStatus(await statusJson(), 'us-east-1')).toMatchObject({
      process: 'stopped',
      healthy: false,
    });

    const started = await meridian('region', 'start', 'us-east-1');
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ region: 'us-east-1', started: true });
    await waitFor(async () => ((await frontDoorStatus()).serving === 'us-east-1' ? true : undefined), {
      timeoutMs: 15_000,
      what: 'us-east-1 to serve again',
    });
    const up = regionStatus(await statusJson(), 'us-east-1');
    expect(up.process).toMatch(/^running \(pid \d+\)$/);
    expect(up.process).not.toBe(before.process);
    // The order the other region accepted meanwhile is readable in the restarted region.
    await waitFor(async () => ((await holds('us-east-1', placed.orderId)) ? true : undefined), {
      what: 'the order to replicate to the restarted region',
    });
  }, 90_000);

  it('link cut stops replication between the regions; link heal resumes it', async () => {
    const cut = await meridian('link', 'cut');
    expect(cut.code, cut.stderr).toBe(0);
    expect((await statusJson()).regions.map((region) => region.link)).toEqual(['cut', 'cut', 'cut']);
    const placed = await placeOrder();
    const placedAt = Date.now();
    const elsewhere = REGIONS.filter((region) => region !== placed.region);
    // Long enough for replication to have delivered it (lag is tens of ms) had the link been up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const region of elsewhere) expect(await holds(region, placed.orderId)).toBe(false);
    // No change arrives while the link is cut, so no lag is measured: the status says how long each
    // region has pulled nothing instead.
    await waitFor(
      async () =>
        (await statusJson()).regions.every((region) => (region.lastPulledAgoMs ?? 0) > 3_000)
          ? true
          : undefined,
      { timeoutMs: 10_000, what: 'the status to show that nothing was pulled for 3 s' },
    );
    const cutTable = (await meridian('status')).stdout;
    for (const name of REGIONS)
      expect(cutTable.split('\n').find((line) => line.startsWith(name))).toMatch(/nothing pulled for \d+ s/);

    const healedAt = Date.now();
    const healed = await meridian('link', 'heal');
    expect(healed.code, healed.stderr).toBe(0);
    expect((await statusJson()).regions.map((region) => region.link)).toEqual(['up', 'up', 'up']);
    for (const region of elsewhere) {
      await waitFor(async () => ((await holds(region, placed.orderId)) ? true : undefined), {
        what: `the order to reach ${region} after the heal`,
      });
    }
    // Every region pulls again (each peer answers a pull at least once a second once connected).
    const after = await waitFor(
      async () => {
        const status = await statusJson();
        return status.regions.every((region) => (region.lastPulledAgoMs ?? 0) < 3_000) ? status : undefined;
      },
      { timeoutMs: 10_000, what: 'every region to pull again after the heal' },
    );
    // The order was written before placedAt and applied elsewhere after healedAt: its lag counts that.
    const lagOf = (name: string) => regionStatus(after, name).replicationLagMs.max ?? 0;
    for (const region of elsewhere) expect(lagOf(region)).toBeGreaterThanOrEqual(healedAt - placedAt);
  }, 60_000);

  it('events tail prints the events of every region as they are committed', async () => {
    const tail: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI, 'events', 'tail'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...platform.settings },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    tail.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    tail.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      // The banner comes once the front door knows where every region's stream stands (its `ready`).
      await waitFor(async () => (stderr.includes('tailing events') ? true : undefined), {
        timeoutMs: 30_000,
        what: 'the tail to start',
      });
      const placed = await placeOrder();
      const mine = () => stdout.split('\n').filter((line) => line.includes(placed.orderId));
      const lines = await waitFor(
        async () => (mine().some((line) => /OrderConfirmed|OrderFailed/.test(line)) ? mine() : undefined),
        { timeoutMs: 20_000, what: "the order's outcome in the tail" },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; the tail printed:\n${stdout.slice(-1500)}\n${stderr.slice(-500)}`);
      });
      expect(lines.find((line) => line.includes('OrderPlaced'))).toMatch(
        new RegExp(`^\\S+Z\\s+${placed.region}\\s+meridian\\.orders\\s+OrderPlaced\\s+${placed.orderId}$`),
      );
    } finally {
      tail.kill('SIGTERM');
    }
  }, 60_000);

  it('provider kill sends the payment simulator a real SIGKILL; provider start brings it back', async () => {
    const killed = await meridian('provider', 'kill');
    expect(killed.code, killed.stderr).toBe(0);
    expect(JSON.parse(killed.stdout)).toMatchObject({ process: 'payments', killed: true, signal: 'SIGKILL' });
    expect((await meridian('status')).stdout).toMatch(/payment provider http:\S+: STOPPED/);
    const again = await meridian('provider', 'kill');
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('the payment provider was not running: nothing was killed.');

    const started = await meridian('provider', 'start');
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ process: 'payments', started: true });
    expect((await statusJson()) as unknown).toMatchObject({ provider: { running: true } });
    // Orders go through again.
    const placed = await placeOrder();
    const reader = new RegionReader(
      placed.region,
      platform.urls.regions[placed.region] ?? '',
      token,
      platform.credentials.regionKey,
    );
    await waitFor(
      async () => ((await reader.order(placed.orderId))?.status === 'CONFIRMED' ? true : undefined),
      {
        timeoutMs: 20_000,
        what: 'an order to confirm after the provider restarted',
      },
    );
  }, 90_000);

  it('reconcile runs every region’s payment reconciler and prints what it did', async () => {
    const result = await meridian('reconcile');
    expect(result.code, result.stderr).toBe(0);
    for (const name of REGIONS)
      expect(result.stdout).toMatch(
        new RegExp(`^${name}: read \\d+ ledger entries, checked \\d+ orders: fixed 0, could not fix 0`, 'm'),
      );
  }, 60_000);

  it('refuses an unknown command with the usage, and an unknown region with a clear message', async () => {
    const unknown = await meridian('region', 'explode', 'us-east-1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "region explode"');
    expect(unknown.stderr).toContain('usage: npm run -s meridian -- <command>');
    const mars = await meridian('region', 'kill', 'mars-1');
    expect(mars.code).toBe(1);
    expect(mars.stderr.trim()).toBe('No region mars-1.');
  });
});
