import { systemTimers, type TimerHandle, type Timers } from '@meridian/adapters-node';
import type { DomainContext, StockTransfer } from '@meridian/domain';
import { receiveStock } from '@meridian/domain';

interface CreditLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

/**
 * Credits stock transfers addressed to this region as their records arrive. A transfer whose credit
 * fails is retried until credited: its record is already applied and the replication cursor has moved
 * past it, so nothing else would deliver it again before the region restarts (the start-up scan of
 * applied transfer records is the net for a crash).
 */
export class TransferCredits {
  private readonly uncredited = new Map<string, StockTransfer>();
  private retryTimer: TimerHandle | undefined;
  /** Every credit run not finished yet: `stop()` waits for them before the database closes. */
  private readonly running = new Set<Promise<number>>();
  private retryMs: number;
  private stopped = false;

  constructor(
    private readonly deps: {
      ctx: DomainContext;
      logger: CreditLogger;
      retryMs?: number;
      maxRetryMs?: number;
      timers?: Timers;
    },
  ) {
    this.retryMs = deps.retryMs ?? 1_000;
  }

  /** Credits each transfer once; a failure is logged and retried, and never holds up the others. */
  credit(transfers: readonly StockTransfer[]): Promise<number> {
    const run = this.creditEach(transfers);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  private async creditEach(transfers: readonly StockTransfer[]): Promise<number> {
    let credited = 0;
    for (const transfer of transfers) {
      const about = {
        transferId: transfer.transferId,
        sku: transfer.sku,
        quantity: transfer.quantity,
        from: transfer.fromRegion,
      };
      try {
        if (await receiveStock(this.deps.ctx, transfer)) {
          credited++;
          this.deps.logger.info('stock transfer credited', about);
        }
        this.uncredited.delete(transfer.transferId);
      } catch (error) {
        if (this.stopped) return credited;
        this.uncredited.set(transfer.transferId, transfer);
        this.deps.logger.warn('could not credit a stock transfer; retrying', {
          ...about,
          error: String(error),
        });
      }
    }
    this.scheduleRetry();
    return credited;
  }

  /** Transfers waiting for a retry: 0 when every transfer that arrived is credited. */
  pending(): number {
    return this.uncredited.size;
  }

  /** Stops retrying and waits for every credit in progress (before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    (this.deps.timers ?? systemTimers).clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await Promise.allSettled([...this.running]);
  }

  /** Retries after 1 s, doubling to at most 30 s while credits keep failing; back to 1 s once all land. */
  private scheduleRetry(): void {
    if (this.uncredited.size === 0) this.retryMs = this.deps.retryMs ?? 1_000;
    if (this.retryTimer || this.stopped || this.uncredited.size === 0) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(wait * 2, this.deps.maxRetryMs ?? 30_000);
    // Real timers are unref'd: a pending retry must not keep a stopping process alive; the next start
    // credits what is left.
    this.retryTimer = (this.deps.timers ?? systemTimers).setTimeout(() => {
      this.retryTimer = undefined;
      void this.credit([...this.uncredited.values()]);
    }, wait);
  }
}
