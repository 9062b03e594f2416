import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaosConfig } from './app';
import { type RunningPaymentSimulator, startPaymentSimulator } from './server';

/** Shared by the simulator's test files: a real HTTP simulator on a throw-away database. */
export interface TestSimulator extends RunningPaymentSimulator {
  dbPath: string;
  /** The key every /v1 route requires, when the simulator was started with one. */
  apiKey?: string;
  /** Closes the server and deletes its database directory. */
  dispose(): Promise<void>;
}

export async function startTestSimulator(
  chaos: Partial<ChaosConfig> = {},
  options: { apiKey?: string } = {},
): Promise<TestSimulator> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-payments-'));
  const dbPath = join(dir, 'payments.sqlite');
  const simulator = await startPaymentSimulator({ dbPath, port: 0, chaos, ...options });
  return {
    ...simulator,
    dbPath,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    dispose: async () => {
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LedgerRowJson {
  id: string;
  type: string;
  amount: number;
  currency: string;
  order_id: string;
  authorization_id: string | null;
  idempotency_key: string;
  decline_code: string | null;
}

export async function ledgerFor(baseUrl: string, orderId: string, apiKey?: string): Promise<LedgerRowJson[]> {
  const response = await fetch(`${baseUrl}/v1/ledger?order_id=${encodeURIComponent(orderId)}&limit=100`, {
    headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
  });
  // A refused read (a missing or wrong key) must not pass for an empty ledger.
  if (!response.ok) throw new Error(`GET /v1/ledger: ${response.status} ${await response.text()}`);
  const list = (await response.json()) as { data: LedgerRowJson[] };
  return list.data;
}

export function unique(prefix: string): string {
  return `${prefix}_${randomUUID()}`;
}

export function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  idempotencyKey?: string,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}
