import type { StockTransfer } from '../inventory/stock-transfer';

/** A region's order a saga may still owe something: PENDING, or CONFIRMED with a cancellation requested. */
export interface OrderToResume {
  orderId: string;
  status: 'PENDING' | 'CONFIRMED';
}

/**
 * Port: the few questions a region asks of its whole store when it starts, to finish what a crash left
 * unfinished. They are answered by scanning the region's own copy of the table (a start is rare, and
 * these items have no index of their own); the rules that act on the answers live in the domain
 * (`receiveStock`, `noteDuplicateKey`, the saga's resume). Synchronous: the local runtime answers from
 * its SQLite file before it serves anything. The AWS runtime needs no such port: its stream retries
 * every transfer and claim until handled, and Step Functions keeps executions across deployments.
 */
export interface RecoveryQueries {
  /** Stock transfer records addressed to `region` (each is credited at most once; crediting is idempotent). */
  transfersTo(region: string): StockTransfer[];
  /** The region's orders a saga may still owe something. */
  ordersToResume(region: string): OrderToResume[];
  /**
   * Idempotency-Keys `region` and another region both claimed: candidates for the duplicate rule
   * (`noteDuplicateKey` decides whether the claims overlap).
   */
  contestedIdempotencyKeys(region: string): Array<{ customerId: string; key: string }>;
}
