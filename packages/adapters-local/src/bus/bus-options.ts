import { systemClock, systemTimers } from '@meridian/adapters-node';
import { BusConfigurationError } from './errors';
import type { BusClock, BusErrorInfo, BusTimers, LocalEventBusOptions, RetryPolicy } from './types';

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 };
export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;

export interface ResolvedBusOptions {
  name: string;
  clock: BusClock;
  timers: BusTimers;
  random: () => number;
  retry: RetryPolicy;
  concurrency: number;
  deliveryTimeoutMs: number;
  onError: (info: BusErrorInfo) => void;
}

export function resolveBusOptions(options: LocalEventBusOptions): ResolvedBusOptions {
  if (typeof options.name !== 'string' || options.name.length === 0) {
    throw new BusConfigurationError('a bus needs a non-empty name');
  }
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  requireInteger('retry.maxAttempts', retry.maxAttempts, 1);
  requireInteger('retry.baseDelayMs', retry.baseDelayMs, 0);
  requireInteger('retry.maxDelayMs', retry.maxDelayMs, retry.baseDelayMs);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  requireInteger('concurrency', concurrency, 1);
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  requireInteger('deliveryTimeoutMs', deliveryTimeoutMs, 1, 2 ** 31 - 1);
  const onError = options.onError;
  return {
    name: options.name,
    clock: options.clock ?? systemClock,
    // Real timers are unref'd: a bus waiting for a retry must never keep the process alive on its own.
    timers: options.timers ?? systemTimers,
    random: options.random ?? Math.random,
    retry,
    concurrency,
    deliveryTimeoutMs,
    // A throwing error callback must not break dispatch, so it is isolated here once.
    onError: (info) => {
      try {
        onError?.(info);
      } catch {
        // The callback is the last place errors can go; nothing useful remains to do with its own failure.
      }
    },
  };
}

function requireInteger(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BusConfigurationError(`${field} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
