import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on: the OS picks it for a probe that is closed again. Another process
 * may take it before the test does; the race is acceptable in tests.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('the probe has no port');
  return address.port;
}
