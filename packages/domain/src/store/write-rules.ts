import type { EventEnvelope } from '@meridian/contracts';
import { ConditionFailedError, type CounterWrite, type ItemWrite } from './item-store';

/**
 * DynamoDB's hard limit on actions in one TransactWriteItems call (writes and outbox events together).
 * Every store enforces it, so a transaction that could never commit on AWS fails locally too.
 */
export const MAX_TRANSACTION_ITEMS = 100;

/** A transaction no store may apply (too large, or one item written twice): a bug in the caller. */
export class InvalidTransactionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTransactionError';
  }
}

/** Throws InvalidTransactionError for a transaction DynamoDB would refuse as a whole. */
export function checkTransaction(
  writes: readonly (ItemWrite | CounterWrite)[],
  events: readonly EventEnvelope[],
): void {
  const total = writes.length + events.length;
  if (total > MAX_TRANSACTION_ITEMS) {
    throw new InvalidTransactionError(
      `a transaction holds at most ${MAX_TRANSACTION_ITEMS} writes and events together, got ${total}`,
    );
  }
  const seen = new Set<string>();
  for (const write of writes) {
    const key = JSON.stringify([write.pk, write.sk]);
    if (seen.has(key))
      throw new InvalidTransactionError(`${write.pk}/${write.sk} is written twice in one transaction`);
    seen.add(key);
  }
}

/**
 * The counter semantics of every store (DynamoDB's expression is built to match): a field the item lacks
 * counts as 0, for adding and for an `atLeast` check alike; a field holding anything but a number fails
 * the write. Returns the item's new data; throws ConditionFailedError when a check fails.
 */
export function applyCounterWrite(
  data: Readonly<Record<string, unknown>>,
  write: CounterWrite,
  id = `${write.pk}/${write.sk}`,
): Record<string, unknown> {
  const numberAt = (field: string): number => {
    const value = data[field];
    if (value === undefined) return 0;
    if (typeof value !== 'number')
      throw new ConditionFailedError(`${id}: ${field} is not a number, it cannot be counted`);
    return value;
  };
  for (const [field, minimum] of Object.entries(write.atLeast ?? {})) {
    if (numberAt(field) < minimum) throw new ConditionFailedError(`${id}: ${field} is below ${minimum}`);
  }
  const next: Record<string, unknown> = { ...data };
  for (const [field, delta] of Object.entries(write.add)) next[field] = numberAt(field) + delta;
  return next;
}
