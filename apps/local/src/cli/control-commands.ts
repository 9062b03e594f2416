import { type CliContext, CliError, call, message } from './control-client';

/** Asks the launcher to kill or start a process; killing one that was not running is a failure. */
async function switchProcess(
  { config, io, admin }: CliContext,
  path: string,
  action: 'kill' | 'start',
  notRunning: string,
): Promise<void> {
  const answer = (await call(
    `${config.controlUrl}${path}/${action}`,
    await admin(),
    'POST',
    config.dataDir,
  )) as {
    killed?: boolean;
  };
  io.out(JSON.stringify(answer));
  if (action === 'kill' && answer.killed === false) throw new CliError(`${notRunning}: nothing was killed.`);
}

export function region(context: CliContext, action: 'kill' | 'start', name: string): Promise<void> {
  return switchProcess(context, `/regions/${encodeURIComponent(name)}`, action, `${name} was not running`);
}

export function provider(context: CliContext, action: 'kill' | 'start'): Promise<void> {
  return switchProcess(context, '/provider', action, 'the payment provider was not running');
}

interface ReconcileReport {
  ledgerEntriesRead: number;
  ordersChecked: number;
  waiting: number;
  fixed: Array<{ orderId: string; action: string; amountMinor: number }>;
  unresolved: Array<{ orderId: string; reason: string }>;
}

/** Runs each region's reconciler (the admin API of each region, directly) and prints what it did. */
export async function reconcile({ config, io, admin }: CliContext): Promise<void> {
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

export async function link({ config, io, admin }: CliContext, action: 'cut' | 'heal'): Promise<void> {
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
