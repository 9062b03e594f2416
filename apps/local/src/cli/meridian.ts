import { parseArgs } from 'node:util';
import { loadLocalConfig } from '../config/local-config';
import type { EventLoopLoad } from '../region/event-loop-monitor';

const USAGE = `usage: npm run -s meridian -- <command>
  status [--json]          regions, health, which serves, replication lag, outbox and dead-letter depth,
                           event-loop load
  region kill <region>     SIGKILL a region process (a real crash)
  region start <region>    start a killed region again
  link cut | link heal     stop / resume replication and traffic between regions
  events tail              print every region's events as they are committed (Ctrl-C to stop)`;

const config = loadLocalConfig();
const frontDoor = `http://127.0.0.1:${config.frontDoorPort}`;

async function call(url: string, method = 'GET'): Promise<unknown> {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(90_000) }).catch(
    (error: unknown) => {
      throw new Error(
        `cannot reach ${url} (${error instanceof Error ? error.message : String(error)}); is \`npm start\` running?`,
      );
    },
  );
  const body = (await response.json()) as { detail?: string };
  if (!response.ok) throw new Error(body.detail ?? `${url} answered ${response.status}`);
  return body;
}

interface FrontDoorStatus {
  policy: unknown;
  serving: string | null;
  regions: Array<{
    name: string;
    url: string;
    healthy: boolean;
    link: string | null;
    replication: {
      peers: Array<{ lagMs: { p50?: number; p99?: number; max?: number }; lastPulledAgoMs?: number }>;
      conflicts: number;
    } | null;
    outboxDepth: number | null;
    deadLetters: number | null;
    eventLoop: EventLoopLoad | null;
  }>;
}

/** A connected peer answers a pull at least once a second; longer without one is worth showing. */
const STALE_PULL_MS = 3_000;

async function status(json: boolean): Promise<void> {
  const front = (await call(`${frontDoor}/frontdoor/status`)) as FrontDoorStatus;
  const control = (await call(`${config.controlUrl}/status`).catch(() => undefined)) as
    | { link: string; regions: Array<{ name: string; running: boolean; pid: number | null }> }
    | undefined;
  const regions = front.regions.map((region) => {
    const process = control?.regions.find((candidate) => candidate.name === region.name);
    const lags = region.replication?.peers ?? [];
    const worstOf = (values: Array<number | undefined>) => {
      const known = values.filter((value): value is number => value !== undefined);
      return known.length ? Math.max(...known) : null;
    };
    const worst = (key: 'p50' | 'p99' | 'max') => worstOf(lags.map((peer) => peer.lagMs[key]));
    return {
      region: region.name,
      url: region.url,
      process: process ? (process.running ? `running (pid ${process.pid})` : 'stopped') : 'unknown',
      healthy: region.healthy,
      serving: region.name === front.serving,
      link: region.link ?? control?.link ?? 'unknown',
      replicationLagMs: { p50: worst('p50'), p99: worst('p99'), max: worst('max') },
      // Lag is measured on the changes applied; while nothing arrives (a cut link, a dead peer) this
      // tells how long this region has heard nothing from its slowest peer.
      lastPulledAgoMs: worstOf(lags.map((peer) => peer.lastPulledAgoMs)),
      conflicts: region.replication?.conflicts ?? null,
      outboxDepth: region.outboxDepth,
      deadLetters: region.deadLetters,
      eventLoop: region.eventLoop,
    };
  });
  if (json) {
    console.log(
      JSON.stringify(
        { frontDoor, policy: front.policy, serving: front.serving, link: control?.link ?? null, regions },
        null,
        2,
      ),
    );
    return;
  }
  const rows = [
    [
      'REGION',
      'URL',
      'PROCESS',
      'HEALTH',
      'SERVES',
      'LINK',
      'LAG p50/p99 ms',
      'CONFLICTS',
      'OUTBOX',
      'DEAD LETTERS',
      'LOOP BUSY/p99',
    ],
    ...regions.map((r) => [
      r.region,
      r.url,
      r.process,
      r.healthy ? 'healthy' : 'UNHEALTHY',
      r.serving ? 'yes' : '',
      r.link,
      `${r.replicationLagMs.p50 ?? '-'}/${r.replicationLagMs.p99 ?? '-'}${
        (r.lastPulledAgoMs ?? 0) > STALE_PULL_MS
          ? ` (nothing pulled for ${Math.round((r.lastPulledAgoMs ?? 0) / 1000)} s)`
          : ''
      }`,
      String(r.conflicts ?? '-'),
      String(r.outboxDepth ?? '-'),
      String(r.deadLetters ?? '-'),
      r.eventLoop
        ? `${Math.round(r.eventLoop.utilization * 100)}%/${Math.round(r.eventLoop.delayMs.p99)}ms`
        : '-',
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
}

async function tailEvents(): Promise<void> {
  const response = await fetch(`${frontDoor}/frontdoor/events`);
  if (!response.body) throw new Error('no event stream');
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const message = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const lines = message.split('\n');
      const type =
        lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('');
      if (type === 'ready') {
        // Printed once the front door has found where every region's stream is: nothing after is missed.
        console.error(`tailing events from every region via ${frontDoor}/frontdoor/events (Ctrl-C to stop)`);
      } else if (data) {
        const event = JSON.parse(data) as {
          time: string;
          region: string;
          source: string;
          'detail-type': string;
          detail: { orderId?: string; sku?: string };
        };
        console.log(
          `${event.time}  ${event.region.padEnd(10)} ${event.source.padEnd(19)} ${event['detail-type'].padEnd(24)} ${event.detail.orderId ?? event.detail.sku ?? ''}`,
        );
      }
      boundary = buffer.indexOf('\n\n');
    }
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const [command, sub, name] = positionals;
  if (command === 'status') return status(values.json ?? false);
  if (command === 'region' && (sub === 'kill' || sub === 'start') && name) {
    console.log(
      JSON.stringify(await call(`${config.controlUrl}/regions/${encodeURIComponent(name)}/${sub}`, 'POST')),
    );
    return;
  }
  if (command === 'link' && (sub === 'cut' || sub === 'heal')) {
    console.log(JSON.stringify(await call(`${config.controlUrl}/link/${sub}`, 'POST')));
    return;
  }
  if (command === 'events' && sub === 'tail') return tailEvents();
  console.error(USAGE);
  process.exit(2);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
