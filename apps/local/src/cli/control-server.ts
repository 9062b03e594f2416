import { join } from 'node:path';
import { Hono } from 'hono';
import { type LocalConfig, REPO_ROOT } from '../config/local-config';
import type { ProcessSupervisor } from './process-supervisor';
import { waitForHealthy } from './wait-for';

export const REGION_ENTRY = join(REPO_ROOT, 'apps/local/src/region/main.ts');

/**
 * The launcher's control plane (loopback only): kills a region with a real SIGKILL, starts it again,
 * and cuts or heals the replication link between regions. The CLI and the operations console use it.
 */
export function createControlServer(config: LocalConfig, supervisor: ProcessSupervisor) {
  let linkUp = true;
  const regionNamed = (name: string) => config.regions.find((region) => region.name === name);
  const startRegion = (name: string) =>
    supervisor.start({
      name,
      script: REGION_ENTRY,
      env: { MERIDIAN_REGION: name, MERIDIAN_LINK: linkUp ? 'up' : 'cut' },
    });
  const setLink = async (up: boolean) => {
    linkUp = up;
    const results = await Promise.all(
      config.regions
        .filter((region) => supervisor.isRunning(region.name))
        .map((region) =>
          fetch(`${region.url}/internal/link`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ up }),
            signal: AbortSignal.timeout(2000),
          })
            .then((response) => ({ region: region.name, ok: response.ok }))
            .catch(() => ({ region: region.name, ok: false })),
        ),
    );
    return { link: up ? 'up' : 'cut', regions: results };
  };

  const app = new Hono();
  app.get('/status', (c) =>
    c.json({
      link: linkUp ? 'up' : 'cut',
      regions: config.regions.map((region) => ({
        name: region.name,
        url: region.url,
        running: supervisor.isRunning(region.name),
        pid: supervisor.pid(region.name) ?? null,
      })),
      // This launcher and every process it manages (payments, front door, regions): benchmarks read
      // their CPU time.
      processes: [{ name: 'launcher', pid: process.pid }, ...supervisor.processes()],
    }),
  );
  app.post('/regions/:name/kill', async (c) => {
    const name = c.req.param('name');
    if (!regionNamed(name)) return c.json({ code: 'unknown_region', detail: `No region ${name}.` }, 404);
    const pid = supervisor.pid(name);
    const killed = await supervisor.kill(name, 'SIGKILL');
    return c.json({ region: name, killed, pid: pid ?? null, signal: 'SIGKILL' }, 202);
  });
  app.post('/regions/:name/start', async (c) => {
    const name = c.req.param('name');
    const region = regionNamed(name);
    if (!region) return c.json({ code: 'unknown_region', detail: `No region ${name}.` }, 404);
    if (supervisor.isRunning(name))
      return c.json({ region: name, started: false, detail: 'already running' }, 202);
    startRegion(name);
    await waitForHealthy(`${region.url}/api/v1/health`, `region ${name}`, 60_000);
    return c.json({ region: name, started: true, pid: supervisor.pid(name) ?? null }, 202);
  });
  app.post('/link/cut', async (c) => c.json(await setLink(false), 202));
  app.post('/link/heal', async (c) => c.json(await setLink(true), 202));
  return { app, startRegion };
}
