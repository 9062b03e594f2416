import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { systemClock } from '@meridian/adapters-node';
import Database from 'better-sqlite3';
import { slowClientLimits } from '../config/server-timeouts';
import { type ChaosConfig, createPaymentSimulatorApp } from './app';
import type { SimulatorClock, SimulatorIdGenerator } from './payment-operations';

export interface StartPaymentSimulatorOptions {
  /** SQLite file holding the ledger and idempotency records (created if missing). */
  dbPath: string;
  /** 0 picks a free port. */
  port: number;
  hostname?: string;
  chaos?: Partial<ChaosConfig>;
  /** Required on payment operations when set (see PaymentSimulatorOptions). */
  apiKey?: string;
  clock?: SimulatorClock;
  ids?: SimulatorIdGenerator;
}

export interface RunningPaymentSimulator {
  /** e.g. http://127.0.0.1:8090 */
  url: string;
  port: number;
  /** Stops accepting requests, waits for in-flight ones, then closes the database. */
  close(): Promise<void>;
}

/** Opens the database, builds the app and listens; shared by main.ts and the tests. */
export async function startPaymentSimulator(
  options: StartPaymentSimulatorOptions,
): Promise<RunningPaymentSimulator> {
  const hostname = options.hostname ?? '127.0.0.1';
  const db = new Database(options.dbPath);
  const app = createPaymentSimulatorApp({
    db,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? { next: () => randomBytes(12).toString('hex') },
    chaos: {
      latencyMs: options.chaos?.latencyMs ?? 0,
      errorRate: options.chaos?.errorRate ?? 0,
      random: options.chaos?.random ?? Math.random,
    },
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const onStartError = (error: Error): void => {
        db.close();
        reject(error);
      };
      const server = serve(
        { fetch: app.fetch, port: options.port, hostname, serverOptions: slowClientLimits() },
        (info) => {
          server.off('error', onStartError);
          resolve({ server, port: info.port });
        },
      );
      server.once('error', onStartError);
    },
  );
  return {
    url: `http://${hostname}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          db.close();
          if (error) reject(error);
          else resolve();
        });
        // Keep-alive sockets would otherwise hold close() open until they time out.
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
