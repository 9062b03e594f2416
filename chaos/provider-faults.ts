import type { ControlPlane, PaymentsChaos } from './control-plane';
import type { PlannedProviderFault, ProviderFaultKind } from './fault-plan';
import { errorMessage } from './http';
import { type Progress, sleep } from './progress';

/** One provider fault as it happened. Times are epoch ms of this process's clock. */
export interface ProviderFaultRecord {
  kind: ProviderFaultKind;
  /**
   * 'provider track' (the chaos run's three seeded faults), 'compensation outage' (its long 503 burst) or
   * 'outage suite' (`npm run chaos:outage`).
   */
  purpose: 'provider track' | 'compensation outage' | 'outage suite';
  /** What the plan asked for. */
  plannedDurationMs: number;
  latencyMs?: number;
  /** Just before the fault was injected. */
  from: number;
  /** When the fault was confirmed: the simulator killed, or its new setting read back; null if never. */
  confirmedAt: number | null;
  /** When the provider was back: restarted and healthy, or its setting read back as normal; null if never. */
  until: number | null;
  /** What confirmed the fault and the recovery, or why either failed. */
  detail: string;
}

/**
 * Injects and ends provider faults through the launcher's control server (kill -9, start) and the
 * simulator's chaos switch (503s, latency), recording each with what confirmed it. Failures are recorded,
 * not thrown: the invariants judge them.
 */
export class ProviderFaults {
  readonly records: ProviderFaultRecord[] = [];

  constructor(
    private readonly control: ControlPlane,
    private readonly payments: PaymentsChaos,
    private readonly progress: Progress,
  ) {}

  /** Injects the fault and returns its record; `end` brings the provider back. */
  async begin(
    fault: Pick<PlannedProviderFault, 'kind' | 'durationMs' | 'latencyMs'>,
    purpose: ProviderFaultRecord['purpose'],
  ): Promise<ProviderFaultRecord> {
    const record: ProviderFaultRecord = {
      kind: fault.kind,
      purpose,
      plannedDurationMs: fault.durationMs,
      ...(fault.latencyMs === undefined ? {} : { latencyMs: fault.latencyMs }),
      from: Date.now(),
      confirmedAt: null,
      until: null,
      detail: '',
    };
    this.records.push(record);
    this.progress.phase(`provider: ${describeFault(fault)} (${purpose})`);
    try {
      if (fault.kind === 'kill') {
        const answer = await this.control.killProvider();
        record.detail = `killed: ${answer.killed}, pid ${answer.pid ?? 'none'}`;
        if (answer.killed) record.confirmedAt = Date.now();
      } else if (fault.kind === 'errors') {
        // Every call that changes something fails at once (no latency left from a slow spell before).
        await this.payments.set({ errorRate: 1, latencyMs: 0 });
        record.confirmedAt = Date.now();
        record.detail = 'errorRate 1 read back';
      } else {
        await this.payments.setLatencyMs(fault.latencyMs ?? 0);
        record.confirmedAt = Date.now();
        record.detail = `latency ${fault.latencyMs} ms read back`;
      }
    } catch (error) {
      record.detail = `not injected: ${errorMessage(error)}`;
    }
    if (record.confirmedAt === null) this.progress.warn(`provider fault not confirmed: ${record.detail}`);
    return record;
  }

  /** Brings the provider back from the fault: restarts it, or sets its switch back to normal. */
  async end(record: ProviderFaultRecord): Promise<void> {
    try {
      if (record.kind === 'kill') {
        await this.control.startProvider();
        record.detail += '; restarted, healthy';
      } else if (record.kind === 'errors') {
        await this.payments.setErrorRate(0);
        record.detail += '; errorRate 0 read back';
      } else {
        await this.payments.setLatencyMs(0);
        record.detail += '; latency 0 read back';
      }
      record.until = Date.now();
      this.progress.info(`provider back after ${record.kind} (${record.until - record.from} ms)`);
    } catch (error) {
      record.detail += `; not brought back: ${errorMessage(error)}`;
      this.progress.warn(`the provider was not brought back: ${errorMessage(error)}`);
    }
  }

  /** A whole fault: inject, hold for its duration, end. */
  async run(fault: PlannedProviderFault, purpose: ProviderFaultRecord['purpose']): Promise<void> {
    const record = await this.begin(fault, purpose);
    await sleep(Math.max(0, record.from + fault.durationMs - Date.now()));
    await this.end(record);
  }

  /** When the provider was last brought back (null while a fault never ended). */
  backForGoodAt(): number | null {
    if (this.records.some((record) => record.until === null)) return null;
    return Math.max(0, ...this.records.map((record) => record.until ?? 0));
  }
}

export function describeFault(
  fault: Pick<PlannedProviderFault, 'kind' | 'durationMs' | 'latencyMs'>,
): string {
  const seconds = (fault.durationMs / 1000).toFixed(1);
  if (fault.kind === 'kill') return `kill -9 the payment simulator, restart it after ${seconds} s`;
  if (fault.kind === 'errors') return `503 to every call for ${seconds} s`;
  return `${fault.latencyMs} ms per call (past the 2 s client timeout) for ${seconds} s`;
}

/** The seeded provider track: each fault at its planned time from `startedAt`, one after another. */
export async function runProviderTrack(
  faults: ProviderFaults,
  plan: readonly PlannedProviderFault[],
  startedAt: number,
): Promise<void> {
  for (const fault of plan) {
    await sleep(Math.max(0, startedAt + fault.atMs - Date.now()));
    await faults.run(fault, 'provider track');
  }
}
