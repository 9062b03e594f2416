import { parseArgs } from 'node:util';
import { controlStatusSchema, frontDoorStatusSchema } from '@meridian/contracts';
import { readEventStream } from '@meridian/contracts/event-stream';
import type * as z from 'zod';
import { type LocalConfig, loadLocalConfig } from '../config/local-config';
import { adminAuthorization, printSignInLink } from './cli-auth';

export const USAGE = `usage: npm run -s meridian -- <command>
  status [--json]          regions, health, which serves, replication lag, outbox and dead-letter depth,
                           event-loop load
  region kill <region>     SIGKILL a region process (a real crash); exits 1 if it was not running
  region start <region>    start a killed region again and wait until it is healthy (nothing to do, exit 0,
                           if it is running); exits 1 if it does not come up
  link cut | link heal     stop / resume replication and traffic between regions; exits 1 if a running
                           region did not take the switch
  events tail              print every region's events as they are committed (Ctrl-C to stop); exits 1 if
                           the stream is lost
  provider kill            SIGKILL the payment provider simulator (orders then retry, and compensations
                           they cannot finish are owed until it is back); exits 1 if it was not running
  provider start           start it again and wait until it is healthy
  reconcile                run every region's payment reconciler now and print what it fixed; exits 1 if
                           a region could not be reached or something could not be fixed
  sign-in-link             print a new one-time link that signs a browser in to the operations console
Commands act as the admin, with a token signed by the key in MERIDIAN_DATA_DIR (the one \`npm start\` uses).
Exit codes: 0 done, 1 failed, 2 usage error.`;

/** Where the CLI writes, and the environment it reads its settings from. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

/** A failure the CLI reports as one line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** fetch's own message is only "fetch failed": the reason (ECONNREFUSED …) is its cause. */
function fetchFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as unknown) : undefined;
  return cause instanceof Error && cause.message ? `${message(error)}: ${cause.message}` : message(error);
}

function unreachable(url: string, error: unknown): CliError {
  if (error instanceof Error && error.name === 'TimeoutError')
    return new CliError(`${url} did not answer in time; is \`npm start\` running?`);
  return new CliError(`cannot reach ${url} (${fetchFailure(error)}); is \`npm start\` running?`);
}

