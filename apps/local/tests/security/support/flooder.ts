import { Agent, request } from 'node:http';

/**
 * A flooding client as its own process (so that its work does not slow the test's own measurements):
 * `node --import tsx flooder.ts <url> <from-address> <connections> <ms> <per-second> [token]` sends GETs
 * over its kept-alive connections at `per-second` in all (or as fast as they carry them, if slower), then
 * prints one JSON line: how many of each status, and a sample of the 429 answers' headers and codes.
 */
const [url = '', from = '127.0.0.2', connections = '16', ms = '4000', perSecond = '2000', token] =
  process.argv.slice(2);
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
const statuses: Record<string, number> = {};
const refusals: Array<{ retryAfter: string | undefined; contentType: string | undefined; code: string }> = [];

const once = () =>
  new Promise<void>((resolve) => {
    const outgoing = request(
      {
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        agent,
        localAddress: from,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          const status = String(response.statusCode);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === '429' && refusals.length < 50)
            refusals.push({
              retryAfter: response.headers['retry-after'],
              contentType: response.headers['content-type'],
              code: String((JSON.parse(text) as { code?: unknown }).code),
            });
          resolve();
        });
      },
    );
    outgoing.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve();
    });
    outgoing.end();
  });

const started = Date.now();
const until = started + Number(ms);
let sent = 0;
await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    while (Date.now() < until) {
      // The next request's slot on a steady schedule: ahead of it, wait; behind it, send at once.
      const slot = started + (sent++ / Number(perSecond)) * 1000;
      if (slot > Date.now()) await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
      await once();
    }
  }),
);
agent.destroy();
process.stdout.write(`${JSON.stringify({ statuses, refusals })}\n`);
