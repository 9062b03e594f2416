import { Agent, request } from 'node:http';

/**
 * A flooding client as its own process (so that its work does not slow the test's own measurements):
 * `node --import tsx flooder.ts <url> <from-address> <connections> <ms> [token]` sends GETs as fast as its
 * kept-alive connections carry them, then prints one JSON line: how many of each status, and a sample of
 * the 429 answers' headers and codes.
 */
const [url = '', from = '127.0.0.2', connections = '16', ms = '4000', token] = process.argv.slice(2);
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

const until = Date.now() + Number(ms);
await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    while (Date.now() < until) await once();
  }),
);
agent.destroy();
process.stdout.write(`${JSON.stringify({ statuses, refusals })}\n`);
