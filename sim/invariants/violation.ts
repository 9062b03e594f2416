/** One broken promise of the platform, with what it concerns (order ids, keys, SKUs) to filter the trace by. */
export interface Violation {
  invariant: string;
  detail: string;
  subjects: string[];
  /** Simulated ms since the run began, for those found while the run was going. */
  at?: number;
}

export const INVARIANTS = {
  acknowledged: 'no acknowledged order lost',
  oneLivePerKey: 'one live order per key when any could succeed',
  noOversell: 'no oversell',
  stockConserved: 'stock conserved (available + reserved + sold + in transit)',
  confirmed: 'every CONFIRMED order captured once with a live shipment',
  closedSettled: 'every closed order, once settled, holds and keeps nothing',
  notifications: 'notifications once',
  told: 'what the customer is told about the money is true',
  replicas: 'replicas equal after heal',
  stuck: 'no saga stuck (the platform converges after the heal)',
  oneWay: 'compensation is one-way, statuses only move forward (checked at every commit)',
  crashFree: 'no process died of an unhandled error',
} as const;
