import type { Logger } from '@aws-lambda-powertools/logger';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type {
  DomainContext,
  OperationsPort,
  OrderWorkflow,
  Principal,
  TokenVerifier,
} from '@meridian/domain';

/** Everything the API needs, injected by the runtime's composition root (local region or Lambda). */
export interface ApiDependencies {
  ctx: DomainContext;
  workflow: OrderWorkflow;
  verifier: TokenVerifier;
  operations: OperationsPort;
  logger: Logger;
}

export interface ApiEnv {
  Variables: { principal: Principal };
}

export type ApiApp = OpenAPIHono<ApiEnv>;
