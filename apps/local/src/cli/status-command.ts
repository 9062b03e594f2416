import { controlStatusSchema, frontDoorStatusSchema } from '@meridian/contracts';
import type * as z from 'zod';
import { type CliContext, CliError, call } from './control-client';
import { type RegionStatus, statusTable } from './status-table';

/** An answer read with its schema: one clear line, naming the first thing that does not fit, if it does not. */
function readAs<T>(schema: z.ZodType<T>, url: string, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(
    `${url} answered something this CLI cannot read (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}); is it Meridian's front door, of the same version?`,
  );
}

export async function status({ config, frontDoor, io, admin }: CliContext, json: boolean): Promise<void> {
  const statusUrl = `${frontDoor}/frontdoor/status`;
  const front = readAs(
    frontDoorStatusSchema,
    statusUrl,
    await call(statusUrl, await admin(), 'GET', config.dataDir),
  );
  // The launcher's view of its processes is extra: without it the table says "unknown".
  const controlAnswer = await call(`${config.controlUrl}/status`, await admin()).catch(() => undefined);
  const control = controlStatusSchema.safeParse(controlAnswer).data;
  const regions = front.regions.map((region): RegionStatus => {
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
  for (const line of statusTable(regions)) io.out(line);
  const provider = control?.provider;
  io.out(
    provider
      ? `payment provider ${provider.url}: ${provider.running ? `running (pid ${provider.pid})` : 'STOPPED (start it: provider start)'}`
      : 'payment provider: unknown (the launcher did not answer)',
  );
  if (front.serving === null) io.err('No region is healthy: none serves.');
}
