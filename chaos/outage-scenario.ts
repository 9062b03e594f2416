import { parseArgs } from 'node:util';
import { PLENTIFUL_SKUS, type Restock, regionList } from './scenario';

/** The provider outage suite (`npm run chaos:outage`): one long outage over many orders in flight. */
export interface OutageScenario {
  regions: string[];
  /** Orders placed just before the outage (split across the regions, sent to each directly). */
  orders: number;
  /** Sent this fast; the provider answers `slowLatencyMs` late meanwhile, so none finishes before the outage. */
  ordersPerSecond: number;
  slowLatencyMs: number;
  /** kill: the simulator is killed -9 and restarted (every call fails, lookups too); errors: it answers 503 to every call that changes something. */
  fault: 'kill' | 'errors';
  outageMs: number;
  /** Every order must be settled this long after the provider is back. */
  settleBoundMs: number;
  convergenceMs: number;
  restocks: Restock[];
  totalBudgetMs: number;
  summaryFile?: string;
  keepData: boolean;
}

export const OUTAGE_USAGE = `usage: npm run chaos:outage -- [options]
  --regions a,b[,c]   two to five regions (default us-east-1,eu-west-1)
  --orders N          orders caught by the outage, 1-1000 (default 200)
  --seconds N         how long the payment provider is out, 3-600 (default 120)
  --fault kill|errors the provider is killed, or answers 503 to everything (default kill)
  --summary FILE      also write the result as JSON to FILE
  --keep-data         keep the platform's data directory after the run
  --help, -h          this text`;

/** Reads the suite's settings from the command line (`npm run chaos:outage -- --orders 200 --seconds 120`). */
export function outageScenarioFromArgs(argv: readonly string[]): OutageScenario {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      regions: { type: 'string' },
      orders: { type: 'string' },
      seconds: { type: 'string' },
      fault: { type: 'string' },
      summary: { type: 'string' },
      'keep-data': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const integer = (raw: string | undefined, fallback: number, min: number, max: number, name: string) => {
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      throw new Error(`--${name}: expected an integer from ${min} to ${max}, got ${raw}`);
    return parsed;
  };
  const fault = values.fault ?? 'kill';
  if (fault !== 'kill' && fault !== 'errors')
    throw new Error(`--fault: expected kill or errors, got ${fault}`);
  const regions = regionList(values.regions);
  const outageMs = integer(values.seconds, 120, 3, 600, 'seconds') * 1000;
  return {
    regions,
    orders: integer(values.orders, 200, 1, 1000, 'orders'),
    ordersPerSecond: 400,
    // Under the regions' 2 s client timeout. A saga waits for two answers (authorize, capture), so none can
    // finish within 3 s of its order; the outage begins 2.25 s after the first, when the early ones are
    // authorized. Placing all of them takes 0.5 s, and 1 to 2 s on a busy machine.
    slowLatencyMs: 1_500,
    fault,
    outageMs,
    settleBoundMs: 90_000,
    convergenceMs: 60_000,
    restocks: PLENTIFUL_SKUS.map((sku) => ({ sku, quantity: 1000 })),
    // Start, orders, the outage, settling and checking, with room to spare.
    totalBudgetMs: outageMs + 180_000,
    ...(values.summary ? { summaryFile: values.summary } : {}),
    keepData: values['keep-data'] ?? false,
  };
}
