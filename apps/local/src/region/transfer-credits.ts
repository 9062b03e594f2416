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
  private retryTimer: NodeJS.Timeout | undefined;
  private retrying: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: { ctx: DomainContext; logger: CreditLogger; retryMs?: number }) {}

  /** Credits each transfer once; a failure is logged and retried, and never holds up the others. */
  async credit(transfers: readonly StockTransfer[]): Promise<number> {
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

  /** Stops retrying and waits for a retry in progress (before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.retrying;
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped || this.uncredited.size === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retrying = this.credit([...this.uncredited.values()]);
    }, this.deps.retryMs ?? 1_000);
  }
}
