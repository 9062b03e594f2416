import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  DomainContext,
  OperationsPort,
  OrderWorkflow,
  Principal,
  ReconciliationReport,
  TokenVerifier,
} from '@meridian/domain';
import type { RouteRegistry } from './openapi/route-registry';

/** Everything the API needs, injected by the runtime's composition root (local region or Lambda). */
export interface ApiDependencies {
  ctx: DomainContext;
  workflow: OrderWorkflow;
  verifier: TokenVerifier;
  operations: OperationsPort;
  logger: Pick<Logger, 'error'>;
  /** Runs a payment reconciler pass now; only where the runtime runs one in process (local mode). */
  reconcileNow?: () => Promise<ReconciliationReport>;
}

export interface ApiEnv {
  Variables: { principal: Principal };
}

/** Where the route modules mount their routes: the API's Hono app and its OpenAPI route list. */
export type ApiApp = RouteRegistry<ApiEnv>;
