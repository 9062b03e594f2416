import { createPaymentSimulatorApp } from '@meridian/local/payment-simulator/app';
import type Database from 'better-sqlite3';
import type { ProcessRuntime } from '../kernel/process-runtime';
import type { SimProcess } from '../kernel/scheduler';
import type { SimNetwork } from '../network/network';
import { committedImage, openSimDatabase } from './sim-database';

export const PROVIDER = 'payments';

/** One authorization as the provider's ledger holds it: the truth the money invariants check. */
export interface ProviderAuthorization {
  id: string;
  orderId: string;
  amount: number;
  status: string;
  captured: number;
  refunded: number;
}

/**
 * The payment provider simulator (the same Hono app and SQLite ledger the local payment process runs),
 * as a simulated process that can be killed and restarted on its committed ledger, or made to answer
 * 503 to everything through its own chaos control.
 */
export class ProviderProcess {
  private db: Database.Database | undefined;
  private image: Buffer | undefined;
  private app: ReturnType<typeof createPaymentSimulatorApp> | undefined;
  private errorRate = 0;

  constructor(
    private readonly runtime: ProcessRuntime,
    private readonly network: SimNetwork,
    private readonly apiKey: string,
  ) {}

  get process(): SimProcess {
    return this.runtime.process;
  }

  boot(): void {
    const { runtime } = this;
    runtime.process.up = true;
    this.db = openSimDatabase(this.image);
    const ids = new Uint8Array(12);
    this.app = createPaymentSimulatorApp({
      db: this.db,
      clock: runtime.clock,
      ids: {
        next: () => {
          runtime.random.fill(ids);
          return Buffer.from(ids).toString('hex');
        },
      },
      chaos: { latencyMs: 0, errorRate: 0, random: () => runtime.random.float() },
      apiKey: this.apiKey,
      timers: runtime.timers,
    });
    this.network.serve(PROVIDER, runtime.process, this.app.fetch);
    // The operator's outage switch outlives a restart of the process (it is the scenario, not its memory).
    if (this.errorRate > 0) this.applyOutage();
  }

  close(): void {
    this.db?.close();
  }

  crash(): void {
    const process = this.process;
    if (!process.up) return;
    process.up = false;
    process.incarnation++;
    this.network.stopServing(PROVIDER);
    if (this.db) {
      this.image = committedImage(this.db);
      this.db.close();
    }
    this.db = undefined;
    this.app = undefined;
  }

  /** The operator's chaos switch: this share of the payment operations answers 503 before any effect. */
  setErrorRate(errorRate: number): void {
    this.errorRate = errorRate;
    this.applyOutage();
  }

  private applyOutage(): void {
    void this.app?.fetch(
      new Request('http://payments.sim/v1/chaos', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
        body: JSON.stringify({ errorRate: this.errorRate }),
      }),
    );
  }

  /** The provider's authorizations, read from its ledger (only while it is up). */
  authorizations(): ProviderAuthorization[] {
    if (!this.db) return [];
    return this.db
      .prepare(
        `SELECT id, order_id AS orderId, amount, status, captured_amount AS captured, refunded_amount AS refunded
         FROM authorizations ORDER BY id`,
      )
      .all() as ProviderAuthorization[];
  }

  /** Ledger entries per order and type (captures, refunds, …). */
  ledger(): Array<{ orderId: string; type: string; amount: number; authorizationId: string | null }> {
    if (!this.db) return [];
    return this.db
      .prepare(
        'SELECT order_id AS orderId, type, amount, authorization_id AS authorizationId FROM ledger_entries ORDER BY seq',
      )
      .all() as Array<{ orderId: string; type: string; amount: number; authorizationId: string | null }>;
  }
}
