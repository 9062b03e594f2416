import { createServer } from 'node:net';

/** Where a platform's processes listen: region n on `regionBase + n`. */
export interface PlatformPorts {
  frontDoor: number;
  payments: number;
  control: number;
  regionBase: number;
}

/** True when nothing listens on the port on any interface (the front door may bind 0.0.0.0). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '0.0.0.0', () => server.close(() => done(true)));
  });
}

async function osPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/**
 * Free ports for every listener, never the defaults: another platform may be running on this machine.
 * Regions need consecutive ports (region n = base + n), so the base is retried until the run is free.
 * Another process may still take a port before the platform does; the launcher then fails to start.
 */
export async function pickPlatformPorts(regionCount: number): Promise<PlatformPorts> {
  const taken = new Set<number>();
  const single = async () => {
    for (;;) {
      const port = await osPort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await osPort();
    if (base + regionCount > 65_000) continue;
    const run = Array.from({ length: regionCount }, (_, index) => base + index);
    const free = await Promise.all(run.map((port) => (taken.has(port) ? false : portIsFree(port))));
    if (free.every(Boolean)) {
      for (const port of run) taken.add(port);
      return {
        regionBase: base,
        frontDoor: await single(),
        payments: await single(),
        control: await single(),
      };
    }
  }
  throw new Error('no run of free consecutive ports for the regions');
}
