import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { apiDependencies, logger } from '../aws/composition-root';
import { createApiApp } from './app';

let serve: ReturnType<typeof handle> | undefined;

/**
 * Lambda entry of the HTTP API (API Gateway HTTP API, payload format 2.0). The Hono app and its
 * dependencies are built on the first request and reused for the container's lifetime.
 */
export async function handler(event: LambdaEvent, context: Context) {
  logger().addContext(context);
  serve ??= handle(createApiApp(apiDependencies()));
  return serve(event, context);
}