const shorten = (text: string, max = 300) => {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/**
 * One request to the front door or the control server. A refusal is reported with the server's own
 * `detail` when it sent a JSON problem, else with the status and the start of what it sent.
 */
async function call(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
  dataDir?: string,
): Promise<unknown> {
  const response = await fetch(url, { method, headers, signal: AbortSignal.timeout(90_000) }).catch(
    (error: unknown) => {
      throw unreachable(url, error);
    },
  );
  const text = await response.text().catch((error: unknown) => {
    throw new CliError(`lost the connection to ${url} while it answered (${fetchFailure(error)})`);
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status === 401 && headers.authorization === undefined && dataDir !== undefined)
    throw new CliError(
      `${method} ${url} needs an admin token, and ${dataDir} holds no Meridian key: run the CLI with the MERIDIAN_DATA_DIR \`npm start\` uses.`,
    );
  if (!response.ok) {
    const detail =
      body && typeof body === 'object' && typeof (body as { detail?: unknown }).detail === 'string'
        ? (body as { detail: string }).detail
        : undefined;
    throw new CliError(
      detail ?? `${method} ${url} answered ${response.status}${text.trim() ? `: ${shorten(text)}` : ''}`,
    );
  }
  if (body === undefined)
    throw new CliError(
      `${method} ${url} answered ${response.status} with no JSON: ${shorten(text) || '(empty)'}`,
    );
  return body;
}

/** An answer read with its schema: one clear line, naming the first thing that does not fit, if it does not. */
function readAs<T>(schema: z.ZodType<T>, url: string, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(
    `${url} answered something this CLI cannot read (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}); is it Meridian's front door, of the same version?`,
  );
}

/** A connected peer answers a pull at least once a second; longer without one is worth showing. */
const STALE_PULL_MS = 3_000;

interface Context {
  config: LocalConfig;
  frontDoor: string;
  io: CliIo;
  /** The admin's Authorization header; none when the data directory has no issuer key (nothing ran there). */
  admin: () => Promise<Record<string, string>>;
}

async function status({ config, frontDoor, io, admin }: Context, json: boolean): Promise<void> {
  const statusUrl = `${frontDoor}/frontdoor/status`;
  const front = readAs(
    frontDoorStatusSchema,
    statusUrl,
    await call(statusUrl, await admin(), 'GET', config.dataDir),
  );
  // The launcher's view of its processes is extra: without it the table says "unknown".
  const controlAnswer = await call(`${config.controlUrl}/status`, await admin()).catch(() => undefined);
  const control = controlStatusSchema.safeParse(controlAnswer).data;
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
      // Compensations closed orders still owe (retried until they succeed), and how long the oldest has.
      owed: region.settlement
        ? { orders: region.settlement.owed, oldestAgeMs: region.settlement.oldestAgeMs }
        : null,
      reconciler: region.reconciliation
        ? { fixed: region.reconciliation.fixedTotal, unresolved: region.reconciliation.unresolved.length }
        : null,
    };
  });
  if (json) {
    io.out(
      JSON.stringify(
        {
          frontDoor,
          policy: front.policy,
          serving: front.serving,
          link: control?.link ?? null,
          provider: control?.provider ?? null,
          regions,
        },
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
      'OWED',
      'RECONCILER',
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
      r.owed
        ? r.owed.orders === 0
          ? '0'
          : `${r.owed.orders} (oldest ${Math.round((r.owed.oldestAgeMs ?? 0) / 1000)} s)`
        : '-',
      r.reconciler ? `fixed ${r.reconciler.fixed}, unresolved ${r.reconciler.unresolved}` : '-',
      r.eventLoop
        ? `${Math.round(r.eventLoop.utilization * 100)}%/${Math.round(r.eventLoop.delayMs.p99)}ms`
        : '-',
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) io.out(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
  const provider = control?.provider;
  io.out(
    provider
      ? `payment provider ${provider.url}: ${provider.running ? `running (pid ${provider.pid})` : 'STOPPED (start it: provider start)'}`
      : 'payment provider: unknown (the launcher did not answer)',
  );
  if (front.serving === null) io.err('No region is healthy: none serves.');
}

async function region({ config, io, admin }: Context, action: 'kill' | 'start', name: string): Promise<void> {
  const answer = (await call(
    `${config.controlUrl}/regions/${encodeURIComponent(name)}/${action}`,
    await admin(),
    'POST',
    config.dataDir,
  )) as {
    killed?: boolean;
  };
  io.out(JSON.stringify(answer));
  if (action === 'kill' && answer.killed === false)
    throw new CliError(`${name} was not running: nothing was killed.`);
}

async function provider({ config, io, admin }: Context, action: 'kill' | 'start'): Promise<void> {
  const answer = (await call(
    `${config.controlUrl}/provider/${action}`,
    await admin(),
    'POST',
    config.dataDir,
  )) as {
    killed?: boolean;
  };
  io.out(JSON.stringify(answer));
  if (action === 'kill' && answer.killed === false)
    throw new CliError('the payment provider was not running: nothing was killed.');
}

interface ReconcileReport {
  ledgerEntriesRead: number;
  ordersChecked: number;
  waiting: number;
  fixed: Array<{ orderId: string; action: string; amountMinor: number }>;
  unresolved: Array<{ orderId: string; reason: string }>;
}

/** Runs each region's reconciler (the admin API of each region, directly) and prints what it did. */
async function reconcile({ config, io, admin }: Context): Promise<void> {
  const failed: string[] = [];
  for (const region of config.regions) {
    let report: ReconcileReport;
    try {
      report = (await call(
        `${region.url}/api/v1/admin/reconciliation`,
        await admin(),
        'POST',
        config.dataDir,
      )) as ReconcileReport;
    } catch (error) {
      io.err(`${region.name}: ${message(error)}`);
      failed.push(region.name);
      continue;
    }
    io.out(
      `${region.name}: read ${report.ledgerEntriesRead} ledger entries, checked ${report.ordersChecked} orders: ` +
        `fixed ${report.fixed.length}, could not fix ${report.unresolved.length}, ${report.waiting} still open`,
    );
    for (const fix of report.fixed) io.out(`  ${fix.action} ${fix.amountMinor} for ${fix.orderId}`);
    for (const problem of report.unresolved) io.out(`  NOT FIXED ${problem.orderId}: ${problem.reason}`);
    if (report.unresolved.length > 0) failed.push(region.name);
  }
  if (failed.length > 0)
    throw new CliError(`reconcile: ${failed.join(', ')} left something unresolved or did not answer`);
}

async function link({ config, io, admin }: Context, action: 'cut' | 'heal'): Promise<void> {
  const answer = (await call(
    `${config.controlUrl}/link/${action}`,
    await admin(),
    'POST',
    config.dataDir,
  )) as {
    regions?: Array<{ region: string; ok: boolean }>;
  };
  io.out(JSON.stringify(answer));
  const failed = (answer.regions ?? []).filter((entry) => !entry.ok).map((entry) => entry.region);
  if (failed.length > 0)
    throw new CliError(
      `link ${action}: ${failed.join(', ')} did not take the switch; run \`link ${action}\` again, or check with \`status\`.`,
    );
}

async function tailEvents({ frontDoor, io, admin }: Context): Promise<never> {
  const url = `${frontDoor}/frontdoor/events`;
  const headers = { accept: 'text/event-stream', ...(await admin()) };
  const response = await fetch(url, { headers }).catch((error: unknown) => {
    throw unreachable(url, error);
  });
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw new CliError(`GET ${url} answered ${response.status}${text.trim() ? `: ${shorten(text)}` : ''}`);
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await response.body.cancel();
    throw new CliError(`GET ${url} did not answer with an event stream; is it Meridian's front door?`);
  }
  let ready = false;
  try {
    for await (const { event, data } of readEventStream(response.body)) {
      if (event === 'ready') {
        // Printed once the front door has found where every region's stream is: nothing after is missed.
        ready = true;
        io.err(`tailing events from every region via ${url} (Ctrl-C to stop)`);
      } else if (data) io.out(eventLine(data));
    }
  } catch (error) {
    throw new CliError(
      `lost the event stream from ${frontDoor} (${fetchFailure(error)}); is \`npm start\` still running?`,
    );
  }
  throw new CliError(
    `the event stream from ${frontDoor} ended${ready ? '' : ' before it was ready'}; is \`npm start\` still running?`,
  );
}

function eventLine(data: string): string {
  try {
    const event = JSON.parse(data) as {
      time: string;
      region: string;
      source: string;
      'detail-type': string;
      detail?: { orderId?: string; sku?: string };
    };
    return `${event.time}  ${event.region.padEnd(10)} ${event.source.padEnd(19)} ${event['detail-type'].padEnd(24)} ${event.detail?.orderId ?? event.detail?.sku ?? ''}`;
  } catch {
    return data;
  }
}

type Command = (context: Context) => Promise<void>;

const SUBCOMMANDS: Partial<Record<string, string>> = {
  region: 'kill <region> | start <region>',
  provider: 'kill | start',
  link: 'cut | heal',
  events: 'tail',
};

/** The command the arguments name, or a usage error naming what is wrong. */
function parseCommand(argv: string[]): Command {
  let parsed: { positionals: string[]; values: { json?: boolean | undefined } };
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  } catch (error) {
    throw new CliError(message(error), 2);
  }
  const words = parsed.positionals;
  const [command, sub, name] = words;
  const exactly = (count: number, run: Command): Command => {
    if (words.length > count)
      throw new CliError(
        `unexpected argument "${words[count]}" after "${words.slice(0, count).join(' ')}"`,
        2,
      );
    return run;
  };
  if (command === undefined) throw new CliError('no command given', 2);
  if (command === 'status') return exactly(1, (context) => status(context, parsed.values.json ?? false));
  if (command === 'region' && (sub === 'kill' || sub === 'start')) {
    if (!name) throw new CliError(`region ${sub} needs a region name, e.g. region ${sub} us-east-1`, 2);
    return exactly(3, (context) => region(context, sub, name));
  }
  if (command === 'provider' && (sub === 'kill' || sub === 'start'))
    return exactly(2, (context) => provider(context, sub));
  if (command === 'link' && (sub === 'cut' || sub === 'heal'))
    return exactly(2, (context) => link(context, sub));
  if (command === 'reconcile') return exactly(1, reconcile);
  if (command === 'events' && sub === 'tail') return exactly(2, tailEvents);
  if (command === 'sign-in-link') return exactly(1, ({ config, io }) => printSignInLink(config, io));
  const takes = SUBCOMMANDS[command];
  if (takes === undefined) throw new CliError(`unknown command "${command}"`, 2);
  throw new CliError(
    sub === undefined
      ? `${command} needs a subcommand: ${command} ${takes}`
      : `unknown command "${command} ${sub}" (${command} takes ${takes})`,
    2,
  );
}

/**
 * The operator CLI (`npm run -s meridian -- <command>`): runs one command and resolves with the exit code
 * (0 done, 1 failed, 2 usage error). Every failure is reported as one line on `err`, never a stack trace.
 */
export async function runMeridian(argv: string[], io: CliIo): Promise<number> {
  try {
    const command = parseCommand(argv);
    let config: LocalConfig;
    try {
      config = loadLocalConfig(io.env);
    } catch (error) {
      throw new CliError(message(error));
    }
    await command({ config, frontDoor: config.frontDoorUrl, io, admin: adminAuthorization(config) });
    return 0;
  } catch (error) {
    const exitCode = error instanceof CliError ? error.exitCode : 1;
    io.err(message(error));
    if (exitCode === 2) io.err(USAGE);
    return exitCode;
  }
}
